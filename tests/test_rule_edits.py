"""Rules maintenance: logged edits, validation, optimistic locking between two editors."""

from __future__ import annotations

import pytest

from screening.cli import main
from screening.db import open_database
from screening.rules.edit import (
    RuleConflict,
    RuleEditError,
    change_log,
    get_rule_value,
    set_rule_value,
)
from screening.rules.ruleset import load_ruleset
from screening.rules.store import current_meta
from screening.service import ScreenOptions, run_screening
from tests.conftest import SAMPLE_XLSX, make_line

KEY = {"row_key": "HK_PRE2020"}


def test_edit_is_logged_and_changes_the_version_and_verdicts(db) -> None:
    from screening.engine import screen_line
    with db.sessions() as session:
        before = current_meta(session).version
        rules = load_ruleset(session)
    line = make_line("HK", "2020-03-01", "2A290")
    assert screen_line(line, rules).verdict.value == "CLEAR"  # NP2 blank (inferred)
    with db.sessions.begin() as session:
        change = set_rule_value(session, "country_chart.csv", KEY, "NP2", "X", expected="",
                                reason="checked the 2020 CFR edition", citation="15 CFR 738 "
                                "Supp. No. 1 (2020 edition)", changed_by="ann")
    assert (change.old_value, change.new_value, change.version_before) == ("", "X", before)
    with db.sessions() as session:
        assert current_meta(session).version == change.version_after != before
        log = change_log(session)
        rules = load_ruleset(session)
    assert [(c.changed_by, c.column, c.reason) for c in log] == [
        ("ann", "NP2", "checked the 2020 CFR edition")]
    assert screen_line(line, rules).verdict.value == "LICENSE_REQUIRED"


def test_reason_citation_and_value_are_validated(db) -> None:
    with db.sessions.begin() as session, pytest.raises(RuleEditError, match="reason"):
        set_rule_value(session, "country_chart.csv", KEY, "NP2", "X", expected="",
                       reason="", citation="x", changed_by="ann")
    with db.sessions.begin() as session, pytest.raises(RuleEditError, match="expected X"):
        set_rule_value(session, "country_chart.csv", KEY, "NP2", "maybe", expected="",
                       reason="r", citation="c", changed_by="ann")
    with db.sessions.begin() as session, pytest.raises(RuleEditError, match="0 rows"):
        set_rule_value(session, "country_chart.csv", {"row_key": "NOPE"}, "NP2", "X",
                       expected="", reason="r", citation="c", changed_by="ann")


def test_two_editors_same_rule_second_gets_a_conflict(db, db_url) -> None:
    other = open_database(db_url)
    try:
        with db.sessions() as s1, other.sessions() as s2:  # both read the cell
            seen1 = get_rule_value(s1, "eccns.csv", {"eccn": "3A991"}, "supp2")
            seen2 = get_rule_value(s2, "eccns.csv", {"eccn": "3A991"}, "supp2")
        with db.sessions.begin() as session:
            set_rule_value(session, "eccns.csv", {"eccn": "3A991"}, "supp2", "unknown",
                           expected=seen1, reason="r1", citation="c1", changed_by="ann")
        with other.sessions.begin() as session, pytest.raises(RuleConflict,
                                                              match="someone changed it"):
            set_rule_value(session, "eccns.csv", {"eccn": "3A991"}, "supp2", "no",
                           expected=seen2, reason="r2", citation="c2", changed_by="bob")
        with other.sessions() as session:
            assert get_rule_value(session, "eccns.csv", {"eccn": "3A991"}, "supp2") == \
                "unknown"
            assert [c.changed_by for c in change_log(session)] == ["ann"]
    finally:
        other.dispose()


def test_cli_rules_get_set_log(capsys, db_url) -> None:
    args = ["--database-url", db_url, "rules"]
    assert main([*args, "get", "eccns.csv", "eccn=3A001", "supp2"]) == 0
    assert capsys.readouterr().out.strip() == "no"
    assert main([*args, "set", "eccns.csv", "eccn=3A001", "supp2", "unknown", "--expect",
                 "no", "--reason", "under review", "--citation", "85 FR 23459"]) == 0
    assert main([*args, "set", "eccns.csv", "eccn=3A001", "supp2", "yes", "--expect", "no",
                 "--reason", "r", "--citation", "c"]) == 2
    assert "someone changed it" in capsys.readouterr().err
    assert main([*args, "log"]) == 0
    assert "'no' -> 'unknown' (under review; 85 FR 23459)" in capsys.readouterr().out


def test_runs_keep_their_rules_version(db) -> None:
    first = run_screening(db, SAMPLE_XLSX, ScreenOptions()).run
    with db.sessions.begin() as session:
        set_rule_value(session, "country_chart.csv", KEY, "NP2", "X", expected="",
                       reason="r", citation="c", changed_by="ann")
    second = run_screening(db, SAMPLE_XLSX, ScreenOptions()).run
    assert first.rules_version != second.rules_version
    with db.sessions() as session:
        from screening.store.runs import get_run
        assert get_run(session, first.id).rules_version == first.rules_version


def test_rescreen_under_current_rules_shows_changes(capsys, db, db_url) -> None:
    run = run_screening(db, SAMPLE_XLSX, ScreenOptions()).run
    assert main(["--database-url", db_url, "runs", "rescreen", str(run.id)]) == 0
    assert "0 line(s) differ" in capsys.readouterr().out  # same rules: nothing changes
    with db.sessions.begin() as session:
        set_rule_value(session, "country_chart.csv", KEY, "NP2", "X", expected="",
                       reason="r", citation="c", changed_by="ann")
    assert main(["--database-url", db_url, "runs", "rescreen", str(run.id)]) == 1
    out = capsys.readouterr().out
    assert "row 7" in out and "CLEAR -> LICENSE_REQUIRED" in out  # HK-1003, 2A290 in 2020
    assert "CHART_LICENSE_REQUIRED" in out.split("row 7", 1)[1].splitlines()[0]


LOGGED = ["--reason", "bundle from head office", "--citation", "85 FR 83765"]


def test_rule_bundle_manifest_is_checked(capsys, db_url, tmp_path) -> None:
    bundle = tmp_path / "bundle"
    assert main(["--database-url", db_url, "rules", "export", str(bundle), "--note",
                 "signed off by A. Officer"]) == 0
    manifest = (bundle / "MANIFEST.json").read_text(encoding="utf-8")
    assert "signed off by A. Officer" in manifest and "country_chart.csv" in manifest
    assert main(["--database-url", db_url, "rules", "import", str(bundle), *LOGGED]) == 0
    chart = bundle / "eccns.csv"
    chart.write_text(chart.read_text(encoding="utf-8").replace("Firearms", "Fire arms"),
                     encoding="utf-8")
    (bundle / "eei_rules.csv").unlink()
    capsys.readouterr()
    assert main(["--database-url", db_url, "rules", "import", str(bundle), *LOGGED]) == 2
    err = capsys.readouterr().err
    assert "eei_rules.csv: file is missing" in err
    (bundle / "eei_rules.csv").write_text("x", encoding="utf-8")
    assert main(["--database-url", db_url, "rules", "import", str(bundle), *LOGGED]) == 2
    err = capsys.readouterr().err
    assert "eei_rules.csv" in err
    # A valid bundle whose files no longer match the manifest is refused too.
    good = tmp_path / "good"
    assert main(["--database-url", db_url, "rules", "export", str(good)]) == 0
    text = (good / "eccns.csv").read_text(encoding="utf-8")
    (good / "eccns.csv").write_text(text.replace("Firearms", "Fire arms"), encoding="utf-8")
    capsys.readouterr()
    assert main(["--database-url", db_url, "rules", "import", str(good), *LOGGED]) == 2
    err = capsys.readouterr().err
    assert "eccns.csv: SHA-256" in err and "rules version" in err


def test_add_and_remove_rows_are_logged(capsys, db, db_url) -> None:
    from screening.engine import screen_line
    args = ["--database-url", db_url, "rules"]
    assert main([*args, "add", "destination_controls.csv",
                 "id=SG-TEST,country_code=SG,items=all,severity=license,"
                 "valid_from=2030-01-01,requirement=A licence is required for all items,"
                 "summary=hypothetical embargo,citation=99 FR 1,verification=VERIFIED",
                 "--reason", "hypothetical embargo test", "--citation", "99 FR 1"]) == 0
    with db.sessions() as session:
        rules = load_ruleset(session)
    assert screen_line(make_line("SG", "2030-02-01", "EAR99"), rules).verdict.value == \
        "LICENSE_REQUIRED"
    assert screen_line(make_line("SG", "2029-12-31", "EAR99"), rules).verdict.value == "CLEAR"
    assert main([*args, "add", "destination_controls.csv", "id=SG-TEST,country_code=SG,"
                 "items=all,severity=license,requirement=x,summary=x,citation=x,"
                 "verification=VERIFIED", "--reason", "r", "--citation", "c"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main([*args, "remove", "destination_controls.csv", "id=SG-TEST",
                 "--reason", "undo test", "--citation", "99 FR 1"]) == 0
    assert main([*args, "log"]) == 0
    out = capsys.readouterr().out
    assert "(row added)" in out and "(row removed)" in out and "undo test" in out
