"""The auditor's XLSX report, written with xlsxwriter in constant-memory mode.

Every text from the input or a user is written with ``write_string``: a string cell is never
evaluated, whatever it starts with (and ``strings_to_formulas`` is off as a second guard).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import xlsxwriter
from sqlalchemy.orm import Session

from screening.reports import fastsheet
from screening.reports.canonical import DIGEST_LABEL, SIGNATURE_LABEL, CellDigest
from screening.reports.content import (
    FINDING_HEADERS,
    LINE_HEADERS,
    REVIEW_HEADERS,
    ReportContent,
    finding_rows,
    line_cells,
    review_cells,
    rules_sections,
    run_parameters,
)
from screening.signing import Signer
from screening.store import runs as run_store

MAX_CELL = 32767
VERDICT_COLOURS = {
    "PROHIBITED": ("#7B1113", "#FFFFFF"), "LICENSE_REQUIRED": ("#F4B6B6", "#000000"),
    "ERROR": ("#F9CB9C", "#000000"), "REVIEW": ("#FFE599", "#000000"),
    "CLEAR": ("#C9E7C1", "#000000"),
}
SHEETS = ("Summary", "Findings", "Lines", "Reviews", "Rules", "Run")


class _Sheet:
    """A worksheet with typed cell writing, formats and header set-up."""

    def __init__(self, book: Any, formats: dict[str, Any], name: str, digest: CellDigest):
        self.ws = book.get_worksheet_by_name(name)
        self.name = name
        self.digest = digest
        self.f = formats
        self.row = 0
        self.wrap = {}

    def header(self, headers: list[str] | tuple[str, ...], widths: list[int], *,
               fit_width: bool = True, wrap: dict[int, int] | None = None) -> None:
        """Header row, widths, frozen panes, print titles, landscape. ``wrap`` maps column ->
        characters per printed line for columns whose long text wraps."""
        self.wrap = wrap or {}
        for col, (text, width) in enumerate(zip(headers, widths, strict=True)):
            self.text(self.row, col, text, self.f["head"])
            self.ws.set_column(col, col, width, self.f["long"] if col in self.wrap else None)
        self.ws.set_row(self.row, 30)
        self.ws.freeze_panes(self.row + 1, 2 if not fit_width else 0)
        self.ws.repeat_rows(self.row)
        self.ws.set_landscape()
        self.ws.set_paper(9)  # A4
        if fit_width:
            self.ws.fit_to_pages(1, 0)
        else:
            self.ws.repeat_columns(0, 1)
        self.row += 1

    def text(self, r: int, col: int, text: str, text_format: Any = None) -> None:
        """A string cell, covered by the report digest like every cell."""
        self.ws.write_string(r, col, text, text_format)
        self.digest.cell(self.name, r, col, text)

    def cell(self, r: int, col: int, value: object, text_format: Any = None) -> None:
        """One typed cell: numbers, booleans and dates as themselves, text as a string."""
        ws = self.ws
        if value is None or value == "":
            return
        if not isinstance(value, bool | int | float | dt.date):
            value = str(value)
            if len(value) > MAX_CELL:
                value = value[: MAX_CELL - 20] + " [truncated]"
        self.digest.cell(self.name, r, col, value)
        if isinstance(value, bool):
            ws.write_boolean(r, col, value, self.f["num"])
        elif isinstance(value, int | float):
            ws.write_number(r, col, value, text_format or self.f["num"])
        elif isinstance(value, dt.datetime):
            ws.write_datetime(r, col, value, self.f["datetime_left" if text_format is
                                                   self.f["left"] else "datetime"])
        elif isinstance(value, dt.date):
            ws.write_datetime(r, col, dt.datetime.combine(value, dt.time()), self.f["date"])
        else:
            ws.write_string(r, col, value, text_format or self.f["wrap"])

    wrap: dict[int, int]

    def write(self, values: list[object], verdict_col: int | None = None) -> None:
        lines = 1
        for col, per_line in self.wrap.items():
            if col < len(values) and isinstance(values[col], str):
                lines = max(lines, -(-len(values[col]) // per_line))  # ceiling division
        if lines > 1:  # spreadsheet programs do not size wrapped rows on opening
            self.ws.set_row(self.row, 12.75 * min(lines, 30))
        for col, value in enumerate(values):
            if col == verdict_col:
                fmt = self.f.get(f"v:{value}")
            elif col in self.wrap:
                fmt = self.f["long"]
            else:
                fmt = None
            self.cell(self.row, col, value, fmt)
        self.row += 1


def write_xlsx(session: Session, content: ReportContent, target: Path,
               signer: Signer | None = None) -> tuple[str, str]:
    """Write the report to ``target`` (a temporary path); returns the report digest (over
    every cell but the digest's and the signature's own) and its signature ("" without a
    signer)."""
    book = xlsxwriter.Workbook(str(target), {
        "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
        "strings_to_numbers": False, "default_date_format": "yyyy-mm-dd",
        "tmpdir": str(target.parent)})
    book.set_properties({"title": f"hkscreen report, run {content.run.id}",
                         "subject": content.run.input_name, "author": content.generated_by,
                         "comments": f"Input SHA-256 {content.run.input_sha256}"})
    formats = {
        "head": book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1,
                                 "text_wrap": True, "valign": "top"}),
        "wrap": book.add_format({"text_wrap": False, "valign": "top"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd", "valign": "top"}),
        "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss", "valign": "top"}),
        "title": book.add_format({"bold": True, "font_size": 14}),
        "label": book.add_format({"bold": True, "valign": "top"}),
        "long": book.add_format({"text_wrap": True, "valign": "top"}),
        "section": book.add_format({"bold": True, "font_size": 12}),
        "left": book.add_format({"align": "left", "valign": "top"}),
        "num": book.add_format({"valign": "top"}),
        "datetime_left": book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss", "valign": "top",
                                          "align": "left"}),
    }
    for verdict, (bg, fg) in VERDICT_COLOURS.items():
        formats[f"v:{verdict}"] = book.add_format({"bg_color": bg, "font_color": fg,
                                                   "bold": True, "valign": "top"})
    for name in SHEETS:
        book.add_worksheet(name)
    digest = CellDigest()

    findings = _Sheet(book, formats, "Findings", digest)
    findings.header(FINDING_HEADERS, [7, 14, 17, 28, 9, 80, 40, 40],
                    wrap={5: 85, 6: 42, 7: 42})
    lines = _Sheet(book, formats, "Lines", digest)
    headers = list(content.run.headers)
    original = [f"Original: {h}" if h else f"Original: column {i + 1}"
                for i, h in enumerate(headers)]
    width = len(LINE_HEADERS) + len(original)
    lines.header([*LINE_HEADERS, *original],
                 [7, 14, 17, 9, 8, 8, 11, 9, 12, 9, 12, 22, 11, 22, 11, 8, 28, 10, 24, 14, 19]
                 + [16] * len(original), fit_width=False)
    # The Lines rows bypass xlsxwriter (see fastsheet); a probe row carries their styles.
    probe = ["num", "date", "datetime", "text", *(f"v:{v}" for v in VERDICT_COLOURS)]
    styles = {}
    for col, name in enumerate(probe):
        fmt = formats["wrap"] if name == "text" else formats[name]
        lines.ws.write_blank(1, col, None, fmt)
        # xlsxwriter numbers a format when it is first used; asking now gives the number it
        # will write. The probe row read back after closing confirms it (see below).
        styles[name] = fmt._get_xf_index()
    lines.ws.autofilter(0, 0, max(content.run.line_count, 1), width - 1)
    rows_handle = fastsheet.rows_tempfile(target.parent)
    fast = fastsheet.RowWriter(rows_handle, width, styles)
    destinations: set[str] = set()
    claimed: set[str] = set()
    unverified: Counter[str] = Counter()
    r = 1
    for line in run_store.iter_lines(session, content.run.id):
        cells = [*line_cells(line, content.current.get(line.row)), *line.raw]
        r += 1
        fast.write(r, cells, verdict_col=2)
        digest.row("Lines", r - 1, cells)
        for row in finding_rows(line):
            findings.write(row, verdict_col=2)
        for f in line.findings:
            unverified.update(f.unverified)
        destinations.update(c for c in (line.destination, line.licensing_destination) if c)
        if line.license_exception:
            claimed.add(line.license_exception)
    findings.ws.autofilter(0, 0, max(findings.row - 1, 1), len(FINDING_HEADERS) - 1)

    reviews = _Sheet(book, formats, "Reviews", digest)
    reviews.header(REVIEW_HEADERS, [9, 19, 16, 7, 14, 26, 60, 14, 12, 11], wrap={6: 62})
    for review in content.reviews:
        reviews.write(review_cells(review))
    reviews.ws.autofilter(0, 0, max(reviews.row - 1, 1), len(REVIEW_HEADERS) - 1)

    _write_rules(_Sheet(book, formats, "Rules", digest), content, destinations, claimed,
                 unverified)
    _write_pairs(_Sheet(book, formats, "Run", digest), "Run parameters and environment",
                 run_parameters(content))
    summary = _Sheet(book, formats, "Summary", digest)
    _write_pairs(summary, "hkscreen screening report", content.summary_rows())
    value = digest.hexdigest(SHEETS)  # every cell written so far, on every sheet
    signature = signer.sign(value) if signer else ""
    _write_seal(summary, [(DIGEST_LABEL, value), (SIGNATURE_LABEL, signature)])
    book.close()
    rows_handle.close()
    rows_path = Path(rows_handle.name)
    try:
        sheet_xml = f"xl/worksheets/sheet{SHEETS.index('Lines') + 1}.xml"
        written = fastsheet.probe_styles(target, sheet_xml, probe)
        if written != styles:
            raise RuntimeError(f"xlsxwriter style numbers changed ({written} != {styles}); "
                               f"the Lines sheet would be mis-formatted")
        last = fastsheet.column_letters(width)[-1] + str(max(r, 1))
        fastsheet.splice_rows(target, sheet_xml, rows_path, last)
    finally:
        rows_path.unlink(missing_ok=True)
    return value, signature


def _write_pairs(sheet: _Sheet, title: str, rows: list[tuple[str, object]]) -> None:
    ws = sheet.ws
    ws.set_column(0, 0, 50)
    ws.set_column(1, 1, 100)
    sheet.text(0, 0, title, sheet.f["title"])
    sheet.text(1, 0, "Field", sheet.f["head"])
    sheet.text(1, 1, "Value", sheet.f["head"])
    ws.freeze_panes(2, 0)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(1)
    sheet.row = 2
    for label, value in rows:
        sheet.text(sheet.row, 0, label, sheet.f["label"])
        if isinstance(value, str) and len(value) > 95:
            ws.set_row(sheet.row, 12.75 * min(-(-len(value) // 95), 30))
            sheet.cell(sheet.row, 1, value, sheet.f["long"])
        else:
            sheet.cell(sheet.row, 1, value, sheet.f["left"])
        sheet.row += 1


def _write_seal(sheet: _Sheet, rows: list[tuple[str, str]]) -> None:
    """The digest and signature rows: the only cells the digest does not cover."""
    for label, value in rows:
        sheet.ws.write_string(sheet.row, 0, label, sheet.f["label"])
        if value:
            sheet.ws.write_string(sheet.row, 1, value, sheet.f["label"])
        sheet.row += 1


def _write_rules(sheet: _Sheet, content: ReportContent, destinations: set[str],
                 claimed: set[str], unverified: Counter[str]) -> None:
    ws = sheet.ws
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    for col, width in enumerate([14, 16, 11, 11, 26, 40, 50, 12, 40]):
        ws.set_column(col, col, width)
    sheet.text(0, 0, f"Rules applied (rules version {content.rules.version})",
               sheet.f["title"])
    sheet.row = 2
    if not content.rules_match:
        sheet.text(1, 0, f"Note: the run used rules version {content.run.rules_version}; "
                   f"this database holds {content.rules.version}.", sheet.f["label"])
    for title, headers, rows in rules_sections(content, destinations, claimed,
                                               dict(unverified)):
        sheet.text(sheet.row, 0, title, sheet.f["section"])
        sheet.row += 1
        for col, text in enumerate(headers):
            sheet.text(sheet.row, col, text, sheet.f["head"])
        sheet.row += 1
        if not rows:
            sheet.text(sheet.row, 0, "(none)")
            sheet.row += 1
        for row in rows:
            sheet.write(row)
        sheet.row += 1
