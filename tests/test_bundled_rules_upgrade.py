"""An installation's rules after the app is upgraded (s22 hunt: a database seeded before a
correction of the bundled rules kept 0D001, which the ITAR controls, CLEAR to China, and
said nothing)."""

from __future__ import annotations

import json

from screening.db import open_database
from screening.paths import SEED_STAMP, seed_rules_dir, seed_stamp
from screening.rules.edit import set_rule_value
from screening.rules.files import read_rule_dir
from screening.rules.store import current_meta, replace_rules, rules_version
from tests.conftest import screen_file


def test_the_stamp_beside_the_bundled_rules_is_their_version() -> None:
    """Whoever changes a rule file updates SEED_VERSION.json: its version (below) and its
    date (later than before), or installations keep the rules they have."""
    version, date = seed_stamp()
    assert version == rules_version(read_rule_dir(seed_rules_dir())), (
        f"set 'version' in resources/rules/{SEED_STAMP} to "
        f"{rules_version(read_rule_dir(seed_rules_dir()))} and 'date' to now (UTC)")
    assert len(date) == len("2026-12-02T19:05") and date[10] == "T"


def _earlier_install(url: str, source: str = "bundled seed data") -> str:
    """A database whose rules are an earlier app's bundled rules: 0D001's ITAR pointer
    then covered no destination. Returns their version."""
    open_database(url).dispose()
    tables = read_rule_dir(seed_rules_dir())
    tables["special_controls.csv"] = [
        {**row, "destinations": ""} if row["eccn"] == "0D001" else row
        for row in tables["special_controls.csv"]]
    db = open_database(url)
    try:
        with db.sessions.begin() as session:
            return replace_rules(session, tables, source, loaded_by="ann")
    finally:
        db.dispose()


def _screen_0d001(tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "s.csv"
    path.write_text("Line,Destination,Export Date,ECCN,Consignee\n"
                    "U1,China,2024-03-01,0D001,Acme Widgets Ltd\n", encoding="utf-8")
    return screen_file(tmp_path, path)[1]["U1"]


def test_an_earlier_apps_untouched_bundled_rules_are_replaced_on_opening(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'hkscreen.sqlite3'}"
    old = _earlier_install(url)
    assert old != seed_stamp()[0]
    db = open_database(url)
    try:
        with db.sessions() as session:
            meta = current_meta(session)
            assert meta is not None and meta.version == seed_stamp()[0]
            assert meta.source.startswith(f"bundled seed data of {seed_stamp()[1]} (")
            assert old[:16] in meta.source and meta.loaded_by.startswith("hkscreen (")
    finally:
        db.dispose()
    line = _screen_0d001(tmp_path)
    assert line.verdict == "REVIEW"
    assert "SPECIAL_CONTROL_REVIEW" in {f.code for f in line.findings}


def test_rules_an_officer_changed_since_are_left_as_they_are(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'hkscreen.sqlite3'}"
    _earlier_install(url)
    db = open_database(url)  # (replaced here: the rules were untouched)
    try:
        with db.sessions.begin() as session:
            set_rule_value(session, "eccns.csv", {"eccn": "3A001"}, "notes", "see memo 12",
                           expected=_notes(session), reason="memo",
                           citation="internal memo 12", changed_by="ann")
            edited = current_meta(session).version  # type: ignore[union-attr]
    finally:
        db.dispose()
    db = open_database(url)
    try:
        with db.sessions() as session:
            assert current_meta(session).version == edited  # type: ignore[union-attr]
    finally:
        db.dispose()


def _notes(session) -> str:  # type: ignore[no-untyped-def]
    from screening.rules.edit import get_rule_value

    return str(get_rule_value(session, "eccns.csv", {"eccn": "3A001"}, "notes"))


def test_a_later_apps_bundled_rules_are_not_replaced_by_an_earlier_apps(tmp_path) -> None:
    """A team database a newer hkscreen loaded stays as it is when an older one opens it."""
    url = f"sqlite:///{tmp_path / 'hkscreen.sqlite3'}"
    later = _earlier_install(url, source="bundled seed data of 2999-01-01T00:00")
    db = open_database(url)
    try:
        with db.sessions() as session:
            assert current_meta(session).version == later  # type: ignore[union-attr]
    finally:
        db.dispose()


def test_the_stamp_is_plain_json() -> None:
    stamp = json.loads((seed_rules_dir() / SEED_STAMP).read_text(encoding="utf-8"))
    assert set(stamp) >= {"version", "date"}


def test_rules_changed_since_say_the_bundled_ones_were_not_loaded(tmp_path, capsys) -> None:
    """(s22 second review:) one officer edit kept every later bundled correction out,
    without a word: the screen and ``rules info`` say so."""
    from screening.cli import main

    url = f"sqlite:///{tmp_path / 'hkscreen.sqlite3'}"
    _earlier_install(url)
    db = open_database(url)  # replaced here (untouched); then made older and edited
    try:
        with db.sessions.begin() as session:
            tables = read_rule_dir(seed_rules_dir())
            replace_rules(session, {**tables, "special_controls.csv": [
                {**row, "destinations": ""} if row["eccn"] == "0D001" else row
                for row in tables["special_controls.csv"]]}, "bundled seed data",
                loaded_by="ann")
            set_rule_value(session, "eccns.csv", {"eccn": "3A001"}, "notes", "see memo 12",
                           expected=_notes(session), reason="memo",
                           citation="internal memo 12", changed_by="ann")
    finally:
        db.dispose()
    path = tmp_path / "s.csv"
    path.write_text("Line,Destination,Export Date,ECCN,Consignee\n"
                    "U1,Germany,2024-03-01,EAR99,Acme Widgets Ltd\n", encoding="utf-8")
    main(["--database-url", url, "screen", str(path), "--quiet"])
    assert "are not this version's bundled rules" in capsys.readouterr().err
    assert main(["--database-url", url, "rules", "info"]) == 0
    assert "so the bundled rules and their corrections" in capsys.readouterr().out
