"""The whole Control List as rule data: every ECCN of the bundled eCFR edition screened against
the destinations the issue names, read from the seed data (not a hand list)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from screening.cli import main
from screening.engine import screen_line
from screening.model import Severity, Verdict
from screening.paths import resources_dir, seed_rules_dir
from screening.rules.ccl_prose import classify_requirement, parse_scope
from screening.rules.files import read_rule_dir
from tests.conftest import make_line

EDITION = resources_dir() / "ccl" / "edition-2026-08-07"
DESTINATIONS = ("CN", "HK", "MO", "DE", "JP", "IN", "AE", "RU", "IR")
DATE = "2026-09-01"  # after the edition: the edition is the law


def _tables():
    return read_rule_dir(seed_rules_dir())


def test_seed_holds_every_eccn_and_row_of_the_edition() -> None:
    tables = _tables()
    with (EDITION / "ccl_license_requirements.csv").open(encoding="utf-8") as handle:
        source = list(csv.DictReader(handle))
    eccns = {r["eccn"] for r in source}
    seeded = {r["eccn"] for r in tables["eccns.csv"] if r["edition"] == "2026-08-07"}
    assert len(eccns) == 637 and seeded == eccns
    derived = [r for name in ("eccn_controls.csv", "special_controls.csv")
               for r in tables[name] if r["edition"]]
    stated = [r for r in source if r["control_scope"] or r["requirement"] or r["chart_column"]]
    # An "N/A" requirement is reviewed, not dropped; a note bringing back excepted
    # paragraphs under words is a row of its own (1B001's MT note: "1B001.02n").
    notes = [r["id"] for r in derived if r["id"].endswith("n")]
    assert len(derived) == len(stated) + len(notes)
    assert notes == ["1B001.02n", "9A610.01n", "9A610.02n"]
    for row in derived:
        assert row["citation"].startswith(
            f"15 CFR part 774 Supp. No. 1 (ECCN {row['eccn']}), eCFR edition 2026-08-07")
        assert row["verification"] == "VERIFIED"


@pytest.fixture(scope="module")
def screened(rules):
    out = {}
    for eccn in sorted(rules.eccns):
        if eccn == "EAR99":
            continue
        for dest in DESTINATIONS:
            out[eccn, dest] = screen_line(make_line(dest, DATE, eccn), rules)
    return out


def test_no_eccn_of_the_control_list_is_unknown(screened) -> None:
    unknown = [k for k, r in screened.items()
               if any(f.code == "UNKNOWN_ECCN" for f in r.findings)]
    assert len(screened) == 637 * len(DESTINATIONS) and unknown == []


def test_entire_entry_rows_meeting_an_x_are_licence_required(rules, screened) -> None:
    tables = _tables()
    chart = {r["country_code"]: r for r in tables["country_chart.csv"] if r["edition"]}
    checked = 0
    for row in tables["eccn_controls.csv"]:
        if row["paragraphs"] or row["except_paragraphs"] or row["condition"] or \
                (row["valid_to"] and str(row["valid_to"]) < DATE):  # (an earlier scope: 3B001)
            continue
        entry = rules.eccns[row["eccn"]]
        if entry.points_to_itar or (entry.valid_from and str(entry.valid_from) > DATE):
            continue
        for dest in DESTINATIONS:
            licensing = "CN" if dest == "HK" else dest
            if licensing in chart and chart[licensing][row["column"]]:
                result = screened[row["eccn"], dest]
                assert result.verdict in (Verdict.LICENSE_REQUIRED, Verdict.PROHIBITED), \
                    (row["eccn"], dest, row["column"])
                checked += 1
    assert checked > 2000


def test_no_clear_where_an_off_chart_row_or_part_746_requires_a_licence(rules,
                                                                          screened) -> None:
    groups = {d: rules.groups_on(d, __import__("datetime").date(2026, 9, 1))
              for d in DESTINATIONS}
    hits = 0
    for eccn, entry in rules.eccns.items():
        for special in entry.specials:
            if special.valid_to is not None:
                continue
            for dest in DESTINATIONS:
                licensing = "CN" if dest == "HK" else dest
                hit = ("*" in special.destinations or licensing in special.destinations
                       or set(special.groups) & groups[licensing])
                if not hit or licensing in special.except_destinations or \
                        set(special.except_groups) & groups[licensing]:
                    continue
                hits += 1
                assert screened[eccn, dest].verdict is not Verdict.CLEAR, (eccn, dest)
    assert hits > 500
    for (eccn, dest), result in screened.items():
        if dest in ("RU", "IR"):  # Part 746: every CCL item needs a licence
            assert result.verdict is Verdict.LICENSE_REQUIRED, (eccn, dest)


def test_bare_3a090_is_never_clear_anywhere(screened) -> None:
    for dest in ("DE", "IN", "JP"):
        result = screened["3A090", dest]
        assert result.verdict is not Verdict.CLEAR
        text = " ".join(f.message for f in result.findings)
        assert "3A090.a" in text and "any destination worldwide" in text


def test_usml_pointer_says_itar_not_unknown(screened) -> None:
    result = screened["0A002", "DE"]
    finding = next(f for f in result.findings if f.code == "ECCN_POINTS_TO_USML")
    assert finding.severity is Severity.REVIEW and "ITAR" in finding.message
    assert "22 CFR parts 120-130" in finding.citations


@pytest.mark.parametrize(("eccn", "text", "paragraphs", "excepted", "condition"), [
    ("4A003", "NS applies to 4A003.b, .c, and .z.1", ("b", "c", "z.1"), (), False),
    ("0A501", "NS applies to entire entry except 0A501.y", (), ("y",), False),
    ("3A090", "RS applies to 3A090.a", ("a",), (), False),
    ("5A992", "RS applies to items controlled by 5A992.z.2", ("z.2",), (), False),
    ("3B001", "NS applies to 3B001.a.4, c, d, f.1, k to n", ("a.4", "c", "d", "f.1", "k", "l",
                                                              "m", "n"), (), False),
    ("9E003", "SI applies to 9E003.a.1 through a.3, .h", ("a.1", "a.2", "a.3", "h"), (), False),
    ("3A001", 'MT applies to 3A001.a.1.a when usable in "missiles"', ("a.1.a",), (), True),
    ("3E001", 'NS applies to "technology" for commodities controlled by 3A001, 3A002', (), (),
     True),
    ("2A290", "NP applies to entire entry", (), (), False),
    # (s20: the rows below were read short, and 5A001.c, .d, .g, .j to China were CLEAR)
    ("5A001", "NS applies to 5A001.b (except .b.5), .c, .d, .f (except f.3), .g, and .j",
     ("b", "c", "d", "f", "g", "j"), ("b.5", "f.3"), False),
    ("2B116", "NP applies to electrodynamic vibration test systems in 2B116.a and to all items "
     "in 2B116.b, .c, and .d", ("a", "b", "c", "d"), (), True),
    ("6A005", "NP applies to lasers controlled by 6A005.a.2, a.3, d.2, d.3.c, or d.4.c that "
     "meet or exceed the technical parameters described in 6A205",
     ("a.2", "a.3", "d.2", "d.3.c", "d.4.c"), (), True),
    ("9B604", 'MT applies to 9B604.a and .b and to 9B604.d "specially designed"', ("a", "b", "d"),
     (), True),
    # A paragraph written outside the list, or an exception in words naming others: the
    # whole entry, under the condition.
    ("1C010", 'NP applies to 1C010.a (aramid "fibrous or filamentary materials", b (carbon '
     '"fibrous and filamentary materials"), and e.1 for "fibrous and filamentary materials"',
     (), (), True),
    ("6A002", "RS applies to 6A002.a.1, a.2, a.3 (except a.3.d.2.a and a.3.e for lead selenide "
     "based focal plane arrays (FPAs)), .c, and .f.", (), (), True),
    ("7A611", "MT applies to commodities in 7A611.a that meet or exceed the parameters in "
     "7A103.b or .c", ("a",), (), True),
])
def test_scope_prose_becomes_paragraph_sets(eccn, text, paragraphs, excepted,
                                             condition) -> None:
    scope = parse_scope(eccn, text)
    assert scope.paragraphs == paragraphs and scope.except_paragraphs == excepted
    assert bool(scope.condition) is condition


def test_destination_wording_becomes_data() -> None:
    uae = classify_requirement(
        "To or within the United Arab Emirates or destinations specified in Country Groups "
        "D:1, D:4, and D:5 of supplement no. 1 to part 740 of the EAR, excluding any "
        "destination also specified in Country Groups A:5 or A:6. See § 742.6(a)(6)(iii)(B).",
        "")
    assert uae.destinations == ("AE",) and uae.groups == ("D:1", "D:4", "D:5")
    assert uae.except_groups == ("A:5", "A:6") and "742.6(a)(6)(iii)(B)" in uae.section
    macau = classify_requirement("To or within Macau or a destination specified in Country "
                                 "Group D:5 of supplement no. 1 to part 740 of the EAR.", "")
    assert macau.destinations == ("MO",) and macau.groups == ("D:5",)
    named = classify_requirement("China, Russia, or Venezuela (see § 742.6(a)(7)).", "")
    assert named.destinations == ("RU", "VE", "CN") or set(named.destinations) == {
        "CN", "RU", "VE"}
    everywhere = classify_requirement("CC applies to entire entry. A license is required for "
                                      "ALL destinations regardless of end-use.", "")
    assert everywhere.destinations == ("*",) and everywhere.severity == "license"
    unknown = classify_requirement("SS applies to entire entry. Proceed to part 754.", "")
    assert unknown.severity == "review" and unknown.destinations == ("*",)


def test_0a983_needs_a_licence_to_all_destinations(screened) -> None:
    for dest in DESTINATIONS:
        assert screened["0A983", dest].verdict is Verdict.LICENSE_REQUIRED


# --- rules update-ccl ----------------------------------------------------------------------

def _edited_edition(tmp_path: Path) -> Path:
    folder = tmp_path / "edition"
    shutil.copytree(EDITION, folder)
    path = folder / "ccl_license_requirements.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], [r for r in rows[1:] if r[0] != "0A983"]  # one ECCN removed
    body.append(["9A999", "A new entry for the test", "AT", "", "AT applies to entire entry",
                 "AT Column 1.", "AT1"])  # one ECCN added
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *body])
    chart = folder / "country_chart.csv"
    with chart.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    col = rows[0].index("NS2")
    for row in rows:
        if row[0] == "Japan":
            row[col] = "X"  # one column changed
    with chart.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return folder


def test_update_ccl_prints_the_differences_and_logs_one_change(capsys, db, db_url,
                                                                tmp_path) -> None:
    folder = _edited_edition(tmp_path)
    args = ["--database-url", db_url, "rules"]
    assert main([*args, "update-ccl", str(folder), "--edition", "2026-11-01"]) == 0
    out = capsys.readouterr().out
    listed = [line.strip() for line in out.splitlines() if line.startswith("  ")]
    assert listed == ["ECCN added: 9A999", "ECCN removed: 0A983",
                      "Country Chart Japan: column NS2 now X"], out
    assert main([*args, "log"]) == 0
    log = capsys.readouterr().out.splitlines()
    assert len(log) == 1 and "ccl_edition" in log[0] and "2026-11-01" in log[0]
    from screening.rules.ruleset import load_ruleset
    with db.sessions() as session:
        rules = load_ruleset(session)
    assert "9A999" in rules.eccns and "0A983" not in rules.eccns
    assert rules.eccns["9A999"].edition == "2026-11-01"
    assert screen_line(make_line("JP", DATE, "3A001.a.2"), rules).verdict is \
        Verdict.LICENSE_REQUIRED


def test_update_ccl_refuses_a_malformed_folder_whole(capsys, db, db_url, tmp_path) -> None:
    folder = _edited_edition(tmp_path)
    chart = folder / "country_chart.csv"
    chart.write_text(chart.read_text(encoding="utf-8").replace("Germany,X", "Germany,Y", 1),
                     encoding="utf-8")
    (folder / "ccl_paragraphs.csv").unlink()
    from screening.rules.store import current_meta
    with db.sessions() as session:
        before = current_meta(session).version
    code = main(["--database-url", db_url, "rules", "update-ccl", str(folder), "--edition",
                 "2026-11-01"])
    err = capsys.readouterr().err
    assert code == 2
    assert "ccl_paragraphs.csv: file is missing" in err
    assert "country_chart.csv: row" in err and "column CB1" in err
    with db.sessions() as session:
        assert current_meta(session).version == before


def test_run_counts_clear_lines_on_unverified_data(capsys, db_url, tmp_path) -> None:
    import json

    import openpyxl

    from screening.paths import bundled_sample
    out = tmp_path / "r.json"
    code = main(["--database-url", db_url, "screen", str(bundled_sample()), "--json", str(out),
                 "--report", str(tmp_path / "r.xlsx")])
    assert code == 1
    doc = json.loads(out.read_text(encoding="utf-8"))
    expected = sum(1 for line in doc["lines"] if line["verdict"] == "CLEAR" and any(
        f["code"] == "CLEAR_ON_UNVERIFIED_DATA" for f in line["findings"]))
    assert expected > 0 and doc["run"]["clear_on_unverified_data"] == expected
    assert f"CLEAR on unverified data: {expected}" in capsys.readouterr().out
    summary = {r[0]: r[1] for r in openpyxl.load_workbook(tmp_path / "r.xlsx")["Summary"]
               .iter_rows(min_row=1, max_col=2, values_only=True) if r[0]}
    assert summary["CLEAR on unverified rule data"] == expected


def test_an_older_database_gets_the_whole_control_list_on_upgrade(tmp_path) -> None:
    """A database made before the Control List migration: its rule tables are reloaded from
    the bundled rules on the first start after the upgrade; the change log stays."""
    from sqlalchemy import func, select

    from screening.db import create_db_engine, open_database, upgrade
    from screening.rules.schema import EccnEntry, RuleChange
    from screening.rules.store import current_meta
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = create_db_engine(url)
    upgrade(engine, "0010")  # the schema before the Control List
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO rule_meta (version, loaded_at, loaded_by, source) "
            "VALUES ('old', '2026-01-01 00:00:00', 'ann', 'bundled seed data')")
        conn.exec_driver_sql(
            "INSERT INTO rule_eccns (eccn, description, reasons_for_control, supp2, "
            "supp2_citation, notes, citation, verification) VALUES ('3A001', 'old', 'NS', "
            "'no', '', '', 'x', 'VERIFIED')")
        conn.exec_driver_sql(
            "INSERT INTO rule_changes (rule_file, row_key, \"column\", old_value, new_value, "
            "reason, citation, changed_by, changed_at, version_before, version_after) VALUES "
            "('eccns.csv', '{}', 'notes', '', 'x', 'r', 'c', 'ann', '2026-01-01 00:00:00', "
            "'old', 'old')")
    engine.dispose()
    db = open_database(url)
    try:
        with db.sessions() as session:
            assert session.scalar(select(func.count()).select_from(EccnEntry)) == 638
            assert "reloaded after the schema upgrade" in current_meta(session).source
            assert session.scalar(select(func.count()).select_from(RuleChange)) == 1
    finally:
        db.dispose()


@pytest.mark.parametrize("eccn", ["5A001.c", "5A001.d", "5A001.g", "5A001.j", "2B116.d",
                                  "6A005.d.4.c"])
def test_paragraphs_listed_after_a_parenthesis_or_and_are_licensed(rules, eccn) -> None:
    """(s20, own check:) "NS applies to 5A001.b (except .b.5), .c, .d, .f (except f.3), .g,
    and .j" was read as 5A001.b alone: 5A001.c, .d, .g and .j to China (NS2 X) were CLEAR.
    Rows ending "..., and .d" or "..., or d.4.c" lost their last paragraph."""
    result = screen_line(make_line("CN", DATE, eccn), rules)
    assert result.verdict is not Verdict.CLEAR, eccn
    if eccn.startswith("5A001"):
        assert result.verdict is Verdict.LICENSE_REQUIRED
    assert screen_line(make_line("CN", DATE, "5A001.b.5"), rules).verdict is \
        Verdict.LICENSE_REQUIRED  # NS1


def test_loading_the_same_edition_again_applies_a_better_reading(capsys, db, db_url) -> None:
    """A database seeded with the rows read short gets them read anew by loading the
    bundled edition again (`rules update-ccl`): the words are the same, the paragraphs are
    listed as differences and the change is logged."""
    from screening.rules.edit import get_rule_value, set_rule_value

    with db.sessions.begin() as session:  # as seeded before s20
        set_rule_value(session, "eccn_controls.csv", {"id": "5A001.02"}, "paragraphs", "b",
                       expected="b;c;d;f;g;j", reason="test: the old reading",
                       citation="test", changed_by="test")
        set_rule_value(session, "eccn_controls.csv", {"id": "5A001.02"}, "except_paragraphs",
                       "", expected="b.5;f.3", reason="test", citation="test",
                       changed_by="test")
    code = main(["--database-url", db_url, "rules", "update-ccl", str(EDITION), "--edition",
                 "2026-08-07", "--groups-edition", "2026-07-23"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Country Group" not in out  # the same edition: only the rows read anew
    assert "Requirement row 5A001.02 read anew: paragraphs b -> paragraphs b;c;d;f;g;j except " \
        "b.5;f.3" in out
    with db.sessions() as session:
        assert get_rule_value(session, "eccn_controls.csv", {"id": "5A001.02"},
                              "paragraphs") == "b;c;d;f;g;j"


def test_the_seed_is_the_edition_as_this_version_reads_it(tmp_path) -> None:
    """The bundled rules are re-derived from the bundled edition with the reading code
    (s20: a better reading of the words changed ten rows): re-deriving them now changes
    nothing, so the seed never lags the code that reads the Control List."""
    from screening.rules.ccl_update import rebuild_seed

    copy = tmp_path / "rules"
    shutil.copytree(seed_rules_dir(), copy)
    rebuild_seed(EDITION, copy, "2026-08-07", "2026-07-23")
    changed = [p.name for p in sorted(seed_rules_dir().glob("*.csv"))
               if p.read_bytes() != (copy / p.name).read_bytes()]
    assert changed == []


@pytest.mark.parametrize(("eccn", "dest", "verdicts"), [
    # (s20 audit) the ITAR pointers applied nowhere: CLEAR to 194 destinations
    ("0D001", "CN", ("REVIEW",)), ("0E001", "DE", ("REVIEW",)),
    # "CB applies to items controlled by 1C351.d.15 and .16": saxitoxin d.16 was left out
    ("1C351.d.16", "DE", ("LICENSE_REQUIRED", "PROHIBITED")),
    # "... flow-forming machines that meet or exceed the parameters of 2B009.a": a measure,
    # not a limit: 2B009.b was CLEAR where MT1 has an X
    ("2B009.b", "DE", ("REVIEW",)),
    # "except 1B001.d.4, e and f. Note: MT applies to equipment in 1B001.d that meet ...":
    # d.4 was excepted outright
    ("1B001.d.4", "DE", ("REVIEW",)),
    # "entire entry except: 9A610.b; parts ... in 9A610.x if being exported ... for use in
    # an aircraft controlled in 9A610.b; and 9A610.y": .a is licensed (it was a REVIEW of
    # the whole entry), .x only unless the words hold (REVIEW), .y not by these rows
    ("9A610.a", "CN", ("LICENSE_REQUIRED", "PROHIBITED")),
    ("9A610.x", "CN", ("REVIEW", "LICENSE_REQUIRED", "PROHIBITED")),
])
def test_rows_the_audit_found_read_short(rules, eccn, dest, verdicts) -> None:
    result = screen_line(make_line(dest, DATE, eccn), rules)
    assert result.verdict.value in verdicts, (eccn, dest, result.verdict,
                                              [f.code for f in result.findings])
