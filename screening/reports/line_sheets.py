"""The rows of the report's two big sheets, Lines and Findings, rendered from a run's stored
lines as compressed sheet XML (fastsheet, findings_sheet) and hashed as the report digest
hashes them (each sheet's hash, its header row included).

``render_line_sheets`` is the one way they are rendered: by ``write_xlsx`` as it writes a
report, or beforehand, while a run is still being screened, by a helper process that follows
its lines as they are stored (reports.prerender). Both render the same stored rows with the
same code, so the sheets are the same either way; the report only takes the rendered rows if
they are of the run as it ended (every line, the same styles, no review yet).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from screening.reports import fastsheet, findings_sheet
from screening.reports.canonical import CellDigest
from screening.reports.content import (
    FINDING_HEADERS,
    LINE_HEADERS,
    disposition_text,
    naive_utc,
    original_headers,
)
from screening.reports.package import DeflatedRows
from screening.runtime import cyclic_gc_paused
from screening.store.report_lines import LineChunk
from screening.store.reviews import ReviewRecord

#: How each report column of the Lines sheet is written (see fastsheet.ColumnsWriter); the
#: input's original cells after them are text.
LINE_KINDS = ("number", "text", "verdict", "text", "text", "text", "date", "text", "text",
              "text", "text", "text", "text", "text", "number", "number", "text", "text",
              "text", "text", "any")


class WiderThanHeaders(ValueError):
    """A stored line holds more of the input's cells than the run's headers name (a run
    recorded before runs named the columns of CSV rows wider than their header)."""

    def __init__(self, cells: int, headers: int):
        super().__init__(f"a stored line has {cells} original cells; the run's headers name "
                         f"{headers}")
        self.cells, self.headers = cells, headers


def line_sheet_headers(run_headers: Sequence[str]) -> list[str]:
    """The Lines sheet's header row: the report's columns, then the input's own."""
    return [*LINE_HEADERS, *original_headers(run_headers)]


@dataclass
class LineSheets:
    """The Lines and Findings rows of a run, rendered (row 2 on: the header row is the
    workbook's) and what the rest of the report needs from them."""

    lines: DeflatedRows
    findings: DeflatedRows
    line_count: int
    #: The run's headers the Lines rows were rendered under (their original cells).
    headers: list[str]
    #: The last sheet row (1-based) of each sheet: its header when it has no row.
    last_line_row: int
    last_finding_row: int
    #: Each sheet's hash as ``CellDigest`` computes it, header row included.
    hashes: dict[str, str]
    #: The style indexes the rows were written with (see fastsheet.probe_styles).
    styles: dict[str, int]
    finding_styles: dict[str, int]
    #: Destinations (reported and licensing) and licence exceptions the lines name.
    destinations: set[str] = field(default_factory=set)
    claimed: set[str] = field(default_factory=set)
    #: Lines per (export date, verdict), for the chart by month.
    by_date: Counter[tuple[dt.date | None, str]] = field(default_factory=Counter)
    #: Findings relying on each piece of unverified rule data.
    unverified: Counter[str] = field(default_factory=Counter)
    shared_strings: bytes | None = None

    def discard(self) -> None:
        """Remove the rendered rows' files (after use, or when not used)."""
        self.lines.discard()
        self.findings.discard()


def render_line_sheets(chunks: Iterable[LineChunk], run_headers: Sequence[str],
                       current: dict[int, ReviewRecord], styles: dict[str, int],
                       finding_styles: dict[str, int], folder: Path) -> LineSheets:
    """Render and hash the Lines and Findings rows of the lines in ``chunks`` (in input
    order) into two compressed row files in ``folder``; ``current`` is each row's current
    review."""
    originals = len(run_headers)
    digest = CellDigest()
    digest.row("Findings", 0, list(FINDING_HEADERS))
    digest.row("Lines", 0, line_sheet_headers(run_headers))
    digest.hash_in_background()  # overlaps rendering the rows
    handles: list[DeflatedRows] = []
    try:
        handles += [DeflatedRows(folder), DeflatedRows(folder)]
        lines_handle, findings_handle = handles
        fast = fastsheet.ColumnsWriter(lines_handle, [*LINE_KINDS, *["text"] * originals],
                                       styles, digest)
        finding_rows = findings_sheet.FindingsWriter(findings_handle, finding_styles, digest)
        destinations: set[str | None] = set()
        claimed: set[str | None] = set()
        by_date: Counter[tuple[dt.date | None, str]] = Counter()
        r = 1
        # Reading and rendering a chunk allocates hundreds of thousands of objects while the
        # renderers' caches stay alive: paused, the cyclic collector stops walking those
        # again and again (a seventh of the rendering time). Nothing is frozen: the caches
        # die with the report (a report written from the window would leak its cycles).
        with cyclic_gc_paused(freeze=False):
            for chunk in chunks:
                by_date.update(zip(chunk.export_date, chunk.verdict, strict=True))
                fast.write(r + 1, line_columns(chunk, current, originals))  # and hashes
                r += len(chunk.row)
                finding_rows.write_chunk(chunk.row, chunk.line_id, chunk.verdict,
                                         chunk.findings)
                destinations.update(chunk.destination)
                destinations.update(chunk.licensing_destination)
                claimed.update(chunk.license_exception)
        lines_handle.close()
        findings_handle.close()
        return LineSheets(
            lines_handle, findings_handle, line_count=r - 1, headers=list(run_headers),
            last_line_row=r,
            last_finding_row=finding_rows.row, hashes=digest.sheet_hashes(),
            styles=dict(styles), finding_styles=dict(finding_styles),
            destinations={d for d in destinations if d}, claimed={e for e in claimed if e},
            by_date=by_date, unverified=finding_rows.unverified(),
            shared_strings=finding_rows.shared_strings())
    except BaseException:
        for handle in handles:
            handle.discard()
        raise
    finally:
        digest.close()


def line_columns(chunk: LineChunk, current: dict[int, ReviewRecord],
                 originals: int) -> list[Sequence[object]]:
    """The Lines sheet's columns of ``chunk`` (``record_cells`` and the raw cells of each
    line, column by column)."""
    yes_no = ["No", "Yes"]
    reviews = list(map(current.get, chunk.row)) if current else None
    if reviews is not None and not any(reviews):
        reviews = None
    none: list[object] = [None] * len(chunk.row)
    raw = chunk.raw
    widths = set(map(len, raw))
    if widths != {originals}:
        if max(widths) > originals:
            raise WiderThanHeaders(max(widths), originals)
        raw = [cells + [""] * (originals - len(cells)) for cells in raw]
    return [
        chunk.row, chunk.line_id, chunk.verdict,
        list(map(yes_no.__getitem__, map(bool, chunk.newly_licensable))),
        chunk.destination, chunk.licensing_destination, chunk.export_date,
        list(map(yes_no.__getitem__, map(bool, chunk.date_assumed))),
        chunk.eccn, chunk.license_exception, chunk.license_number, chunk.end_user,
        chunk.end_user_type, chunk.consignee, chunk.value, chunk.quantity,
        chunk.description, chunk.hs_code,
        *(([disposition_text(r) for r in reviews],
           [r.reviewer if r else None for r in reviews],
           [naive_utc(r.created_at) if r else None for r in reviews])
          if reviews is not None else (none, none, none)),
        *(zip(*raw, strict=True) if originals else ()),
    ]
