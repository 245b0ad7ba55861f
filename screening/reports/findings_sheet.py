"""The Findings sheet as raw sheet XML, like the Lines sheet (see fastsheet).

A run has far fewer distinct findings lists than lines (lines share them: ``run_finding_sets``),
and a finding's row differs from line to line only in the row number, the input row and the
line ID. So each distinct finding is rendered once, and each distinct (findings list, line
verdict) once, as UTF-8 split where the row number goes and as the findings' canonical digest
text; a line then costs a few byte formats per finding. Finding texts go to the shared
strings table (written once, not on every line). The cells, styles and row heights are
exactly those xlsxwriter wrote cell by cell (``tests/test_report_findings.py`` compares them).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import IO

from screening.model import Finding
from screening.reports.canonical import CellDigest
from screening.reports.fastsheet import escape, inline_text, text_cells

#: Characters per printed line of the columns that wrap (Message, Citations, Unverified).
WRAP = {5: 128, 6: 55, 7: 41}
ROW_HEIGHT = 12.75  # points per printed line of a wrapped row
MAX_ROW_LINES = 30
MAX_CELL = 32767
#: Styles the rows use (style indexes come from the probe row, see fastsheet.probe_styles).
PROBE = ("num", "text", "long")

_encode = json.JSONEncoder(ensure_ascii=False).encode


def truncate(text: str) -> str:
    """A cell's text as written: Excel holds at most 32,767 characters in a cell."""
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 20] + " [truncated]"


def row_height(texts: list[str]) -> str:
    """The ``<row>`` attributes of a finding row: wrapped text makes it taller (spreadsheet
    programs do not size wrapped rows on opening). As xlsxwriter's ``set_row(r, points)``:
    points to whole pixels, written back as points."""
    lines = 1
    for col, per_line in WRAP.items():
        lines = max(lines, -(-len(texts[col]) // per_line))  # ceiling division
    if lines <= 1:
        return ""
    pixels = int(ROW_HEIGHT * min(lines, MAX_ROW_LINES) * 4.0 / 3.0 + 0.5)
    return f' ht="{pixels * 0.75:.16g}" customHeight="1"'


def _text_cell(column: str, style: int, text: str) -> str:
    """An inline string cell whose reference is ``column`` followed by the row number (added
    when the template is joined). ``text`` is the cell's text as written (truncated)."""
    return f'<c r="{column}\0" s="{style}" t="inlineStr">{inline_text(text)}</c>'


#: In a rendered row: where the sheet row number goes (the row is split there). Escaped text
#: never holds NUL.
_N = "\0"


@dataclass(slots=True)
class _Rendered:
    """One findings list as seen from a line with a given verdict, as UTF-8: per finding,
    its row's attributes (height), its cells from column C split where the sheet row number
    goes, and its digest text from column C (a JSON list's inside)."""

    findings: tuple[Finding, ...]
    rows: tuple[tuple[bytes, list[bytes], bytes], ...]
    #: Lines written with it.
    uses: int = 0


@dataclass(slots=True)
class _FindingCells:
    """What a finding's row holds whatever the line: its height attributes, its cells from
    column D (row number left as ``_N``) and their texts (truncated) for the digest."""

    height: str
    cells: str
    texts: list[str]


class FindingsWriter:
    """Streams the Findings rows of each line to ``handle`` and hashes them into ``digest``,
    rendering each distinct finding once and each distinct (findings list, verdict) once."""

    def __init__(self, handle: IO[bytes], styles: dict[str, int], digest: CellDigest,
                 sheet: str = "Findings") -> None:
        self.handle = handle
        self.styles = styles
        self.digest = digest
        self.sheet = sheet
        self.row = 1  # the last sheet row written (1-based): the header
        self._by_id: dict[tuple[int, str], _Rendered] = {}
        self._by_value: dict[tuple[tuple[Finding, ...], str], _Rendered] = {}
        self._findings: dict[Finding, _FindingCells] = {}
        #: The shared strings table: texts by first use (see ``_cell``).
        self._shared: dict[str, int] = {}

    def _cell(self, column: str, style: int, text: str) -> str:
        """A string cell whose reference is ``column`` followed by the row number (``_N``).
        Findings repeat their texts on line after line: a text is written once, in the
        shared strings table, and a cell refers to it. A text whose written form holds
        ``x005F_`` (a literal ``_xHHHH_`` escaped) stays an inline string: openpyxl (which
        ``hkscreen verify`` reads with) drops ``x005F_`` from shared strings, not from
        inline ones, and would read the two differently."""
        if "x005F_" in escape(text):
            return _text_cell(column, style, text)
        index = self._shared.get(text)
        if index is None:
            index = self._shared[text] = len(self._shared)
        return f'<c r="{column}{_N}" s="{style}" t="s"><v>{index}</v></c>'

    def shared_strings(self) -> bytes | None:
        """The shared strings part (``xl/sharedStrings.xml``), None when no cell uses it."""
        if not self._shared:
            return None
        refs = Counter[str]()
        for rendered in self._by_value.values():
            for _height, cells, _tail in rendered.rows:
                refs["cells"] += rendered.uses * b"".join(cells).count(b' t="s">')
        items = "".join(f"<si>{inline_text(text)[4:-5]}</si>" for text in self._shared)
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="'
                f'http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="'
                f'{refs["cells"]}" uniqueCount="{len(self._shared)}">{items}</sst>').encode()

    def _finding(self, f: Finding) -> _FindingCells:
        known = self._findings.get(f)
        if known is None:
            styles = self.styles
            texts = ["", "", "", f.code, f.severity.value, f.message,
                     "; ".join(f.citations), "; ".join(f.unverified)]
            height = row_height(texts)  # from the text before truncation, as before
            texts = [truncate(t) for t in texts]
            cells = [self._cell(letter, styles["long"] if col in WRAP else styles["text"],
                                texts[col])
                     for col, letter in ((3, "D"), (4, "E"), (5, "F"), (6, "G"), (7, "H"))
                     if texts[col]]
            known = self._findings[f] = _FindingCells(height, "".join(cells), texts[3:])
        return known

    def _render(self, findings: tuple[Finding, ...], verdict: str) -> _Rendered:
        styles = self.styles
        verdict_cell = self._cell("C", styles.get(f"v:{verdict}", styles["text"]), verdict)
        rows = []
        for f in findings:
            known = self._finding(f)
            tail = [truncate(verdict), *known.texts]
            while tail and not tail[-1]:
                tail.pop()
            rows.append((known.height.encode(),
                         f"{verdict_cell}{known.cells}</row>".encode().split(b"\0"),
                         _encode(tail)[1:-1].encode()))
        return _Rendered(findings, tuple(rows))

    def rendered(self, findings: tuple[Finding, ...], verdict: str) -> _Rendered:
        # Lines read back share one tuple per findings list: look it up by identity first
        # (an entry keeps its tuple alive, so the id cannot be reused meanwhile).
        hit = self._by_id.get((id(findings), verdict))
        if hit is not None and hit.findings is findings:
            return hit
        rendered = self._by_value.get((findings, verdict))
        if rendered is None:
            rendered = self._by_value[(findings, verdict)] = self._render(findings, verdict)
        if len(self._by_id) < 100_000:
            self._by_id[(id(findings), verdict)] = rendered
        return rendered

    def write(self, row: int, line_id: str, verdict: str,
              findings: tuple[Finding, ...]) -> None:
        """The Findings rows of one line (input row ``row``)."""
        self.write_chunk([row], [line_id], [verdict], [findings])

    def write_chunk(self, rows: Sequence[int], line_ids: Sequence[str],
                    verdicts: Sequence[str], findings: Sequence[tuple[Finding, ...]]) -> None:
        """The Findings rows of consecutive lines (input rows ``rows``), given as columns."""
        ids = [truncate(i) for i in line_ids] if max(map(len, line_ids), default=0) > MAX_CELL \
            else list(line_ids)
        # The line ID's cell after its reference, and its digest text, as UTF-8 (NUL, which
        # neither holds, joins them for one encoding).
        id_cells = _N.join([c[c.index(_N) + 1:] if c else ""
                            for c in text_cells("B", self.styles["text"], ids)]
                           ).encode().split(b"\0")
        id_texts = _N.join(map(encode_basestring, ids)).encode().split(b"\0")
        num = self.styles["num"]
        head = f'<row r="%s"%s><c r="A%s" s="{num}"><v>%s</v></c><c r="B%s%s'.encode()
        bare = f'<row r="%s"%s><c r="A%s" s="{num}"><v>%s</v></c>'.encode()
        out: list[bytes] = []
        hashed: list[bytes] = []
        put, hash_ = out.append, hashed.append
        by_id = self._by_id
        first = r = self.row
        for row, id_cell, id_text, verdict, found in zip(rows, id_cells, id_texts,
                                                         verdicts, findings, strict=True):
            if not found:
                continue
            rendered = by_id.get((id(found), verdict))
            if rendered is None or rendered.findings is not found:
                rendered = self.rendered(found, verdict)
            rendered.uses += 1
            row_text = b"%d" % row
            for height, cells, tail in rendered.rows:
                r += 1
                n = b"%d" % r
                put(head % (n, height, n, row_text, n, id_cell) if id_cell else
                    bare % (n, height, n, row_text))
                put(n.join(cells))
                hash_(b'[%d, ["%s", %s, %s]]\n' % (r - 1, row_text, id_text, tail))
        self.row = r
        if out:
            self.handle.write(b"".join(out))
            self.digest.encoded_rows(self.sheet, first, r - 1, b"".join(hashed))

    def flush(self) -> None:
        """Nothing is held back (kept for callers that flush)."""

    def unverified(self) -> Counter[str]:
        """Findings relying on each piece of unverified rule data, over all lines."""
        counts: Counter[str] = Counter()
        for rendered in self._by_value.values():
            for f in rendered.findings:
                for text in f.unverified:
                    counts[text] += rendered.uses
        return counts
