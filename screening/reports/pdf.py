"""The PDF report, an audit document: a cover page (summary table, verdict counts and the
chart of verdicts by export month), the flagged lines as a table, every review (superseded
ones marked), a rules appendix, and the digest and signature block. Run id and input hash in
every page header, "page N of M" in the footer. A4 landscape.

Drawn on a reportlab canvas (platypus tables are far too slow for tens of thousands of lines):
the document is a sequence of items of known height, paginated first (a table's header is
repeated on each page it continues on), then drawn. Text wrapping is cached because findings
repeat across lines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy.orm import Session

from screening.model import Verdict
from screening.reports.canonical import (
    DIGEST_LABEL,
    KEY_FINGERPRINT_LABEL,
    PUBLIC_KEY_LABEL,
    SIGNATURE_LABEL,
    Digest,
    canon,
)
from screening.reports.charts import (
    MARKS,
    VERDICTS,
    MonthlyVerdicts,
    month_of,
    monthly_verdicts,
)
from screening.reports.content import (
    DECIDED_LABEL,
    PENDING_LABEL,
    UNDECIDED_LABEL,
    VERDICTS_LABEL,
    VERDICTS_MEANING,
    ReportContent,
    finding_rows,
    line_cells,
    naive_utc,
    review_cells,
    review_status,
    rules_sections,
)
from screening.reports.pdf_seal import seal_keywords
from screening.store import runs as run_store

PAGE_W, PAGE_H = landscape(A4)
MARGIN = 14 * mm
TOP = PAGE_H - MARGIN - 7 * mm
BOTTOM = MARGIN + 6 * mm
WIDTH = PAGE_W - 2 * MARGIN
PAD = 2.0  # cell padding (points)
MAX_CELL_LINES = 80
_FONT_FILES = {
    "Body": ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"],
    "Bold": ["/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"],
    "CJK": ["/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # TrueType: reportlab reads it
            "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
            "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc"],
}
_FALLBACK = {"Body": "Helvetica", "Bold": "Helvetica-Bold", "CJK": "Helvetica"}
RGB = tuple[float, float, float]
_VERDICT_FILL: dict[str, RGB] = {
    "PROHIBITED": (0.48, 0.07, 0.07), "LICENSE_REQUIRED": (0.96, 0.71, 0.71),
    "ERROR": (0.98, 0.80, 0.61), "REVIEW": (1.0, 0.90, 0.60), "CLEAR": (0.79, 0.91, 0.76)}
_HEAD_FILL: RGB = (0.85, 0.88, 0.95)
_BAND_FILL: RGB = (0.62, 0.76, 0.90)
_GRID: RGB = (0.6, 0.6, 0.6)


@lru_cache(maxsize=1)
def _fonts() -> dict[str, str]:
    names: dict[str, str] = {}
    for role, paths in _FONT_FILES.items():
        names[role] = _FALLBACK[role]
        for path in paths:
            if Path(path).exists():
                try:
                    name = f"hk{role}"
                    pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0))
                    names[role] = name
                    break
                except Exception:  # a broken font file: fall back, the text still prints
                    continue
    return names


_STANDARD = {"Body": "Helvetica", "Bold": "Helvetica-Bold"}


@lru_cache(maxsize=100_000)
def _font_for(text: str, role: str) -> str:
    """Helvetica for text it can show (drawn and measured several times faster than an
    embedded TrueType font), DejaVu for other scripts and symbols, a CJK font for Chinese."""
    if any(ord(ch) >= 0x2E80 for ch in text):
        return _fonts()["CJK"]
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return _fonts()[role]
    return _STANDARD[role]


def _drawable(text: str, role: str) -> str:
    """``text`` with each character its font has no glyph for written as its code point
    ("[U+1F642]"): never dropped from the auditor's copy without a trace (s29 review: an
    emoji in a licence number was recorded, and left out of the PDF)."""
    font = pdfmetrics.getFont(_font_for(text, role))
    glyphs = getattr(getattr(font, "face", None), "charToGlyph", None)
    if not glyphs:
        return text  # a standard font: _font_for gave it only text it shows
    missing = {ch for ch in text if ord(ch) not in glyphs and ch not in "\n\t"}
    if not missing:
        return text
    return "".join(f"[U+{ord(ch):04X}]" if ch in missing else ch for ch in text)


@lru_cache(maxsize=50_000)
def _wrap(text: str, role: str, size: float, width: float) -> tuple[str, ...]:
    text = _drawable(text, role)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_wrap_line(paragraph, _font_for(text, role), size, width))
    return tuple(lines)


def _wrap_line(text: str, font: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for token in text.split(" "):
        word = token
        trial = f"{current} {word}" if current else word
        if stringWidth(trial, font, size) <= width:
            current = trial
            continue
        if current:
            lines.append(current)
        while stringWidth(word, font, size) > width and len(word) > 1:  # break long tokens
            cut = max(1, int(len(word) * width / stringWidth(word, font, size)) - 1)
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    lines.append(current)
    return lines


def _lines(text: str, role: str, size: float, width: float) -> tuple[str, ...]:
    lines = _wrap(text, role, size, width)
    if len(lines) > MAX_CELL_LINES:  # a cell never runs off the page
        return (*lines[:MAX_CELL_LINES - 1], "[... continued in the XLSX report]")
    return lines


@dataclass
class Item:
    """Something of known height drawn at a top y. ``header`` is repeated above the item
    when a page break falls just before it (a table continuing on a new page)."""

    height: float
    draw: Callable[[Canvas, float], None]
    header: Item | None = None
    keep_with_next: bool = False
    #: Cut into a part at most this high and the rest (a tall table row), or None.
    split: Callable[[float], tuple[Item, Item] | None] | None = None


def _text_item(text: str, role: str = "Body", size: float = 8.0, *, space_before: float = 0,
               colour: RGB = (0, 0, 0), keep_with_next: bool = False) -> Item:
    lines = _lines(text, role, size, WIDTH)
    leading = size * 1.3

    def draw(canvas: Canvas, top: float) -> None:
        canvas.setFillColorRGB(*colour)
        y = top - space_before
        for line in lines:
            y -= leading
            canvas.setFont(_font_for(line, role), size)
            canvas.drawString(MARGIN, y + size * 0.25, line)

    return Item(space_before + leading * len(lines), draw, keep_with_next=keep_with_next)


@dataclass(frozen=True)
class Column:
    title: str
    width: float  # share of the table width


class Table:
    """Rows of wrapped cells with a grid; the header row repeats on every page."""

    def __init__(self, columns: Sequence[Column], size: float = 7.0, x: float = MARGIN,
                 width: float = WIDTH, head_size: float | None = None):
        total = sum(c.width for c in columns)
        self.widths = [c.width * width / total for c in columns]
        self.x, self.size = x, size
        self.leading = size * 1.25
        self.header = self._row([c.title for c in columns], "Bold", head_size or size,
                                fill=_HEAD_FILL)

    def row(self, cells: Sequence[object], *, fills: dict[int, RGB] | None = None,
            bold: set[int] | None = None) -> Item:
        item = self._row([canon(c) for c in cells], "Body", self.size, fills=fills,
                         bold=bold)
        item.header = self.header
        return item

    def _row(self, texts: Sequence[str], role: str, size: float, *, fill: RGB | None = None,
             fills: dict[int, RGB] | None = None, bold: set[int] | None = None) -> Item:
        cells = [_lines(text, "Bold" if bold and i in bold else role, size,
                        width - 2 * PAD) for i, (text, width) in
                 enumerate(zip(texts, self.widths, strict=True))]
        return self._cells(cells, role, size, fill, fills or {}, bold or set())

    def _cells(self, cells: list[tuple[str, ...]], role: str, size: float, fill: RGB | None,
               fills: dict[int, RGB], bold: set[int]) -> Item:
        leading = size * 1.25
        count = max(len(c) for c in cells)
        height = count * leading + 2 * PAD
        widths, x0 = self.widths, self.x

        def draw(canvas: Canvas, top: float) -> None:
            x = x0
            canvas.setLineWidth(0.3)
            canvas.setStrokeColorRGB(*_GRID)
            for i, (lines, width) in enumerate(zip(cells, widths, strict=True)):
                cell_fill = fills.get(i, fill)
                if cell_fill is not None:
                    canvas.setFillColorRGB(*cell_fill)
                canvas.rect(x, top - height, width, height, stroke=1,
                            fill=int(cell_fill is not None))
                dark = cell_fill == _VERDICT_FILL["PROHIBITED"]
                canvas.setFillColorRGB(*((1, 1, 1) if dark else (0, 0, 0)))
                cell_role = "Bold" if i in bold or role == "Bold" else "Body"
                y = top - PAD
                for line in lines:
                    y -= leading
                    if line:
                        canvas.setFont(_font_for(line, cell_role), size)
                        canvas.drawString(x + PAD, y + size * 0.25, line)
                x += width

        def split(space: float) -> tuple[Item, Item] | None:
            keep = int((space - 2 * PAD) // leading)
            if keep < 2 or keep >= count:
                return None
            first = self._cells([c[:keep] for c in cells], role, size, fill, fills, bold)
            # A cell that ended on the first page is named again on the next, so the rest
            # of a line's findings is not left without its row and line id (s29 review).
            rest = self._cells([c[keep:] or ((c[0], "(cont.)") if c and c[0] else ())
                                for c in cells], role, size, fill, fills, bold)
            first.header = rest.header = self.header if hasattr(self, "header") else None
            return first, rest

        return Item(height, draw, split=split)


def _section(title: str, note: str = "") -> Iterator[Item]:
    yield _text_item(title, "Bold", 12, space_before=10, keep_with_next=True)
    if note:
        yield _text_item(note, size=8, space_before=1, keep_with_next=True)


# --- the cover page -------------------------------------------------------------------------

_COVER_SKIP = {"Report", "What this report says", "Lines", "Newly licensable because of the "
               "Hong Kong change", DECIDED_LABEL, PENDING_LABEL, UNDECIDED_LABEL,
               "Reviews recorded (all, incl. superseded)",
               "CLEAR on unverified rule data",  # stated in the rules appendix
               VERDICTS_LABEL,  # a paragraph of its own under the cover's facts
               KEY_FINGERPRINT_LABEL, PUBLIC_KEY_LABEL}  # the key: in the signature block


def _cover_value(label: str, value: object, content: ReportContent) -> str:
    if label == "Column mapping":
        return "; ".join(f"{field} \u2190 \u201c{header}\u201d"
                         for field, header in content.run.mapping.items())
    return canon(value)


def _cover(content: ReportContent, monthly: MonthlyVerdicts, digest: list[str]) -> Iterator[Item]:
    yield _text_item("hkscreen screening report", "Bold", 16)
    yield _text_item(content.statement(), size=8, space_before=2)
    left_w = WIDTH * 0.55
    right_x = MARGIN + left_w + 10
    right_w = WIDTH - left_w - 10
    facts = Table([Column("Run", 34), Column("", 66)], size=7, width=left_w)
    rows = [r for r in content.summary_rows() if r[0] not in _COVER_SKIP
            and not r[0].startswith("Lines ")]
    left = [facts.row([label, _cover_value(label, value, content)], bold={0})
            for label, value in rows]
    left.append(facts.row([DIGEST_LABEL, "(see the last page)"], bold={0}))
    digest_row = len(left) - 1

    counts = Table([Column("Verdict", 40), Column("Lines", 18), Column("Decided", 24),
                    Column("Not decided", 18)], size=7.5, x=right_x, width=right_w)
    by_verdict = content.reviewed_by_verdict
    right = [counts.header]
    for verdict in VERDICTS:
        n = content.run.counts.get(verdict, 0)
        done = by_verdict.get(verdict, 0)
        right.append(counts.row([verdict, n, done, n - done if verdict != "CLEAR" else "-"],
                                fills={0: _VERDICT_FILL[verdict]}))
    right.append(counts.row(["All lines", content.run.line_count,
                             sum(by_verdict.values()), content.unreviewed_flagged],
                            bold={0, 1}))
    extra = Table([Column("", 64), Column("", 36)], size=7.5, x=right_x, width=right_w)
    right.append(extra.row(["Newly licensable because of the Hong Kong change",
                            content.run.newly_licensable], bold={0}))
    right.append(extra.row([PENDING_LABEL + " (not decided)", content.pending], bold={0}))
    right.append(extra.row(["Reviews recorded (all, incl. superseded)",
                            len(content.reviews)], bold={0}))
    chart = _chart_item(monthly, right_x, right_w, 190)
    left_h = sum(i.height for i in left)
    right_h = sum(i.height for i in right) + 8 + chart.height
    digest_item = left[digest_row]

    def draw(canvas: Canvas, top: float) -> None:
        y = top - 6
        for item in left:
            shown = facts.row([DIGEST_LABEL, digest[0]], bold={0}) \
                if item is digest_item and digest else item
            shown.draw(canvas, y)
            y -= shown.height
        y = top - 6
        for item in right:
            item.draw(canvas, y)
            y -= item.height
        chart.draw(canvas, y - 8)

    height = 6 + max(left_h, right_h)
    if height <= TOP - BOTTOM - 80:
        yield Item(height, draw)
    else:  # a summary too long for one page: the tables one after the other
        yield from left
        yield from right
        yield chart
    yield _text_item(VERDICTS_LABEL, "Bold", 8, space_before=8, keep_with_next=True)
    yield _text_item(VERDICTS_MEANING, size=7.5, space_before=2)


_MARK_TEXT = (0.12, 0.31, 0.47)
_MARK_LINE = 8.0  # a legend line naming a marked month


def _chart_item(monthly: MonthlyVerdicts, x: float, width: float, height: float) -> Item:
    """Stacked columns of lines per export month and verdict; the months of the two Hong
    Kong changes shaded and labelled."""
    table = monthly.table()
    legend_h = 22.0 + _MARK_LINE * len(MARKS)
    total_h = height + legend_h + 14

    def draw(canvas: Canvas, top: float) -> None:
        canvas.setFillColorRGB(0, 0, 0)
        canvas.setFont(_fonts()["Bold"], 8.5)
        canvas.drawString(x, top - 9, "Lines by export month and verdict")
        if not table:
            canvas.setFont(_fonts()["Body"], 7.5)
            canvas.drawString(x, top - 24, "No line has an export date: no chart by month.")
            return
        axis_x, axis_w = x + 16, width - 20
        base = top - 14 - height + 18
        plot_h = height - 32  # the strip above it numbers the marked months
        peak = monthly.chart_top()
        step = max(1, round(peak / 5))
        canvas.setFont(_fonts()["Body"], 6)
        canvas.setLineWidth(0.25)
        for value in range(0, peak + 1, step):
            y = base + plot_h * value / peak
            canvas.setStrokeColorRGB(0.85, 0.85, 0.85)
            canvas.line(axis_x, y, axis_x + axis_w, y)
            canvas.setFillColorRGB(0.3, 0.3, 0.3)
            canvas.drawRightString(axis_x - 2, y - 2, str(value))
        slot = axis_w / len(table)
        bar = max(slot * 0.7, 0.6)
        label_every = max(1, round(len(table) / 12))
        for index, (month, counts) in enumerate(table):
            left = axis_x + index * slot + (slot - bar) / 2
            if monthly.mark_label(month):
                canvas.setFillColorRGB(*_BAND_FILL)
                canvas.rect(axis_x + index * slot, base, slot, plot_h, stroke=0, fill=1)
            y = base
            for verdict, count in zip(VERDICTS, counts, strict=True):
                if count:
                    h = plot_h * count / peak
                    canvas.setFillColorRGB(*_VERDICT_FILL[verdict])
                    canvas.setStrokeColorRGB(0.45, 0.45, 0.45)
                    canvas.rect(left, y, bar, h, stroke=1, fill=1)
                    y += h
            if index % label_every == 0:
                canvas.setFillColorRGB(0.2, 0.2, 0.2)
                canvas.setFont(_fonts()["Body"], 5.5)
                canvas.drawCentredString(axis_x + index * slot + slot / 2, base - 7, month)
        canvas.setStrokeColorRGB(0, 0, 0)
        canvas.line(axis_x, base, axis_x + axis_w, base)
        # Each marked month is numbered in the strip above the plot (never over a column or
        # another mark) and its change named in the legend below.
        canvas.setFont(_fonts()["Bold"], 6.5)
        canvas.setFillColorRGB(*_MARK_TEXT)
        for n, (day, _) in enumerate(MARKS, start=1):
            index = next((i for i, (m, _) in enumerate(table) if m == month_of(day)), None)
            if index is not None:
                canvas.drawCentredString(axis_x + index * slot + slot / 2,
                                         base + plot_h + 2, str(n))
        lx, ly = x, base - 20
        canvas.setFont(_fonts()["Body"], 6)
        for verdict in VERDICTS:
            canvas.setFillColorRGB(*_VERDICT_FILL[verdict])
            canvas.rect(lx, ly, 6, 6, stroke=0, fill=1)
            canvas.setFillColorRGB(0, 0, 0)
            canvas.drawString(lx + 8, ly + 1, verdict)
            lx += 10 + stringWidth(verdict, _fonts()["Body"], 6) + 6
        canvas.setFillColorRGB(*_BAND_FILL)
        canvas.rect(x, ly - 10, 6, 6, stroke=0, fill=1)
        canvas.setFillColorRGB(0, 0, 0)
        note = "month of a Hong Kong change, numbered above the columns"
        if monthly.undated_total:
            note += f"; {monthly.undated_total} line(s) without an export date not shown"
        canvas.drawString(x + 8, ly - 9, note)
        for n, (_, text) in enumerate(MARKS, start=1):
            y = ly - 9 - _MARK_LINE * n
            canvas.setFont(_fonts()["Bold"], 6)
            canvas.setFillColorRGB(*_MARK_TEXT)
            canvas.drawCentredString(x + 3, y, str(n))
            canvas.setFont(_fonts()["Body"], 6)
            canvas.setFillColorRGB(0, 0, 0)
            canvas.drawString(x + 8, y, text)

    return Item(total_h, draw)


# --- the body -------------------------------------------------------------------------------

@dataclass
class _Seen:
    """What the rules appendix needs from the lines, gathered in the one pass over them."""

    destinations: set[str]
    claimed: set[str]
    unverified: dict[str, int]


def _flagged(session: Session, content: ReportContent, digest: Digest,
             seen: _Seen) -> Iterator[Item]:
    """Every line that is not CLEAR, as table rows; every line goes into the digest."""
    yield from _section("Flagged lines (every line that is not CLEAR)",
                        "Findings in plain language with their citations; the disposition in "
                        "force. CLEAR lines are counted on the cover, listed in the XLSX and "
                        "CSV reports.")
    table = Table([Column("Row", 3.5), Column("Line ID", 7), Column("Verdict", 11),
                   Column("Shipped to / licensed as", 6.5), Column("ECCN", 6.5),
                   Column("Export date", 6.5), Column("Findings", 43),
                   Column("Disposition", 16)], size=6.5)
    yield table.header
    omitted = 0
    for line in run_store.iter_lines(session, content.run.id):
        review = content.current.get(line.row)
        digest.add("lines", [*line_cells(line, review), *line.raw])
        for row in finding_rows(line):
            digest.add("findings", row)
        seen.destinations.update(c for c in (line.destination, line.licensing_destination)
                                 if c)
        if line.license_exception:
            seen.claimed.add(line.license_exception)
        for f in line.findings:
            for text in f.unverified:
                seen.unverified[text] = seen.unverified.get(text, 0) + 1
        if line.verdict is Verdict.CLEAR:
            omitted += 1
            continue
        route = line.destination or "?"
        if line.licensing_destination and line.licensing_destination != line.destination:
            route += f" / {line.licensing_destination}"
        findings = "\n".join(
            f"\u2022 {f.code} ({f.severity.value}): {f.to_json()['message']}"
            + (f" [{'; '.join(f.citations)}]" if f.citations else "") for f in line.findings)
        if review:
            extra = " ".join(x for x in (review.license_number, review.license_exception) if x)
            disposition = (f"{review.disposition.label}{' ' + extra if extra else ''} by "
                           f"{review.reviewer} at {canon(review.created_at)} UTC"
                           + (f": {review.reason}" if review.reason else "")
                           + (f" OVERRIDE of a finding: {review.override_reason}"
                              if review.override else ""))
        else:
            disposition = "none recorded"
        verdict = line.verdict.value + ("\nnewly licensable" if line.newly_licensable else "")
        yield table.row([line.row, line.line_id, verdict, route, line.eccn or "?",
                         line.export_date or "no date", findings, disposition],
                        fills={2: _VERDICT_FILL[line.verdict.value]})
    yield _text_item(f"{omitted:,} CLEAR lines are omitted here; every line is in the XLSX and "
                     f"CSV reports.", "Bold", 8, space_before=4)


def _reviews(content: ReportContent, digest: Digest) -> Iterator[Item]:
    yield from _section("Reviews",
                        f"Every decision recorded for this run, in the order made "
                        f"({len(content.reviews)}). A later decision on a line supersedes an "
                        f"earlier one, which stays on record; an override is a decision "
                        f"recorded against a finding, with its reason.")
    table = Table([Column("ID", 4), Column("When (UTC)", 11), Column("Reviewer", 9),
                   Column("Row", 4), Column("Line ID", 8), Column("Decision", 12),
                   Column("Licence number / exception", 10), Column("Reason", 30),
                   Column("Status", 12)], size=6.5)
    yield table.header
    if not content.reviews:
        yield _text_item("No review has been recorded.", size=8, space_before=2)
    for review in content.reviews:
        digest.add("reviews", review_cells(review))
        details = " / ".join(x for x in (review.license_number, review.license_exception) if x)
        who = f"{review.reviewer} ({review.account})" if review.account else review.reviewer
        yield table.row([review.id, naive_utc(review.created_at), who,
                         review.row, review.line_id, review.disposition.label,
                         details, review.reason, review_status(review)])


def _appendix(content: ReportContent, destinations: set[str], claimed: set[str],
              unverified: dict[str, int]) -> Iterator[Item]:
    yield from _section(f"Rules appendix (rules version {content.rules.version})",
                        "The regime changes and the rule rows the findings relied on, each "
                        "with its citation and verification status. CLEAR lines whose "
                        f"determination rests on rule data not fully verified: "
                        f"{content.run.clear_on_unverified}."
                        + ("" if content.rules_match else
                           f" Note: the run used rules version {content.run.rules_version}; "
                           f"this database holds the version shown."))
    for title, headers, rows in rules_sections(content, destinations, claimed, unverified):
        yield _text_item(title, "Bold", 9, space_before=6, keep_with_next=True)
        if not rows:
            yield _text_item("(none)", size=7.5)
            continue
        table = Table([Column(h, _share(h, [r[i] for r in rows]))
                       for i, h in enumerate(headers)], size=6.5)
        yield table.header
        for row in rows:
            yield table.row(row)


def _share(header: str, values: Sequence[object]) -> float:
    """A column's share of the width from the length of what it holds."""
    longest = max([len(header), *(len(canon(v)) for v in values)])
    return min(max(longest, 6), 60) + 4


def _signature(digest_value: list[str], rows_counted: dict[str, int], signature: str,
               key: tuple[str, str] | None) -> Iterator[Item]:
    """The digest and signature block: the digest signed with the database's key."""
    yield from _section("Digest and signature",
                        "SHA-256 over a canonical form of the summary, findings, lines and "
                        "reviews this report states, signed (Ed25519) with the database's key "
                        "named below. The database records every report it issues: "
                        "`hkscreen verify FILE.pdf` checks this file against that record and "
                        "the signature against the database's keys.")
    table = Table([Column("", 30), Column("", 70)], size=8)
    yield table.row([DIGEST_LABEL, digest_value[0] if digest_value else ""], bold={0, 1})
    yield table.row([SIGNATURE_LABEL, signature or "(not signed)"], bold={0})
    if key:
        yield table.row([KEY_FINGERPRINT_LABEL, key[0]], bold={0})
        yield table.row([PUBLIC_KEY_LABEL, key[1]], bold={0})
    yield table.row(["Content covered", ", ".join(f"{n:,} {section} rows"
                                                  for section, n in rows_counted.items())],
                    bold={0})


def _document(session: Session, content: ReportContent, digest: Digest,
              digest_value: list[str], seal: Any = None) -> Iterator[Item]:
    yield from _cover(content, monthly_verdicts(session, content.run.id), digest_value)
    yield _PageBreak()
    seen = _Seen(set(), set(), {})
    yield from _flagged(session, content, digest, seen)
    yield from _reviews(content, digest)
    yield _PageBreak()
    yield from _appendix(content, seen.destinations, seen.claimed, seen.unverified)
    for label, value in content.summary_rows():
        digest.add("summary", [label, value])
    digest_value.append(digest.hexdigest())
    signature = seal.sign(digest_value[0]) if seal is not None else ""
    yield from _signature(digest_value, dict(digest.rows), signature, content.signing)


class _PageBreak(Item):
    def __init__(self) -> None:
        super().__init__(0.0, lambda canvas, top: None)


def _paginate(items: Iterator[Item]) -> list[list[tuple[Item, float]]]:
    """Place items top-down; a table row that does not fit starts a new page under the
    table's header, or, when it is tall, fills the page and continues on the next."""
    pages: list[list[tuple[Item, float]]] = [[]]
    y = TOP
    held: list[Item] = []  # headings kept with what follows them

    def place(item: Item) -> None:
        nonlocal y
        pages[-1].append((item, y))
        y -= item.height

    def next_page(continued: Item | None = None) -> None:
        nonlocal y
        pages.append([])
        y = TOP
        if continued is not None and continued.header is not None:
            place(continued.header)

    def cut(item: Item, space: float) -> tuple[Item, Item] | None:
        return item.split(space) if item.split is not None and space > 60 else None

    for given in items:
        item = given
        if isinstance(item, _PageBreak):
            if pages[-1] or held:
                next_page()
            continue
        if item.keep_with_next:
            held.append(item)
            continue
        lead, held = held, []
        space = y - BOTTOM - sum(i.height for i in lead)
        if item.height > space and (pages[-1] or lead):
            parts = cut(item, space)
            if parts is None:
                next_page(None if lead else item)
            else:
                for part in [*lead, parts[0]]:
                    place(part)
                lead, item = [], parts[1]
                next_page(item)
        for part in lead:
            place(part)
        while item.height > y - BOTTOM and (parts := cut(item, y - BOTTOM)) is not None:
            place(parts[0])
            item = parts[1]
            next_page(item)
        place(item)
    for part in held:
        place(part)
    return pages


def write_pdf(session: Session, content: ReportContent, target: Path,
              seal: Any = None) -> tuple[int, str]:
    """Write the PDF to ``target``; returns the number of pages and the report digest. A
    ``seal`` (``sign(digest) -> signature``) signs the digest into the signature block."""
    digest_value: list[str] = []
    pages = _paginate(_document(session, content, Digest(), digest_value, seal))
    canvas = Canvas(str(target), pagesize=(PAGE_W, PAGE_H), pageCompression=1,
                    invariant=True)  # invariant: no creation time or random id in the file
    canvas.setTitle(f"hkscreen report, run {content.run.id}")
    canvas.setAuthor(content.generated_by)
    canvas.setSubject(f"Input SHA-256 {content.run.input_sha256}")
    # The seal in a form verify reads without a database (and without reading the pages'
    # text): the digest the last page prints, its signature and the signing key.
    canvas.setKeywords(seal_keywords(
        digest_value[0], str(getattr(seal, "signature", "") or ""),
        content.signing[0] if content.signing else "", content.run.id,
        content.run.input_sha256))
    run = content.run
    header = (f"hkscreen report \u00b7 run {run.id} \u00b7 {run.input_name} \u00b7 input "
              f"SHA-256 {run.input_sha256}")
    generated = canon(content.generated_at.astimezone(dt.UTC).replace(tzinfo=None))
    for number, items in enumerate(pages, start=1):
        canvas.setFont(_font_for(header, "Body"), 7)
        canvas.setFillColorRGB(0.3, 0.3, 0.3)
        canvas.drawString(MARGIN, PAGE_H - MARGIN, header)
        canvas.drawString(MARGIN, MARGIN, f"rules version {run.rules_version[:16]}... \u00b7 "
                                          f"generated {generated} UTC \u00b7 report digest "
                                          f"{digest_value[0][:16]}...")
        canvas.drawRightString(PAGE_W - MARGIN, MARGIN, f"Page {number} of {len(pages)}")
        if notice := content.short_notice():  # on every page of an incomplete run's report
            canvas.setFillColorRGB(0.75, 0, 0)
            canvas.setFont(_font_for(notice, "Bold"), 8.5)
            canvas.drawString(MARGIN, PAGE_H - MARGIN - 10, notice)
        for item, top in items:
            item.draw(canvas, top)
        canvas.showPage()
    canvas.save()
    return len(pages), digest_value[0]
