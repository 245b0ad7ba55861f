"""Cells and headers an independent false-CLEAR hunt (session 18) found read wrongly: licence
cells saying none is held, ownership shares that may be fractions, export-date and
onward-destination headers as forwarders write them, rows written twice in sheet XML."""

from __future__ import annotations

import re

import openpyxl
import pytest

from screening.ingest import IngestError
from screening.ingest.columns import Field, guess_field
from screening.ingest.rows import no_licence_held
from tests.conftest import clear_but_for_parties, screen_text
from tests.test_hostile_input import rewrite_member
from tests.test_ingest import prep


@pytest.mark.parametrize("cell", ["Denied", "Rejected", "Returned without action",
                                  "Expired D123456", "Awaiting", "Under review",
                                  "License not required", "EAR99", ".", "0000000", "Y", "TRUE",
                                  # (s19 hunt:) each was taken for a licence cited
                                  "D123456 (denied)", "D123456 revoked", "void",
                                  "n/a - NLR", "Hong Kong import licence"])
def test_a_licence_cell_saying_none_is_held_is_no_licence_cited(tmp_path, cell) -> None:
    """Each was taken for a licence cited: a line needing one dropped to REVIEW."""
    assert no_licence_held(cell)
    _run, lines = screen_text(tmp_path, (
        "Line,Destination,Export Date,ECCN,License Number\n"
        f'N1,Hong Kong,2023-03-01,3A001.a.1.a,"{cell}"\n'
        "N2,Hong Kong,2023-03-01,3A001.a.1.a,D123456\n"))
    assert lines["N1"].verdict == "LICENSE_REQUIRED"
    assert lines["N2"].verdict == "REVIEW"  # a licence cited: the officer confirms it


@pytest.mark.parametrize("cell", ["D123456", "D-123456", "ABC123", "12345",
                                  "Under license D123456", "No. D123456", "No: D123456",
                                  "D123456 pending renewal", "License No. D123456 approved"])
def test_licence_numbers_are_still_licences(cell) -> None:
    assert not no_licence_held(cell)


@pytest.mark.parametrize(("cell", "ambiguous"), [("0.6", True), ("1", True), ("60", False),
                                                 ("60%", False), ("0.6%", False)])
def test_an_ownership_share_that_may_be_a_fraction_is_a_review(tmp_path, cell,
                                                               ambiguous) -> None:
    """"0.6" as text was read as 0.6%, below the affiliates rule's 50%."""
    _run, lines = screen_text(tmp_path, (
        "Line,Destination,Export Date,ECCN,Consignee,Owner,Ownership\n"
        f"O1,Hong Kong,2026-11-20,EAR99,Acme Widgets Trading Ltd,Acme Holdings,{cell}\n"))
    codes = {f.code for f in lines["O1"].findings}
    assert ("OWNERSHIP_SHARE_AMBIGUOUS" in codes) is ambiguous
    if ambiguous:
        assert lines["O1"].verdict != "CLEAR"
    # (Review:) with no owner named, a share says nothing to review
    _run, lines = screen_text(tmp_path, (
        "Line,Destination,Export Date,ECCN,Consignee,Owner,Ownership\n"
        f"O2,Hong Kong,2026-11-20,EAR99,Acme Widgets Trading Ltd,,{cell}\n"), name="b.csv")
    assert "OWNERSHIP_SHARE_AMBIGUOUS" not in {f.code for f in lines["O2"].findings}


@pytest.mark.parametrize(("header", "field"), [
    ("B/L Date", Field.EXPORT_DATE), ("Loading Date", Field.EXPORT_DATE),
    ("On Board Date", Field.EXPORT_DATE), ("Actual Ship Date", Field.EXPORT_DATE),
    ("PGI Date", Field.EXPORT_DATE), ("Goods Issue Date", Field.EXPORT_DATE),
    ("Deliver To Country", Field.ULTIMATE_DESTINATION),
    ("Final Stop", Field.ULTIMATE_DESTINATION),
    ("Country where used", Field.ULTIMATE_DESTINATION), ("Deliver To Name", Field.CONSIGNEE),
    ("Notify Party Country", None), ("Purchaser", Field.PURCHASER),
    ("Consignee Name & Address", Field.CONSIGNEE), ("Delivery Address", Field.CONSIGNEE_ADDRESS),
    # (Review:) a hub the goods pass through, a customer's site, a market segment;
    # references and numbers are no names. (s21 hunt: a forwarder is a party screened as
    # such: a denial order bars forwarding too.)
    ("Transshipment Country", None), ("Transshipment to", None), ("Deliver To", None),
    ("End Market", None), ("Forwarding Agent", Field.FORWARDER), ("Forwarder Ref", None),
    ("Importer EORI", None), ("Notify Fax", None),
])
def test_headers_as_forwarders_and_erp_systems_write_them(header, field) -> None:
    assert guess_field(header) == field


@pytest.mark.parametrize(("headers", "date"), [
    (["Ship Date", "B/L Date"], "Ship Date"), (["ETD", "ATD"], "ETD"),
    (["B/L Date"], "B/L Date"), (["Export Date", "PGI Date", "Loading Date"], "Export Date"),
])
def test_a_file_with_two_dates_of_leaving_is_read_not_refused(headers, date) -> None:
    """(Review:) "Ship Date" with "B/L Date", or "ETD" with "ATD", made the whole file
    ambiguous once the forwarders' names were known: the plain export-date name is read,
    as before them."""
    from screening.ingest.columns import auto_mapping
    cells = ["Line", "Destination", *headers, "ECCN"]
    mapping = auto_mapping(cells, 1)
    assert not mapping.duplicate_message()
    assert mapping.header_for(Field.EXPORT_DATE) == date


def test_a_bill_of_lading_date_is_not_overridden_by_as_of(tmp_path) -> None:
    """With --as-of, a "B/L Date" column of real dates was ignored: 5A992.c to a military
    end user in Hong Kong on 2021-03-01 was screened as 2020-06-01, CLEAR."""
    path = tmp_path / "bl.csv"
    path.write_text("Line,Destination,B/L Date,ECCN,End User Type\n"
                    "A1,Hong Kong,2021-03-01,5A992.c,military\n", encoding="utf-8")
    import datetime as dt

    from screening.db import open_database
    from screening.rules.ruleset import load_ruleset
    db = open_database(f"sqlite:///{tmp_path / 'hk.sqlite3'}")
    try:
        with db.sessions() as session:
            rules = load_ruleset(session)
    finally:
        db.dispose()
    (line,) = list(prep(path, rules, as_of=dt.date(2020, 6, 1)).lines())
    assert line.export_date == dt.date(2021, 3, 1) and not line.date_assumed


def test_a_row_written_twice_in_the_sheet_xml_is_refused(tmp_path) -> None:
    """Two <row r="3">: every reader shows one copy, and the other's Hong Kong line was
    never screened (exit 0, all CLEAR)."""
    from screening.ingest.xlsx_package import check_zip, scan_sheet

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Shipments"
    sheet.append(["Line ID", "Ship Date", "Ship-to Country", "ECCN"])
    sheet.append(["L1", "2021-03-01", "Germany", "EAR99"])
    sheet.append(["L2", "2021-03-01", "Hong Kong", "3A001.a.1.a"])
    sheet.append(["L3", "2021-03-01", "Germany", "EAR99"])
    path = tmp_path / "twice.xlsx"
    book.save(path)

    def row_three_twice(data: bytes) -> bytes:
        text = data.decode()
        third = re.search(r'<row r="3".*?</row>', text)
        assert third is not None
        return text.replace(third.group(), third.group() + third.group()
                            .replace("Hong Kong", "Germany").replace("3A001.a.1.a", "EAR99"),
                            1).encode()

    with check_zip(path) as archive:  # untouched: read
        scan_sheet(archive, "Shipments", str(path))
    rewrite_member(path, "xl/worksheets/sheet1.xml", row_three_twice)
    with check_zip(path) as archive, pytest.raises(IngestError, match="writes row 3 twice"):
        scan_sheet(archive, "Shipments", str(path))


def test_a_header_of_two_rows_is_refused_not_read_as_its_first(tmp_path) -> None:
    """"Destination" merged over "Ship-to" and "Final": the Final column had no header, was
    left out, and Singapore-then-Hong-Kong 5A992.c to a military end user was CLEAR."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Shipments"
    sheet.append(["Line ID", "Destination", None, "Export Date", "ECCN", "End User Type"])
    sheet.append([None, "Ship-to", "Final", None, None, None])
    sheet.append(["T1", "Singapore", "Hong Kong", "2023-03-01", "5A992.c", "military"])
    sheet.merge_cells("B1:C1")
    path = tmp_path / "two.xlsx"
    book.save(path)
    with pytest.raises(IngestError, match=r"row 2, below the header row \(row 1\), looks like "
                                          r"a second header row: it has 'Final'"):
        _screen(tmp_path, path)
    # Written as one row, as the message asks: both destinations are read.
    sheet.delete_rows(2)
    sheet.unmerge_cells("B1:C1")
    sheet["B1"], sheet["C1"] = "Destination (Ship-to)", "Destination (Final)"
    book.save(path)
    run = _screen(tmp_path, path)
    assert run.counts["LICENSE_REQUIRED"] == 1
    # A note in a column without a header, beside a shipment, is no second header row.
    sheet["G2"] = "checked by AB"
    book.save(path)
    assert _screen(tmp_path, path).counts["LICENSE_REQUIRED"] == 1


def _screen(tmp_path, path):  # type: ignore[no-untyped-def]
    from screening.db import open_database
    from screening.service import ScreenOptions, run_screening
    db = open_database(f"sqlite:///{tmp_path / 'hk.sqlite3'}")
    try:
        return run_screening(db, path, ScreenOptions()).run
    finally:
        db.dispose()


@pytest.mark.parametrize("text", [
    # a saved table's index in a column without a header; a remark under none, first line TBC
    ",Line,Destination,Export Date,ECCN\n0,L1,,2023-03-01,EAR99\n1,L2,Germany,2023-03-01,EAR99\n",
    "Line,Destination,Export Date,ECCN,\nL1,TBC,2023-03-01,EAR99,call the buyer\n"
    "L2,Germany,2023-03-01,EAR99,\n",
])
def test_a_first_line_with_a_bad_cell_is_no_second_header_row(tmp_path, text) -> None:
    """(Review:) such files were refused as having a second header row; the bad line is an
    ERROR line, the rest screened."""
    _run, lines = screen_text(tmp_path, text)
    assert lines["L1"].verdict == "ERROR" and clear_but_for_parties(lines["L2"])


def test_common_country_names_are_read_in_new_and_older_databases(tmp_path) -> None:
    """(Review:) "Turkey", "Ivory Coast", "Palestine" ... were unreadable destinations:
    every such line ERROR. A database seeded before gets them as logged rule changes, once;
    an alias an officer removed stays removed."""
    from sqlalchemy import text

    from screening.db import open_database
    from screening.normalize import normalize_country
    from screening.rules.edit import change_log, remove_rule_row
    from screening.rules.ruleset import load_ruleset
    from screening.rules.store import add_seed_rows

    url = f"sqlite:///{tmp_path / 'hk.sqlite3'}"
    db = open_database(url)
    try:
        with db.sessions() as session:
            rules = load_ruleset(session)
            assert normalize_country("Turkey", rules.aliases) == "TR"
            assert normalize_country("Ivory Coast", rules.aliases) == "CI"
            assert not change_log(session)  # seeded with them: nothing to add
            # As a database seeded before them: the rows are not there.
            session.execute(text("DELETE FROM rule_country_aliases WHERE alias IN "
                                 "('Turkey', 'Palestine')"))
            remove_rule_row(session, "country_aliases.csv", {"alias": "Ivory Coast"},
                            reason="test: the officer removes it", citation="test",
                            changed_by="officer")
            add_seed_rows(session)
            add_seed_rows(session)  # once only
            log = change_log(session)
            added = sorted(c.row_key["alias"] for c in log if c.column == "(row added)")
            assert added == ["Palestine", "Turkey"]
            rules = load_ruleset(session)
            assert normalize_country("Turkey", rules.aliases) == "TR"
            assert normalize_country("Ivory Coast", rules.aliases) is None
    finally:
        db.dispose()
