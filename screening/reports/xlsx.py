"""The auditor's XLSX report, written with xlsxwriter in constant-memory mode.

Every text from the input or a user is written with ``write_string``: a string cell is never
evaluated, whatever it starts with (and ``strings_to_formulas`` is off as a second guard).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlsxwriter
from sqlalchemy.orm import Session

from screening.reports import fastsheet, findings_sheet
from screening.reports.canonical import DIGEST_LABEL, SHEETS, SIGNATURE_LABEL, CellDigest
from screening.reports.charts import VERDICTS, MonthlyVerdicts
from screening.reports.content import (
    FINDING_HEADERS,
    LINE_HEADERS,
    REVIEW_HEADERS,
    ReportContent,
    review_cells,
    rules_sections,
    run_parameters,
)
from screening.reports.line_sheets import LineSheets, line_sheet_headers, render_line_sheets
from screening.signing import Signer
from screening.store.report_lines import iter_line_chunks

MAX_CELL = 32767
VERDICT_COLOURS = {
    "PROHIBITED": ("#7B1113", "#FFFFFF"), "LICENSE_REQUIRED": ("#F4B6B6", "#000000"),
    "ERROR": ("#F9CB9C", "#000000"), "REVIEW": ("#FFE599", "#000000"),
    "CLEAR": ("#C9E7C1", "#000000"),
}
#: Lines columns printed: the report's own columns; the input's original cells (after them)
#: are on screen only, so the sheet prints one page wide at a readable size.
LINES_PRINTED = len(LINE_HEADERS)
FINDING_WIDTHS = [6, 11, 17, 27, 8, 110, 48, 36]


def _hf(text: str) -> str:
    """Text for an Excel page header/footer: '&' is a control character there."""
    return text.replace("&", "&&")


def print_setup(ws: Any, content: ReportContent, sheet: str) -> None:
    """The same page set-up on every sheet: A4 landscape, one page wide, a header with the
    run id and input and a footer with the input hash and 'page N of M'."""
    run = content.run
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.75, bottom=0.75)
    name = run.input_name if len(run.input_name) <= 60 else run.input_name[:57] + "..."
    ws.set_header(f"&L&8hkscreen report \u00b7 run {run.id} \u00b7 {_hf(name)}"
                  f"&R&8{_hf(sheet)}", margin=0.3)
    ws.set_footer(f"&L&8Run {run.id} \u00b7 input SHA-256 {run.input_sha256}"
                  "&R&8Page &P of &N", margin=0.3)


class _Sheet:
    """A worksheet with typed cell writing, formats and header set-up."""

    def __init__(self, book: Any, formats: dict[str, Any], name: str, digest: CellDigest):
        self.ws = book.get_worksheet_by_name(name)
        self.name = name
        self.digest = digest
        self.f = formats
        self.row = 0
        self.wrap = {}
        self.merge_to: int | None = None

    def header(self, headers: list[str] | tuple[str, ...], widths: list[int], *,
               fit_width: bool = True, wrap: dict[int, int] | None = None) -> None:
        """Header row, widths, frozen panes, print titles, landscape. ``wrap`` maps column ->
        characters per printed line for columns whose long text wraps."""
        self.wrap = wrap or {}
        for col, (text, width) in enumerate(zip(headers, widths, strict=True)):
            self.text(self.row, col, text, self.f["head"])
            self.ws.set_column(col, col, width, self.f["long"] if col in self.wrap else None)
        lines = max(-(-len(text) // max(width - 1, 1)) for text, width in zip(headers, widths,
                                                                              strict=True))
        self.ws.set_row(self.row, 15 * min(max(lines, 2), 4))
        self.ws.freeze_panes(self.row + 1, 2 if not fit_width else 0)
        self.ws.repeat_rows(self.row)
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
        among_text = text_format is not None and (text_format is self.f["left"]
                                                  or text_format is self.f["long"])
        if isinstance(value, bool):
            ws.write_boolean(r, col, value, self.f["num"])
        elif isinstance(value, int | float):
            ws.write_number(r, col, value, text_format or self.f["num"])
        elif isinstance(value, dt.datetime):
            ws.write_datetime(r, col, value, self.f["datetime_left" if among_text
                                                   else "datetime"])
        elif isinstance(value, dt.date):
            # Left-aligned among text (the Rules sheet): a right-aligned date would run into
            # the next column's text when printed.
            ws.write_datetime(r, col, dt.datetime.combine(value, dt.time()),
                              self.f["date_left" if among_text else "date"])
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
            last = col == len(values) - 1
            if last and self.merge_to is not None and self.merge_to > col:
                self.ws.merge_range(self.row, col, self.row, self.merge_to, "", fmt)
            self.cell(self.row, col, value, fmt)
        self.row += 1


def cell_formats(book: Any) -> dict[str, Any]:
    """The workbook's cell formats by name (verdict fills as ``v:<verdict>``)."""
    formats = {
        "head": book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1,
                                 "text_wrap": True, "valign": "top"}),
        "wrap": book.add_format({"text_wrap": False, "valign": "top"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd", "valign": "top"}),
        "date_left": book.add_format({"num_format": "yyyy-mm-dd", "align": "left",
                                      "valign": "top"}),
        "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss", "valign": "top"}),
        "title": book.add_format({"bold": True, "font_size": 14}),
        "label": book.add_format({"bold": True, "valign": "top"}),
        "label_wrap": book.add_format({"bold": True, "valign": "top", "text_wrap": True}),
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
    return formats


def write_xlsx(session: Session, content: ReportContent, target: Path,
               signer: Signer | None = None,
               rendered: LineSheets | Callable[[], LineSheets | None] | None = None
               ) -> tuple[str, str]:
    """Write the report to ``target`` (a temporary path); returns the report digest (over
    every cell but the digest's and the signature's own) and its signature ("" without a
    signer). ``rendered``: the Lines and Findings rows rendered while the run was screened
    (reports.prerender), or a function giving them, called once the workbook is open;
    used if they are this report's (else rendered here); their files are removed either
    way."""
    digest = CellDigest()
    sheets: LineSheets | None = None
    opened: _Opened | None = None
    # xlsxwriter's own scratch files, in a folder of their own removed whatever happens
    # (s22 review: a full disk left two of them beside the report).
    scratch = Path(tempfile.mkdtemp(dir=target.parent, prefix=".hkscreen-xlsx-"))
    try:
        opened = _open_book(content, target, scratch)
        if callable(rendered):
            rendered = rendered()
        if rendered is not None and opened.fits(rendered, content):
            sheets, rendered = rendered, None
        else:
            sheets = render_line_sheets(
                iter_line_chunks(session, content.run.id), content.run.headers,
                content.current, opened.styles, opened.finding_styles, target.parent)
        digest.hash_in_background()  # the other sheets' cells, while xlsxwriter writes
        return _write_book(content, target, signer, opened, sheets, digest)
    except BaseException:
        if opened is not None:
            _discard_book(opened.book)
        raise
    finally:
        digest.close()
        for unused in (rendered, sheets):
            if isinstance(unused, LineSheets):  # (a function never called gave no rows)
                unused.discard()
        shutil.rmtree(scratch, ignore_errors=True)


def _discard_book(book: Any) -> None:
    """A workbook that will not be closed: in constant-memory mode each worksheet keeps
    its rows in a temporary file beside the report until then; remove them."""
    for ws in book.worksheets():
        handle, name = getattr(ws, "row_data_fh", None), getattr(ws, "row_data_filename", None)
        with contextlib.suppress(OSError):
            if handle is not None:
                handle.close()
            if name:
                Path(name).unlink(missing_ok=True)


@dataclass
class _Opened:
    """A report workbook as ``_open_book`` leaves it: the big sheets' header rows written,
    their probe rows giving the style indexes their rows are rendered with."""

    book: Any
    formats: dict[str, Any]
    styles: dict[str, int]
    finding_styles: dict[str, int]

    def fits(self, rendered: LineSheets, content: ReportContent) -> bool:
        """Whether rows rendered beforehand are this report's: every line of a complete
        run, under its headers as recorded at its end (a row wider than the header row
        widens them), no review (a line's current review is on its row), the same styles."""
        return (content.complete and not content.current
                and rendered.line_count == content.run.line_count
                and rendered.headers == list(content.run.headers)
                and rendered.styles == self.styles
                and rendered.finding_styles == self.finding_styles)


def _open_book(content: ReportContent, target: Path, scratch: Path | None = None) -> _Opened:
    """The workbook with its sheets and formats, up to the rows of its big sheets (see
    ``_probe_row``). Their header rows are hashed with their rows (line_sheets)."""
    book = xlsxwriter.Workbook(str(target), {
        "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
        "strings_to_numbers": False, "default_date_format": "yyyy-mm-dd",
        "tmpdir": str(scratch or target.parent)})
    book.set_properties({"title": f"hkscreen report, run {content.run.id}",
                         "subject": content.run.input_name, "author": content.generated_by,
                         "comments": f"Input SHA-256 {content.run.input_sha256}"})
    formats = cell_formats(book)
    for name in SHEETS:
        ws = book.add_worksheet(name)
        print_setup(ws, content, name)
        _mark_incomplete(ws, content, name)
    elsewhere = CellDigest()  # the header rows: hashed with the rows
    findings = _Sheet(book, formats, "Findings", elsewhere)
    findings.header(FINDING_HEADERS, FINDING_WIDTHS, wrap=findings_sheet.WRAP)
    lines = _Sheet(book, formats, "Lines", elsewhere)
    headers = line_sheet_headers(content.run.headers)
    lines.header(headers, [7, 14, 17, 9, 8, 8, 11, 9, 12, 9, 12, 22, 11, 22, 11, 8, 28, 10, 24,
                           14, 19] + [16] * (len(headers) - len(LINE_HEADERS)),
                 fit_width=False)
    lines.ws.print_area(0, 0, max(content.run.line_count, 1), LINES_PRINTED - 1)
    # The Lines and Findings rows bypass xlsxwriter (see fastsheet and findings_sheet); a
    # probe row on each carries the styles they use.
    styles = _probe_row(lines.ws, formats, LINE_PROBE)
    lines.ws.autofilter(0, 0, max(content.run.line_count, 1), len(headers) - 1)
    finding_styles = _probe_row(findings.ws, formats, FINDING_PROBE)
    return _Opened(book, formats, styles, finding_styles)


def styles_of(content: ReportContent, folder: Path) -> tuple[dict[str, int], dict[str, int]]:
    """The style indexes a report of ``content`` renders its Lines and Findings rows with
    (a workbook opened as ``write_xlsx`` opens it, then dropped)."""
    with tempfile.TemporaryDirectory(dir=folder) as scratch:
        opened = _open_book(content, Path(scratch) / "styles.xlsx")
        opened.book.close()
    return opened.styles, opened.finding_styles


LINE_PROBE = ["num", "date", "datetime", "text", *(f"v:{v}" for v in VERDICT_COLOURS)]
FINDING_PROBE = [*findings_sheet.PROBE, *(f"v:{v}" for v in VERDICT_COLOURS)]


def _write_book(content: ReportContent, target: Path, signer: Signer | None,
                opened: _Opened, rendered: LineSheets, digest: CellDigest
                ) -> tuple[str, str]:
    book, formats = opened.book, opened.formats
    for name in ("Lines", "Findings"):
        digest.adopt(name, rendered.hashes[name])
    monthly = MonthlyVerdicts()
    for (day, verdict_), count in rendered.by_date.items():
        monthly.add(day, verdict_, count)
    last_finding = rendered.last_finding_row - 1  # 0-based, as xlsxwriter counts rows
    findings = book.get_worksheet_by_name("Findings")
    findings.autofilter(0, 0, max(last_finding, 1), len(FINDING_HEADERS) - 1)
    # Findings wrap onto several lines each: printed one page wide (print_setup), as many
    # pages as they take. Fitting them to fewer pages (60 a page) shrank the text to about
    # 3.6 pt (s33 auditor's review).

    reviews = _Sheet(book, formats, "Reviews", digest)
    reviews.header(REVIEW_HEADERS, [9, 19, 16, 7, 14, 26, 50, 14, 12, 11, 40, 26],
                   wrap={6: 56, 10: 45})
    for review in content.reviews:
        reviews.write(review_cells(review))
    reviews.ws.autofilter(0, 0, max(reviews.row - 1, 1), len(REVIEW_HEADERS) - 1)

    _write_rules(_Sheet(book, formats, "Rules", digest), content, rendered.destinations,
                 rendered.claimed, rendered.unverified)
    run_sheet = _Sheet(book, formats, "Run", digest)
    _write_pairs(run_sheet, "Run parameters and environment", run_parameters(content))

    summary = _Sheet(book, formats, "Summary", digest)
    _write_pairs(summary, "hkscreen screening report", content.summary_rows())
    seal_row = summary.row
    summary.row += 2  # the digest and signature rows, written once the digest is known
    chart_cells: list[tuple[int, int, object, Any]] = []

    def later(r: int, col: int, value: object, fmt: Any = None) -> None:
        digest.cell("Summary", r, col, value)  # covered now, written after the seal rows
        chart_cells.append((r, col, value, fmt))

    _write_chart(book, summary, monthly, later)
    value = digest.hexdigest(SHEETS)  # every cell of every sheet but the seal's own
    signature = signer.sign(value) if signer else ""
    _write_seal(summary, seal_row, [(DIGEST_LABEL, value), (SIGNATURE_LABEL, signature)])
    for r_, col, cell_value, fmt in chart_cells:  # constant memory: rows in order
        if isinstance(cell_value, str):
            summary.ws.write_string(r_, col, cell_value, fmt)
        else:
            summary.ws.write_number(r_, col, cell_value, fmt)
    book.close()
    spliced = {}
    width = len(LINE_HEADERS) + len(content.run.headers)
    for name, handle, probed, wanted, cols, last_row in (
            ("Lines", rendered.lines, LINE_PROBE, rendered.styles, width,
             rendered.last_line_row),
            ("Findings", rendered.findings, FINDING_PROBE, rendered.finding_styles,
             len(FINDING_HEADERS), rendered.last_finding_row)):
        sheet_xml = f"xl/worksheets/sheet{SHEETS.index(name) + 1}.xml"
        spliced[sheet_xml] = (handle,
                              fastsheet.column_letters(cols)[-1] + str(max(last_row, 1)))
        written = fastsheet.probe_styles(target, sheet_xml, probed)
        if written != wanted:
            raise RuntimeError(f"xlsxwriter style numbers changed ({written} != {wanted}); "
                               f"the {name} sheet would be mis-formatted")
    fastsheet.splice_rows(target, spliced, rendered.shared_strings)
    return value, signature


def _probe_row(ws: Any, formats: dict[str, Any], names: list[str]) -> dict[str, int]:
    """Row 2 of a sheet whose rows are written as XML: one blank cell per style the rows use
    (xlsxwriter numbers a format when it is first used; asking now gives the number it will
    write, and the probe row read back after closing confirms it)."""
    styles = {}
    for col, name in enumerate(names):
        fmt = formats["wrap"] if name == "text" else formats[name]
        ws.write_blank(1, col, None, fmt)
        styles[name] = fmt._get_xf_index()
    return styles


def _mark_incomplete(ws: Any, content: ReportContent, sheet: str) -> None:
    """A report of a run that did not complete says so on every sheet: a red tab, a red
    banner over the top of the sheet and the printed page header."""
    if content.complete:
        return
    run = content.run
    ws.set_tab_color("#C00000")
    ws.set_header(f'&L&8hkscreen report \u00b7 run {run.id}&C&"-,Bold"&10&KC00000RUN NOT '
                  f'COMPLETE ({_hf(run.status)}): partial, not a screening of the whole file'
                  f'&R&8{_hf(sheet)}', margin=0.3)
    ws.insert_textbox(0, 2, content.incomplete_notice(), {
        "width": 620, "height": 70, "x_offset": 4, "y_offset": 2,
        "font": {"bold": True, "color": "#FFFFFF", "size": 11},
        "fill": {"color": "#C00000"}, "object_position": 3})


PAIR_LABEL_CHARS = 40  # bold characters a printed line of the 48-wide label column holds


def _write_pairs(sheet: _Sheet, title: str, rows: list[tuple[str, object]]) -> None:
    ws = sheet.ws
    ws.set_column(0, 0, 48)
    ws.set_column(1, 1, 90)
    sheet.text(0, 0, title, sheet.f["title"])
    sheet.text(1, 0, "Field", sheet.f["head"])
    sheet.text(1, 1, "Value", sheet.f["head"])
    ws.freeze_panes(2, 0)
    ws.repeat_rows(1)
    ws.fit_to_pages(1, 1)  # a summary of fields reads best on one page
    sheet.row = 2
    for label, value in rows:
        # A label longer than its column wraps (bold text: about 40 characters a line)
        # rather than being cut where the value starts.
        label_lines = -(-len(label) // PAIR_LABEL_CHARS)
        sheet.text(sheet.row, 0, label, sheet.f["label_wrap" if label_lines > 1 else "label"])
        value_lines = -(-len(value) // 85) if isinstance(value, str) and len(value) > 85 else 1
        if max(label_lines, value_lines) > 1:
            ws.set_row(sheet.row, 12.75 * min(max(label_lines, value_lines), 30))
        if value_lines > 1:
            sheet.cell(sheet.row, 1, value, sheet.f["long"])
        else:
            sheet.cell(sheet.row, 1, value, sheet.f["left"])
        sheet.row += 1


def _write_seal(sheet: _Sheet, row: int, rows: list[tuple[str, str]]) -> None:
    """The digest and signature rows: the only cells the digest does not cover."""
    for r, (label, value) in enumerate(rows, start=row):
        sheet.ws.write_string(r, 0, label, sheet.f["label"])
        if value:
            sheet.ws.write_string(r, 1, value, sheet.f["label"])


CHART_COL = 3  # column D: the chart and its data sit to the right of the summary
CHART_ROWS = 22  # rows the chart covers (from row 3)


def _write_chart(book: Any, sheet: _Sheet, monthly: MonthlyVerdicts,
                 put: Callable[..., None]) -> None:
    """A native chart of lines by export month and verdict (stacked columns), the months of
    2020-06-30 and 2020-12-23 marked by a band on a hidden second axis; its data table
    below the summary (not printed: the chart states it). Cells go through ``put(row, col,
    value, format)`` (below the digest and signature rows, so written after them)."""
    ws, f = sheet.ws, sheet.f
    summary_end = max(sheet.row, CHART_ROWS + 3)
    ws.set_column(CHART_COL - 1, CHART_COL - 1, 1)
    table = monthly.table()
    if not table:  # under the summary (constant memory: an earlier row could not be written)
        ws.print_area(0, 0, max(summary_end - 1, sheet.row), CHART_COL + len(VERDICTS) + 1)
        put(sheet.row, 0, "No line has an export date: no chart by month.", f["label"])
        return
    ws.print_area(0, 0, summary_end - 1, CHART_COL + len(VERDICTS) + 1)
    top = summary_end + 2
    put(top - 1, CHART_COL, "Lines by export month and verdict (chart data)", f["section"])
    headers = ["Export month", *VERDICTS, "Hong Kong change month (marker, not lines)",
               "What changed"]
    for col, text in enumerate(headers):
        put(top, CHART_COL + col, text, f["head"])
    ws.set_column(CHART_COL, CHART_COL, 12)
    ws.set_column(CHART_COL + 1, CHART_COL + len(VERDICTS) + 1, 11)
    ws.set_column(CHART_COL + len(VERDICTS) + 2, CHART_COL + len(VERDICTS) + 2, 50)
    for index, (month, counts) in enumerate(table, start=1):
        r = top + index
        put(r, CHART_COL, month)
        for col, count in enumerate(counts, start=1):
            put(r, CHART_COL + col, count)
        mark = monthly.mark_label(month)
        if mark:  # a band from the month's bars to the top of the chart
            put(r, CHART_COL + len(VERDICTS) + 1, monthly.chart_top() - sum(counts))
            put(r, CHART_COL + len(VERDICTS) + 2, mark)
    last = top + len(table)
    if monthly.undated_total:
        put(last + 1, CHART_COL, f"{monthly.undated_total} line(s) without an export date are "
            f"not in the chart.", f["label"])
    name = sheet.ws.name
    chart = book.add_chart({"type": "column", "subtype": "stacked"})
    categories = [name, top + 1, CHART_COL, last, CHART_COL]
    for col, verdict in enumerate(VERDICTS, start=1):
        chart.add_series({
            "name": [name, top, CHART_COL + col], "categories": categories,
            "values": [name, top + 1, CHART_COL + col, last, CHART_COL + col],
            "fill": {"color": VERDICT_COLOURS[verdict][0]},
            "border": {"color": "#808080", "width": 0.5}, "gap": 30,
        })
    band_col = CHART_COL + len(VERDICTS) + 1
    points = [{"delete": True} if not monthly.mark_label(m) else
              {"value": monthly.mark_label(m)[:10]} for m, _ in table]
    chart.add_series({
        "name": [name, top, band_col], "categories": categories,
        "values": [name, top + 1, band_col, last, band_col],
        "fill": {"color": "#9DC3E6", "transparency": 40},
        "border": {"color": "#1F4E79", "width": 1.25, "dash_type": "dash"}, "gap": 30,
        "data_labels": {"value": True, "custom": points, "position": "inside_base",
                        "font": {"size": 7, "bold": True, "color": "#1F4E79",
                                 "rotation": -90}},
    })
    chart.set_title({"name": "Lines by export month and verdict",
                     "name_font": {"size": 11}})
    chart.set_x_axis({"num_font": {"size": 7, "rotation": -45}})
    chart.set_y_axis({"name": "Lines", "name_font": {"size": 8, "bold": False},
                      "num_font": {"size": 8}, "min": 0, "max": monthly.chart_top(),
                      "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_legend({"position": "bottom", "font": {"size": 8}})
    chart.set_size({"width": 560, "height": 400})
    ws.insert_chart(2, CHART_COL, chart, {"x_offset": 4, "y_offset": 4})


RULES_WIDTHS = [14, 16, 12, 12, 26, 40, 50, 13, 40, 20]


def _write_rules(sheet: _Sheet, content: ReportContent, destinations: set[str],
                 claimed: set[str], unverified: Counter[str]) -> None:
    """Sections of different shapes on one sheet: every cell wraps within its column (a
    two-column section's text spans the rest of the row), so nothing is cut when printed."""
    ws = sheet.ws
    ws.repeat_rows(0)  # the title with the rules version, on every printed page
    for col, width in enumerate(RULES_WIDTHS):
        ws.set_column(col, col, width)
    sheet.text(0, 0, f"Rules applied (rules version {content.rules.version})",
               sheet.f["title"])
    sheet.row = 2
    if not content.rules_match:
        sheet.text(1, 0, f"Note: the run used rules version {content.run.rules_version}; "
                   f"this database holds {content.rules.version}.", sheet.f["label"])
    last = len(RULES_WIDTHS) - 2  # the change log alone uses the tenth column
    for title, headers, rows in rules_sections(content, destinations, claimed,
                                               dict(unverified)):
        sheet.text(sheet.row, 0, title, sheet.f["section"])
        sheet.row += 1
        merge = len(headers) - 1 if len(headers) < len(RULES_WIDTHS) - 1 else None
        widths = list(RULES_WIDTHS[:len(headers)])
        if merge is not None:
            widths[merge] = sum(RULES_WIDTHS[merge:last + 1])
        sheet.wrap = {col: max(int(width * 1.15), 8) for col, width in enumerate(widths)}
        sheet.merge_to = last if merge is not None else None
        for col, text in enumerate(headers):
            if col == merge:
                ws.merge_range(sheet.row, col, sheet.row, last, text, sheet.f["head"])
                sheet.digest.cell(sheet.name, sheet.row, col, text)
            else:
                sheet.text(sheet.row, col, text, sheet.f["head"])
        sheet.row += 1
        if not rows:
            sheet.text(sheet.row, 0, "(none)")
            sheet.row += 1
        for row in rows:
            sheet.write(row)
        sheet.row += 1
    sheet.merge_to = None
