"""Rules database: seeding, versioning, export/import round trip, refusal of bad files,
migrations in step with the models, SQLite pragmas."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select, text

from screening.db import open_database, schema_revision
from screening.orm import Base
from screening.paths import seed_rules_dir
from screening.rules.edit import change_log
from screening.rules.files import RULE_FILES, RuleFileError, read_rule_dir
from screening.rules.ruleset import load_ruleset
from screening.rules.schema import ChartRow, RuleMeta
from screening.rules.store import (
    current_meta,
    import_rules,
    read_tables,
    rules_version,
    write_bundle,
)


def test_first_use_creates_migrates_and_seeds(db) -> None:
    current, head = schema_revision(db.engine)
    assert current == head is not None
    with db.sessions() as session:
        meta = current_meta(session)
        assert meta is not None and meta.source.startswith("bundled seed data of ")
        assert session.scalar(select(func.count()).select_from(ChartRow)) == 202
        rules = load_ruleset(session)
    assert rules.version == meta.version
    assert rules.version == rules_version(read_rule_dir(seed_rules_dir()))


def test_seeding_is_idempotent(db_url) -> None:
    first = open_database(db_url)
    first.dispose()
    second = open_database(db_url)
    with second.sessions() as session:
        assert session.scalar(select(func.count()).select_from(RuleMeta)) == 1
        assert session.scalar(select(func.count()).select_from(ChartRow)) == 202
    second.dispose()


def test_sqlite_pragmas(db) -> None:
    if db.backend != "sqlite":
        pytest.skip("SQLite pragmas")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_models_and_migrations_do_not_drift(db) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_seed_rows_carry_citation_and_verification() -> None:
    tables = read_rule_dir(seed_rules_dir())
    for spec in RULE_FILES:
        if "citation" not in spec.header:
            continue
        for row in tables[spec.filename]:
            assert row["citation"], (spec.filename, row)
            assert row["verification"] in ("VERIFIED", "PARTIAL", "INFERRED", "UNVERIFIED")


def test_reference_facts_in_seed_data() -> None:
    tables = read_rule_dir(seed_rules_dir())
    chart = {r["row_key"]: r for r in tables["country_chart.csv"]}
    assert chart["HK_PRE2020"]["valid_to"].isoformat() == "2020-12-22"
    assert chart["HK_PRE2020"]["NS2"] and not chart["HK_PRE2014"]["NS2"]
    assert chart["CN"]["NP2"] and not chart["HK_PRE2020"]["NP2"]
    assert "NP2" in chart["HK_PRE2020"]["unverified_cells"]
    mapping = tables["destination_mappings.csv"][0]
    assert (mapping["country_code"], mapping["licensed_as"]) == ("HK", "CN")
    assert mapping["valid_from"].isoformat() == "2020-12-23" and "85 FR 83765" in \
        mapping["citation"]
    groups = {(r["country_code"], r["group"]) for r in tables["country_groups.csv"]}
    for group in ("D:1", "D:3", "D:4", "D:5"):
        assert ("CN", group) in groups
    assert {("HK", "A:6"), ("HK", "B")} <= groups
    present = {g for _, g in groups}
    assert {"A:5", "A:6", "B", "D:1", "D:3", "D:4", "D:5", "E:1", "E:2"} <= present
    suspended = {r["code"] for r in tables["license_exception_rules.csv"]
                 if r["country_code"] == "HK" and r["valid_from"]
                 and r["valid_from"].isoformat() == "2020-06-30"}
    assert {"LVS", "GBS", "TSR", "APP", "TMP", "RPL", "GOV", "GFT", "TSU", "BAG", "AVS", "APR",
            "STA"} <= suspended
    eccns = {r["eccn"] for r in tables["eccns.csv"]}
    reference = Path(__file__).resolve().parents[2] / "shared" / "reference" / "eccns.csv"
    if reference.exists():  # the shared reference sits beside the checkout
        with reference.open(encoding="utf-8") as handle:
            assert {r["eccn"] for r in csv.DictReader(handle)} <= eccns
    aliases = {r["alias"] for r in tables["country_aliases.csv"]}
    assert {"HK", "HKG", "Hong Kong SAR", "香港"} <= aliases


def test_export_import_round_trip_keeps_version(db, tmp_path) -> None:
    with db.sessions() as session:
        before = current_meta(session).version
        write_bundle(read_tables(session), tmp_path / "out", author="ann")
    with db.sessions.begin() as session:
        assert import_rules(session, tmp_path / "out", reason="round trip",
                            citation="none") == before
        assert change_log(session) == []  # nothing changed, nothing logged


def test_version_changes_with_content(tmp_path) -> None:
    shutil.copytree(seed_rules_dir(), tmp_path / "r")
    before = rules_version(read_rule_dir(tmp_path / "r"))
    path = tmp_path / "r" / "eccns.csv"
    original = path.read_text(encoding="utf-8")
    assert "Firearms (except 0A502" in original
    path.write_text(original.replace("Firearms (except 0A502", "Firearms (edited) (except 0A502"),
                    encoding="utf-8")
    assert rules_version(read_rule_dir(tmp_path / "r")) != before


def _corrupt(tmp_path: Path) -> Path:
    target = tmp_path / "bad"
    shutil.copytree(seed_rules_dir(), target)
    chart = target / "country_chart.csv"
    lines = chart.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",X,", ",Y,", 1)
    chart.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rules_file = target / "license_exception_rules.csv"
    rules_file.write_text(rules_file.read_text(encoding="utf-8") +
                          "ZZZ,HK,maybe,2020-13-01,,cite,VERIFIED,\n", encoding="utf-8")
    return target


def test_bad_rule_files_refused_whole_with_every_problem(db, tmp_path) -> None:
    bad = _corrupt(tmp_path)
    with db.sessions() as session:
        before = current_meta(session).version
    with pytest.raises(RuleFileError) as info, db.sessions.begin() as session:
        import_rules(session, bad, reason="r", citation="c")
    problems = info.value.problems
    assert any(p.startswith("country_chart.csv: row 4, column ") and "'Y'" in p
               for p in problems), problems
    assert any("license_exception_rules.csv: row" in p and "column status" in p
               for p in problems)
    assert any("column valid_from" in p and "2020-13-01" in p for p in problems)
    with db.sessions() as session:  # nothing half-imported
        assert current_meta(session).version == before
        assert session.scalar(select(func.count()).select_from(ChartRow)) == 202


def test_missing_file_and_bad_header(tmp_path) -> None:
    target = tmp_path / "r"
    shutil.copytree(seed_rules_dir(), target)
    (target / "eei_rules.csv").unlink()
    (target / "eccns.csv").write_text("eccn,description\n3A001,x\n", encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        read_rule_dir(target)
    text_ = str(info.value)
    assert "eei_rules.csv: file is missing" in text_
    assert "eccns.csv: row 1: missing column(s)" in text_


def test_duplicate_rows_refused(tmp_path) -> None:
    target = tmp_path / "r"
    shutil.copytree(seed_rules_dir(), target)
    path = target / "eccns.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match="duplicate of row 2"):
        read_rule_dir(target)
