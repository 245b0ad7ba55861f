"""(s19 hunt) Workbook layouts a reader takes differently from how Excel shows them.

Merged cells: Excel shows the first cell of a merged range across the range, but the other
cells are empty in the file. A listed end user merged down over three EAR99 lines to Hong
Kong made the first LICENSE_REQUIRED and the two below CLEAR; each covered cell of a mapped
column is now named, its line ERROR (a merge over an unmapped column or the title changes
nothing).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from screening.ingest.errors import IngestError
from tests.conftest import clear_but_for_parties, import_listed, screen_file

LISTED = "Centre Bright Electronics Company Limited"


def _screen(tmp_path: Path, path: Path) -> dict:
    return screen_file(tmp_path, path)[1]


def test_a_merged_cell_over_lines_is_named_not_read_as_empty(tmp_path: Path) -> None:
    import_listed(tmp_path, LISTED)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Shipments"
    sheet.append(["Shipment log 2024"])
    sheet.merge_cells("A1:F1")  # a title over the columns: not data
    sheet.append(["Line", "Destination", "Export Date", "ECCN", "End User", "Notes"])
    day = dt.date(2024, 3, 1)
    for n in range(1, 4):
        sheet.append([f"M{n}", "Hong Kong", day, "EAR99", LISTED if n == 1 else None,
                      "batch" if n == 1 else None])
    sheet.merge_cells("E3:E5")  # the listed end user shown on all three lines
    sheet.merge_cells("F3:F5")  # notes: not a mapped column
    sheet.append(["M4", "Hong Kong", day, "EAR99", "Acme Ltd", "x"])
    sheet.append(["M5", "Germany", day, "EAR99", "Acme GmbH", "y"])
    sheet.merge_cells("F6:F7")
    path = tmp_path / "merged.xlsx"
    book.save(path)
    lines = _screen(tmp_path, path)
    assert any(f.code.startswith("PARTY_MATCH_") for f in lines["M1"].findings)
    for line, cell in (("M2", "E4"), ("M3", "E5")):
        assert lines[line].verdict == "ERROR", line
        (found,) = [f for f in lines[line].findings if f.code == "MERGED_CELL"]
        assert f"!{cell}:" in found.message and "merged range E3:E5" in found.message
    assert lines["M4"].verdict == "CLEAR" and lines["M5"].verdict == "CLEAR"


def test_a_second_table_with_other_columns_is_refused(tmp_path: Path) -> None:
    """A second table pasted below the first, its End User and Description columns
    swapped: read with the first header, the listed end user was the end-user type and
    "Laptop" the party (two lines CLEAR). Refused, naming the row and what moved; the same
    header repeated (a page break's) stays an ERROR line of its own."""
    header = "Line,Destination,Export Date,ECCN,End User,Description\n"
    swapped = "Line,Destination,Export Date,ECCN,Description,End User\n"
    path = tmp_path / "two.csv"
    path.write_text(header + "S1,Hong Kong,2024-03-01,EAR99,Acme Ltd,Laptop\n" + swapped
                    + f"S3,Hong Kong,2024-03-01,EAR99,Laptop,{LISTED}\n", encoding="utf-8")
    with pytest.raises(IngestError) as caught:
        _screen(tmp_path, path)
    assert caught.value.row == 3 and "second header row" in str(caught.value)
    assert "column F, not E" in str(caught.value)
    # (s19 review:) one that adds a party in a column the header row leaves unread
    added = tmp_path / "added.csv"
    added.write_text("Line,Destination,Export Date,ECCN,Notes\n"
                     + "S1,Hong Kong,2024-03-01,EAR99,ok\n" * 40  # past the header search
                     + "Line,Destination,Export Date,ECCN,End User\n"
                     + f"S3,Hong Kong,2024-03-01,EAR99,{LISTED}\n", encoding="utf-8")
    with pytest.raises(IngestError) as caught:
        _screen(tmp_path, added)
    assert "end_user in column E, unread above" in str(caught.value)
    assert caught.value.row == 42
    # (a column read as the description that the second table heads "End User")
    relabelled = tmp_path / "relabelled.csv"
    relabelled.write_text("Line,Destination,Export Date,ECCN,Description\n"
                          "S1,Hong Kong,2024-03-01,EAR99,Laptop\n"
                          "Line,Destination,Export Date,ECCN,End User\n"
                          f"S3,Hong Kong,2024-03-01,EAR99,{LISTED}\n", encoding="utf-8")
    with pytest.raises(IngestError) as caught:
        _screen(tmp_path, relabelled)
    assert "end_user in column E, read above as description" in str(caught.value)
    again = tmp_path / "again.csv"
    again.write_text(header + "S1,Hong Kong,2024-03-01,EAR99,Acme Ltd,Laptop\n" + header
                     + "S3,Hong Kong,2024-03-01,EAR99,Acme Ltd,Laptop\n", encoding="utf-8")
    lines = _screen(tmp_path, again)
    assert lines["S1"].verdict == "CLEAR" and lines["S3"].verdict == "CLEAR"
    assert lines["Line"].verdict == "ERROR"


def test_a_date_shown_without_its_day_is_a_review(tmp_path: Path) -> None:
    """3A090.a to Vietnam shown as "Nov-23" (stored 2023-11-01, format mmm-yy) was CLEAR;
    from 2023-11-17 it needs a licence (88 FR 73458): the day is Excel's stand-in. Dates
    shown with their day, and month formats in other columns, say nothing."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Line", "Destination", "Export Date", "ECCN", "Ordered"])
    rows = (("D1", "mmm-yy"), ("D2", "yyyy-mm"), ("D3", "mmmm yyyy"), ("D4", "yyyy"),
            ("D5", "yyyy-mm-dd"), ("D6", "d-mmm-yy"))
    for number, (line, shown) in enumerate(rows, start=2):
        sheet.append([line, "Germany", dt.date(2023, 11, 1), "EAR99", dt.date(2023, 10, 1)])
        sheet.cell(number, 3).number_format = shown
        sheet.cell(number, 5).number_format = "mmm-yy"  # not the export date: no matter
    path = tmp_path / "months.xlsx"
    book.save(path)
    lines = _screen(tmp_path, path)
    for line, shown in rows[:4]:
        assert lines[line].verdict == "REVIEW", line
        (found,) = [f for f in lines[line].findings if f.code == "DATE_WITHOUT_DAY"]
        assert repr(shown) in found.message and "2023-11-01" in found.message
    assert clear_but_for_parties(lines["D5"]) and clear_but_for_parties(lines["D6"])


@pytest.mark.parametrize(("code", "dayless"), [
    ("mmm-yy", True), ("[$-409]mmmm yyyy;@", True), ("yyyy", True), ('"FY"yyyy', True),
    ("yyyy-mm-dd", False), ("d-mmm-yy", False), ("h:mm", False), ("mm:ss", False),
    ("[h]:mm", False), ("0.00", False), ("General", False), ("@", False)])
def test_number_formats_showing_a_date_without_its_day(code: str, dayless: bool) -> None:
    from screening.ingest.xlsx_package import dayless_date_format

    assert dayless_date_format(code) is dayless


@pytest.mark.parametrize(("code", "yearless"), [
    ("d-mmm", True), ("dd/mm", True), ("m/d", True), ("mmmm d", True),
    ("dddd, mmmm dd", True), ('d"日"m"月"', True), ("d-mmm-yy", False), ("mmm-yy", False),
    ("yyyy-mm-dd", False), ("h:mm", False), ("mm:ss", False), ("General", False),
    # (s23 review:) a day or a month alone shows no year either; era years are years
    ("dddd", True), ("d", True), ("mmm", True), ('[$-411]ggge"年"m"月"d"日"', False)])
def test_number_formats_showing_a_date_without_its_year(code: str, yearless: bool) -> None:
    from screening.ingest.xlsx_package import yearless_date_format

    assert yearless_date_format(code) is yearless


@pytest.mark.parametrize("shown", ["d-mmm", "dd/mm", 58])
def test_a_date_shown_without_its_year_is_a_review(tmp_path: Path, shown) -> None:
    """(s23 hunt:) 5A992.c to Hong Kong on 2020-03-01 shown as "1-Mar" was CLEAR, where the
    same day of 2021 needs a licence: the sheet does not show the year, and a date typed
    without one takes the current year."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Line", "Destination", "Export Date", "ECCN"])
    sheet.append(["Y1", "Hong Kong", dt.date(2020, 3, 1), "5A992.c"])
    path = tmp_path / "yearless.xlsx"
    if isinstance(shown, int):  # a built-in format: 'm"月"d"日"' in Chinese Excel
        import xlsxwriter

        with xlsxwriter.Workbook(str(path)) as written:
            out = written.add_worksheet("Shipments")
            out.write_row(0, 0, ["Line", "Destination", "Export Date", "ECCN"])
            out.write_row(1, 0, ["Y1", "Hong Kong"])
            out.write_datetime(1, 2, dt.datetime(2020, 3, 1),
                               written.add_format({"num_format": shown}))
            out.write(1, 3, "5A992.c")
        shown = 'm"月"d"日"'
    else:
        sheet.cell(2, 3).number_format = shown
        book.save(path)
    line = _screen(tmp_path, path)["Y1"]
    assert line.verdict == "REVIEW"
    (found,) = [f for f in line.findings if f.code == "DATE_WITHOUT_YEAR"]
    assert repr(shown) in found.message and "2020-03-01" in found.message


def test_formatting_alone_makes_no_line_and_unread_columns_may_be_merged(
        tmp_path: Path) -> None:
    """(s19 review:) a date column formatted mmm-yy down to row 504 made 500 ERROR lines of
    empty rows; an invoice value merged over its lines made them ERROR though no screening
    step reads it; a merge written with its corners reversed ("E4:E2") was passed over."""
    import zipfile

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Line", "Destination", "Export Date", "ECCN", "End User", "Invoice Value"])
    for n in range(1, 4):
        sheet.append([f"P{n}", "Germany", dt.date(2024, 3, 1), "EAR99",
                      "Acme GmbH" if n == 1 else None, 900.0 if n == 1 else None])
    sheet.merge_cells("F2:F4")
    sheet.merge_cells("E2:E4")
    for row in range(2, 60):
        sheet.cell(row, 3).number_format = "yyyy-mm-dd" if row <= 4 else "mmm-yy"
    path = tmp_path / "padded.xlsx"
    book.save(path)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet_xml = parts["xl/worksheets/sheet1.xml"]
    assert b'ref="E2:E4"' in sheet_xml
    parts["xl/worksheets/sheet1.xml"] = sheet_xml.replace(b'ref="E2:E4"', b'ref="E4:E2"')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    lines = _screen(tmp_path, path)
    assert sorted(lines) == ["P1", "P2", "P3"]
    assert lines["P1"].verdict == "CLEAR"
    for line, cell in (("P2", "E3"), ("P3", "E4")):
        (found,) = [f for f in lines[line].findings if f.code == "MERGED_CELL"]
        assert f"!{cell}:" in found.message and "E2:E4" in found.message  # not F: unread


def test_a_further_party_column_is_guarded_like_the_others(tmp_path: Path) -> None:
    """(s20 hunt:) "Receiver" beside "Consignee" is screened as a further party, but its
    cells were not guarded as the party columns' are: merged over lines, a formula with no
    value, or the listed name written backwards after U+202E, the cell was dropped and the
    line CLEAR."""
    import_listed(tmp_path, LISTED)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Shipments"
    sheet.append(["Line", "Destination", "Export Date", "ECCN", "Consignee", "Receiver"])
    day = dt.date(2024, 3, 1)
    sheet.append(["G1", "Hong Kong", day, "EAR99", "Acme Ltd", LISTED])
    sheet.append(["G2", "Hong Kong", day, "EAR99", "Acme Ltd", None])
    sheet.merge_cells("F2:F3")
    # openpyxl saves a formula without a calculated value, as a workbook not recalculated.
    sheet.append(["G3", "Hong Kong", day, "EAR99", "Acme Ltd",
                  '="Centre Bright "&"Electronics Company Limited"'])
    sheet.append(["G4", "Hong Kong", day, "EAR99", "Acme Ltd", "\u202e" + LISTED[::-1]])
    sheet.append(["G5", "Hong Kong", day, "EAR99", "Acme Ltd", "Acme Ltd"])
    path = tmp_path / "receiver.xlsx"
    book.save(path)
    lines = _screen(tmp_path, path)
    assert any(f.code.startswith("PARTY_MATCH_") for f in lines["G1"].findings)
    for line, code in (("G2", "MERGED_CELL"), ("G3", "FORMULA_NO_VALUE"),
                       ("G4", "UNTRUSTED_CHARACTERS")):
        assert lines[line].verdict == "ERROR", line
        (found,) = [f for f in lines[line].findings if f.code == code]
        assert "'Receiver'" in found.message, found.message
    assert lines["G5"].verdict == "CLEAR"


def test_shipment_rows_on_another_sheet_without_a_header_are_refused(tmp_path: Path) -> None:
    """(s21 hunt:) rows continued on a second sheet with no header row ("Shipments (2)")
    were never read: one line screened CLEAR, exit 0, a licence-required line to Hong Kong
    and a line to Iran lost without a word. Notes or a list of countries alone are no
    shipments; naming the sheet screens it."""
    from screening.service import ScreenOptions, run_screening

    book = openpyxl.Workbook()
    first = book.active
    first.title = "Shipments"
    first.append(["Line", "Destination", "Export Date", "ECCN"])
    first.append(["S1", "Germany", dt.date(2023, 5, 2), "EAR99"])
    more = book.create_sheet("Shipments (2)")
    more.append(["S2", "Hong Kong", dt.date(2023, 5, 2), "3A090a"])  # as typed (s21 hunt)
    more.append(["S3", "Iran", dt.date(2023, 5, 2), "EAR99"])
    notes = book.create_sheet("Notes")
    notes.append(["Prepared by", "J. Chan"])
    notes.append(["Countries", "Germany", "Hong Kong"])
    path = tmp_path / "continued.xlsx"
    book.save(path)
    with pytest.raises(IngestError) as refused:
        screen_file(tmp_path, path)
    message = str(refused.value)
    assert "the sheet 'Shipments (2)', beside 'Shipments', holds rows that look like " \
           "shipments but no header row (row 1: S2," in message
    assert "--sheet" in message
    del book["Shipments (2)"]
    book.save(path)
    _run, lines = screen_file(tmp_path, path)  # notes and a list of countries: no shipments
    assert list(lines) == ["S1"]
    from screening.db import open_database
    book = openpyxl.load_workbook(tmp_path / "continued.xlsx")
    book.create_sheet("Shipments (2)").append(["S2", "Hong Kong", "2023-05-02", "3A001.a.2"])
    book.save(path)
    db = open_database(f"sqlite:///{tmp_path / 'hk.sqlite3'}")
    try:
        run = run_screening(db, path, ScreenOptions(sheet="Shipments")).run
    finally:
        db.dispose()
    assert run.line_count == 1


def _book(path: Path, sheets: list[tuple[str, list[list[object]]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


HEADER = ["Line", "Destination", "Export Date", "ECCN"]


@pytest.mark.parametrize(("sheets", "said"), [
    # Continued rows on a sheet ordered before the one with the header.
    ([("Shipments (2)", [["S2", "Hong Kong", "2021-03-01", "3A001.b.1"]]),
      ("Shipments", [HEADER, ["S1", "Germany", "2021-03-01", "EAR99"]])],
     "the sheet 'Shipments (2)', beside 'Shipments', holds rows that look like shipments"),
    # A header under notes, on a sheet ordered first.
    ([("Notes", [[f"note {i}"] for i in range(31)]
       + [HEADER, ["S2", "Hong Kong", "2021-03-01", "3A001.b.1"]]),
      ("Shipments", [HEADER, ["S1", "Germany", "2021-03-01", "EAR99"]])],
     "'Notes' (header in row 32, below the first 30 rows hkscreen looks at"),
    # The same after it.
    ([("Shipments", [HEADER, ["S1", "Germany", "2021-03-01", "EAR99"]]),
      ("More", [[f"note {i}"] for i in range(40)]
       + [HEADER, ["S2", "Hong Kong", "2021-03-01", "3A001.b.1"]])],
     "'More' (header in row 41"),
])
def test_shipments_on_a_sheet_before_or_under_notes_are_refused(tmp_path: Path, sheets,
                                                                said) -> None:
    """(s23 hunt:) only sheets after the screened one were checked, and only in their first
    30 rows: a continuation sheet ordered first, or a header under 31 rows of notes, was
    never read (one line CLEAR, exit 0)."""
    path = _book(tmp_path / "book.xlsx", sheets)
    with pytest.raises(IngestError, match="--sheet") as refused:
        screen_file(tmp_path, path)
    assert said in str(refused.value)


def test_another_sheet_counts_as_shipments_by_the_officers_mapping(tmp_path: Path) -> None:
    """(s23 hunt:) with --mapping naming the date column "Versanddatum", a second sheet of
    the same columns did not count as shipments (no date column by the headers alone): its
    Hong Kong line was never read, exit 0."""
    from screening.db import open_database
    from screening.ingest.pipeline import MappingSpec
    from screening.service import ScreenOptions, run_screening

    header = ["Line", "Destination", "Versanddatum", "ECCN"]
    path = _book(tmp_path / "q.xlsx", [
        ("Q1", [header, ["S1", "Germany", "2021-03-01", "EAR99"]]),
        ("Q2", [header, ["S2", "Hong Kong", "2021-03-01", "3A001.b.1"]])])
    mapping = MappingSpec.from_json({"columns": {"export_date": "Versanddatum"}}, "m.json")
    db = open_database(f"sqlite:///{tmp_path / 'hk.sqlite3'}")
    try:
        with pytest.raises(IngestError, match="the sheet 'Q1' and the sheet\\(s\\) 'Q2'"):
            run_screening(db, path, ScreenOptions(mapping=mapping))
        run = run_screening(db, path, ScreenOptions(mapping=mapping, sheet="Q2")).run
    finally:
        db.dispose()
    assert run.line_count == 1


@pytest.mark.parametrize("rows", [3, 2500])  # the careful path, beside the fast one
def test_a_merged_end_use_or_place_is_looked_at_on_every_line_it_covers(tmp_path: Path,
                                                                        rows: int) -> None:
    """(s23 hunt:) "For nuclear weapons development" under "Intended End Use" and "Iran"
    under "Transshipment Country", each merged over three lines, were findings on the first
    line only: the others were CLEAR (their cells are empty in the file). A benign merged
    remark makes no finding."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Line", "Destination", "Export Date", "ECCN", "Intended End Use",
                  "Transshipment Country", "Remarks"])
    for n in range(1, rows + 1):
        sheet.append([f"M{n}", "Germany", dt.date(2024, 3, 1), "EAR99", None, None, None])
    first = rows - 2  # the last three lines
    sheet.cell(first + 1, 5, "For nuclear weapons development")
    sheet.cell(first + 1, 6, "Iran")
    sheet.cell(first + 1, 7, "urgent, ship by air")
    for col in "EFG":
        sheet.merge_cells(f"{col}{first + 1}:{col}{first + 3}")
    path = tmp_path / "merged.xlsx"
    book.save(path)
    lines = _screen(tmp_path, path)
    for n in range(first, first + 3):
        line = lines[f"M{n}"]
        # (The file names no party: PARTY_NOT_CHECKED on every line.)
        placed = sorted((f for f in line.findings if f.code != "PARTY_NOT_CHECKED"),
                        key=lambda f: f.code)
        assert line.verdict == "REVIEW" and [f.code for f in placed] == [
            "EMBARGOED_PLACE_NAMED", "END_USE_NAMED"], (n, line.findings)
        if n > first:
            assert all(f"merged range {col}{first + 1}:{col}{first + 3}" in f.message
                       for f, col in zip(placed, "FE", strict=True))
    if rows > 3:
        assert clear_but_for_parties(lines["M1"])


def test_a_day_count_in_a_1904_workbook_counts_from_1904(tmp_path: Path) -> None:
    """(s23 hunt:) a number in the date column of a workbook using the 1904 date system was
    read with the 1900 system: 2020-03-01 (1904 serial 42429) was screened, and shown for
    confirmation, as 2016-02-29."""
    book = openpyxl.Workbook()
    book.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    sheet = book.active
    sheet.append(["Line", "Destination", "Export Date", "ECCN"])
    sheet.append(["N1", "Germany", 42429, "EAR99"])
    sheet.append(["N2", "Germany", dt.date(2020, 3, 1), "EAR99"])
    sheet.append(["N3", "Germany", "42429", "EAR99"])  # (s23 review) the same as text
    path = tmp_path / "mac.xlsx"
    book.save(path)
    lines = _screen(tmp_path, path)
    (found,) = [f for f in lines["N1"].findings if f.code == "DATE_FROM_DAY_NUMBER"]
    assert "read as an Excel day count: 2020-03-01" in found.message
    assert lines["N1"].export_date == lines["N2"].export_date == lines["N3"].export_date \
        == dt.date(2020, 3, 1)


def _merged_remark(prefix: str, lines: int, remark: str) -> openpyxl.Workbook:
    """A sheet of ``lines`` EAR99 lines to Germany whose "Remarks" cell E2, ``remark``, is
    merged over E2:E4 (the first three lines)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Line", "Destination", "Export Date", "ECCN", "Remarks"])
    for n in range(1, lines + 1):
        sheet.append([f"{prefix}{n}", "Germany", dt.date(2024, 3, 1), "EAR99", None])
    sheet["E2"] = remark
    sheet.merge_cells("E2:E4")
    return book


def test_a_formula_without_its_value_in_a_remarks_column_is_a_review(tmp_path: Path) -> None:
    """(s23 review:) ="For nuclear "&"weapons development" under "Remarks", saved without
    its value (openpyxl writes it so) and merged over three lines: all three were CLEAR, the
    cell read as blank. Every line it shows on is REVIEW FORMULA_NOT_LOOKED_AT."""
    book = _merged_remark("F", 4, '="For nuclear "&"weapons development"')
    book.active["E5"] = "urgent"
    path = tmp_path / "formula.xlsx"
    book.save(path)
    lines = _screen(tmp_path, path)
    for line_id, cell in (("F1", "E2"), ("F2", "E3"), ("F3", "E4")):
        (found,) = [f for f in lines[line_id].findings if f.code == "FORMULA_NOT_LOOKED_AT"]
        assert lines[line_id].verdict == "REVIEW" and f"!{cell}:" in found.message
    assert clear_but_for_parties(lines["F4"])


def test_a_merged_remark_whose_first_cell_was_not_read_says_so(tmp_path: Path,
                                                              monkeypatch) -> None:
    """The text of a merged range's first cell is kept as its row is read; were it not (the
    rows read out of order), the covered lines say the cell was not looked at, never CLEAR
    on an empty cell."""
    from screening.ingest import readers

    monkeypatch.setattr(readers, "_merged_firsts", lambda covered: {})
    path = tmp_path / "unread.xlsx"
    _merged_remark("M", 3, "Re-export to Iran").save(path)
    lines = _screen(tmp_path, path)
    assert "EMBARGOED_PLACE_NAMED" in {f.code for f in lines["M1"].findings}
    for line_id in ("M2", "M3"):
        assert "MERGED_CELL_NOT_LOOKED_AT" in {f.code for f in lines[line_id].findings}
