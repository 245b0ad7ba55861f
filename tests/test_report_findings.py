"""The XLSX report's Findings sheet, written as raw sheet XML (each distinct findings list
rendered once), has exactly the cells, styles and row heights the earlier writer produced
cell by cell through xlsxwriter; that writer is kept here as the reference."""

from __future__ import annotations

import dataclasses
import datetime as dt
import zipfile
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from screening.model import Finding, Severity, Verdict
from screening.reports import write_report, xlsx
from screening.reports.canonical import CellDigest, read_value
from screening.reports.content import FINDING_HEADERS, finding_rows, line_cells, record_cells
from screening.reports.findings_sheet import WRAP
from screening.reports.verify import Status, verify_report
from screening.reports.xlsx import FINDING_WIDTHS, _Sheet, cell_formats
from screening.service import ScreenOptions, run_screening
from screening.store import runs as run_store
from screening.store.report_lines import LineChunk, LineRecord, iter_line_records
from screening.store.reviews import Disposition, add_reviews
from tests.conftest import SAMPLE_XLSX


def _record(line: run_store.StoredLine) -> LineRecord:
    n = line.normalized
    return LineRecord(line.row, line.line_id, line.verdict.value, line.destination,
                      line.licensing_destination, line.newly_licensable, line.export_date,
                      bool(n.get("date_assumed")), line.eccn, line.license_exception,
                      n.get("license_number"), n.get("end_user"), n.get("end_user_type"),
                      n.get("consignee"), n.get("value"), n.get("quantity"),
                      n.get("description"), n.get("hs_code"), list(line.raw), line.findings)


def _reference_findings(lines: list[run_store.StoredLine], target: Path) -> None:
    """The Findings sheet as the earlier writer wrote it: every cell through xlsxwriter."""
    book = xlsxwriter.Workbook(str(target), {
        "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
        "strings_to_numbers": False, "default_date_format": "yyyy-mm-dd"})
    formats = cell_formats(book)
    book.add_worksheet("Findings")
    sheet = _Sheet(book, formats, "Findings", CellDigest())
    sheet.header(FINDING_HEADERS, FINDING_WIDTHS, wrap=WRAP)
    for line in lines:
        for row in finding_rows(line):
            sheet.write(row, verdict_col=2)
    book.close()


def _cells(sheet) -> tuple[list[tuple[object, ...]], dict[int, float | None]]:  # type: ignore[no-untyped-def]
    """Every non-empty cell with its value and the style an auditor sees; row heights."""
    cells = []
    for row in sheet.iter_rows():
        for c in row:
            if c.value is None:
                continue
            cells.append((c.coordinate, c.value, c.data_type, c.font.b,
                          c.font.color.rgb if c.font.color and c.font.color.type == "rgb"
                          else None, c.fill.fgColor.rgb,
                          c.alignment.wrap_text, c.alignment.vertical, c.number_format))
    heights = {r: d.height for r, d in sheet.row_dimensions.items() if d.height}
    return cells, heights


def _compare(db, run_id: int, tmp_path: Path,  # type: ignore[no-untyped-def]
             *, has_findings: bool = True) -> openpyxl.Workbook:
    write_report(db, run_id, tmp_path / "r.xlsx", generated_by="auditor")
    with db.sessions() as session:
        lines = list(run_store.iter_lines(session, run_id))
    _reference_findings(lines, tmp_path / "reference.xlsx")
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    reference = openpyxl.load_workbook(tmp_path / "reference.xlsx")["Findings"]
    new_cells, new_heights = _cells(book["Findings"])
    old_cells, old_heights = _cells(reference)
    assert (len(new_cells) > len(FINDING_HEADERS)) is has_findings
    assert new_cells == old_cells
    assert new_heights == old_heights
    assert book["Findings"].dimensions == reference.dimensions
    # What the Rules sheet counts comes from the same pass.
    expected = Counter(u for line in lines for f in line.findings for u in f.unverified)
    rules = [(read_value(r[1]), r[0]) for r in book["Rules"].iter_rows(values_only=True)]
    assert {text: count for text, count in rules if text in expected} == dict(expected)
    return book


def test_findings_sheet_equals_the_cell_by_cell_writer(db, tmp_path) -> None:
    """A mixed run: every verdict, findings lists shared by many lines, unverified rule
    data, control characters, markup, escapes and padding in the input."""
    data = tmp_path / "mixed.csv"
    rows = [b"Line ID,Destination,Export Date,ECCN,License Exception,Description"]
    for i in range(60):  # lines that share findings lists
        rows.append(b"H%d,HK,2021-03-%02d,3A001.a.2,,ICs" % (i, 1 + i % 28))
        rows.append(b"D%d,Germany,2021-03-01,EAR99,,cables" % i)
    rows += [b'"A&B<c> ",Hong Kong,2019-03-01,5A992.c,ENC,crypto',
             b'"_x0041_ lit",DE,2021-03-01,EAR99,,cables',
             b'"ctl\x0bvt",CN,2021-03-01,' + b"9" * 200 + b",,x",
             b'"",HK,not a date,4A994,,x',
             b"L7,XX,2021-03-01," + b"Q" * 400 + b",,x"]
    # A consignee on every line: the restricted-party check runs, so a line can be CLEAR.
    data.write_bytes(b"\n".join(row + b",Mueller GmbH" if i else row + b",Consignee"
                                 for i, row in enumerate(rows)) + b"\n")
    run = run_screening(db, data, ScreenOptions()).run
    book = _compare(db, run.id, tmp_path)
    verdicts = {r[2] for r in book["Findings"].iter_rows(min_row=2, values_only=True)}
    assert {"LICENSE_REQUIRED", "CLEAR", "ERROR"} <= verdicts
    result = verify_report(tmp_path / "r.xlsx", data, db)
    assert all(c.status is Status.PASSED for c in result.checks), result.checks


def test_findings_sheet_of_the_sample_equals_the_cell_by_cell_writer(db, tmp_path) -> None:
    run = run_screening(db, SAMPLE_XLSX, ScreenOptions()).run
    _compare(db, run.id, tmp_path)


def test_findings_sheet_edge_cases_equal_the_cell_by_cell_writer(db, tmp_path,
                                                                 monkeypatch) -> None:
    """Findings the engine does not make today: over-long text (truncated), text padded with
    spaces, control characters, no citations, many unverified sources; the same list seen
    from lines of different verdicts; lines with no findings."""
    run = run_screening(db, SAMPLE_XLSX, ScreenOptions()).run
    with db.sessions() as session:
        stored = list(run_store.iter_lines(session, run.id))
    odd = (
        Finding("LONG", Severity.REVIEW, "x" * 40_000, ("c " * 20_000,), ("u",) * 3),
        Finding("PADDED", Severity.INFO, "  lead and trail \t", (), ()),
        Finding("CONTROL", Severity.LICENSE, "a\x01b\rc _x000D_ <r>d</r> & >", (" cite",),
                ("data \x0b",)),
        Finding("WRAPS", Severity.ERROR, "w" * 129, ("c" * 56,), ("u" * 42,)),
    )
    extra = []
    for i, verdict in enumerate([Verdict.REVIEW, Verdict.ERROR, Verdict.REVIEW]):
        extra.append(dataclasses.replace(
            stored[i], row=1000 + i, line_id=(" sp " if i else "y" * 40_000),
            verdict=verdict, findings=odd, export_date=dt.date(2021, 3, 1)))
    extra.append(dataclasses.replace(stored[0], row=1010, line_id="none", findings=()))
    real = run_store.iter_lines
    monkeypatch.setattr(run_store, "iter_lines",
                        lambda session, run_id: iter([*real(session, run_id), *extra]))
    chunks = xlsx.iter_line_chunks
    monkeypatch.setattr(xlsx, "iter_line_chunks", lambda session, run_id: iter(
        [*chunks(session, run_id), LineChunk.of([_record(line) for line in extra])]))
    book = _compare(db, run.id, tmp_path)
    texts = [r[5] for r in book["Findings"].iter_rows(min_row=2, values_only=True)]
    assert any(t and t.endswith(" [truncated]") for t in texts)
    checks = {c.name: c.status for c in verify_report(tmp_path / "r.xlsx", None, db).checks}
    assert checks["report digest"] is Status.PASSED
    # Finding texts are shared strings, but a text with a literal escape stays inline (openpyxl
    # reads "_x005F_" differently in the two); Excel's parts name the table.
    with zipfile.ZipFile(tmp_path / "r.xlsx") as package:
        sheet = package.read("xl/worksheets/sheet2.xml").decode()
        shared = package.read("xl/sharedStrings.xml").decode()
        assert "sharedStrings.xml" in package.read("[Content_Types].xml").decode()
        assert "sharedStrings.xml" in package.read("xl/_rels/workbook.xml.rels").decode()
    assert ' t="s"><v>' in sheet and "LONG" in shared
    assert "c _x005F_x000D_ &lt;r&gt;" in sheet and "_x005F_" not in shared


@pytest.mark.parametrize("lines", [0, 1])
def test_findings_sheet_of_a_run_without_findings(db, tmp_path, lines) -> None:
    data = tmp_path / "few.csv"
    body = "".join("A1,Germany,2021-03-01,EAR99,Mueller GmbH\n" for _ in range(lines))
    data.write_text("Line ID,Destination,Export Date,ECCN,Consignee\n" + body)
    run = run_screening(db, data, ScreenOptions()).run
    book = _compare(db, run.id, tmp_path, has_findings=False)
    assert book["Findings"].max_row == 1


def test_report_line_records_equal_the_stored_lines(db, tmp_path) -> None:
    """The report's own streamed query gives every line's cells exactly as ``iter_lines`` and
    ``line_cells`` do (dates, booleans, numbers, raw cells, dispositions, findings)."""
    run = run_screening(db, SAMPLE_XLSX, ScreenOptions()).run
    with db.sessions.begin() as session:
        add_reviews(session, run.id, [12], Disposition.HOLD, reason="why", reviewer="ann")
    with db.sessions() as session:
        from screening.store.reviews import run_reviews
        current = {r.row: r for r in run_reviews(session, run.id) if not r.superseded}
        stored = list(run_store.iter_lines(session, run.id))
        records = list(iter_line_records(session, run.id))
    assert len(records) == len(stored) == 34
    for line, record in zip(stored, records, strict=True):
        review = current.get(line.row)
        assert record_cells(record, review) == line_cells(line, review)
        assert [type(v) for v in record_cells(record, review)] == \
            [type(v) for v in line_cells(line, review)]
        assert (record.raw, record.findings, record.verdict) == (
            line.raw, line.findings, line.verdict.value)
    assert any(record_cells(r, current.get(r.row))[18] for r in records)
