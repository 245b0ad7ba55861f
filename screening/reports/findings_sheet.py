"""The Findings sheet as raw sheet XML, like the Lines sheet (see fastsheet).

A run has far fewer distinct findings lists than lines (lines share them: ``run_finding_sets``),
and a finding's row differs from line to line only in the row number, the input row and the
line ID. So each distinct (findings list, line verdict) is rendered once, as XML split where
the row number goes and as the finding's canonical digest text; a line then costs a join per
finding. The cells, styles and row heights are exactly those xlsxwriter wrote cell by cell
(``tests/test_report_findings.py`` compares them).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import IO

from screening.model import Finding
from screening.reports.canonical import CellDigest
from screening.reports.fastsheet import inline_text

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


@dataclass(slots=True)
class _Rendered:
    """One findings list as seen from a line with a given verdict."""

    findings: tuple[Finding, ...]
    #: Per finding: the row's attributes and its cells C..H split where the row number goes.
    rows: tuple[tuple[str, tuple[str, ...]], ...]
    #: Per finding: the digest text of its cells from column C, as a JSON list's inside.
    digest_tails: tuple[str, ...]
    #: Lines written with it.
    uses: int = 0


class FindingsWriter:
    """Streams the Findings rows of each line to ``handle`` and hashes them into ``digest``,
    rendering each distinct (findings list, verdict) once."""

    def __init__(self, handle: IO[str], styles: dict[str, int], digest: CellDigest,
                 sheet: str = "Findings") -> None:
        self.handle = handle
        self.styles = styles
        self.digest = digest
        self.sheet = sheet
        self.row = 1  # the last sheet row written (1-based): the header
        self._by_id: dict[tuple[int, str], _Rendered] = {}
        self._by_value: dict[tuple[tuple[Finding, ...], str], _Rendered] = {}
        self._out: list[str] = []
        self._hashed: list[str] = []
        self._first_unhashed = 1

    def _render(self, findings: tuple[Finding, ...], verdict: str) -> _Rendered:
        styles = self.styles
        verdict_cell = _text_cell("C", styles.get(f"v:{verdict}", styles["text"]), verdict)
        rows = []
        tails = []
        for f in findings:
            texts = ["", "", verdict, f.code, f.severity.value, f.message,
                     "; ".join(f.citations), "; ".join(f.unverified)]
            height = row_height(texts)  # from the text before truncation, as before
            texts = [truncate(t) for t in texts]
            cells = [verdict_cell]
            for col, letter in ((3, "D"), (4, "E"), (5, "F"), (6, "G"), (7, "H")):
                if texts[col]:
                    style = styles["long"] if col in WRAP else styles["text"]
                    cells.append(_text_cell(letter, style, texts[col]))
            cells.append("</row>")
            rows.append((height, tuple("".join(cells).split("\0"))))
            tail = texts[2:]
            while tail and not tail[-1]:
                tail.pop()
            tails.append(_encode(tail)[1:-1])
        return _Rendered(findings, tuple(rows), tuple(tails))

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
        if not findings:
            return
        rendered = self.rendered(findings, verdict)
        rendered.uses += 1
        line_id = truncate(line_id)
        num = self.styles["num"]
        if line_id:
            id_cell = f'" s="{self.styles["text"]}" t="inlineStr">{inline_text(line_id)}</c>'
        else:
            id_cell = ""
        id_json = _encode(line_id)
        out = self._out
        hashed = self._hashed
        r = self.row
        for (height, parts), tail in zip(rendered.rows, rendered.digest_tails, strict=True):
            r += 1
            n = str(r)
            if id_cell:
                out.append(f'<row r="{n}"{height}><c r="A{n}" s="{num}"><v>{row}</v></c>'
                           f'<c r="B{n}{id_cell}')
            else:
                out.append(f'<row r="{n}"{height}><c r="A{n}" s="{num}"><v>{row}</v></c>')
            out.append(n.join(parts))  # the cells C..H and </row>
            hashed.append(f'[{r - 1}, ["{row}", {id_json}, {tail}]]\n')
        self.row = r
        if len(out) >= 4000:
            self.flush()

    def flush(self) -> None:
        if self._out:
            self.handle.write("".join(self._out))
            self._out = []
        if self._hashed:
            self.digest.encoded_rows(self.sheet, self._first_unhashed, self.row - 1,
                                     "".join(self._hashed))
            self._hashed = []
            self._first_unhashed = self.row

    def unverified(self) -> Counter[str]:
        """Findings relying on each piece of unverified rule data, over all lines."""
        counts: Counter[str] = Counter()
        for rendered in self._by_value.values():
            for f in rendered.findings:
                for text in f.unverified:
                    counts[text] += rendered.uses
        return counts
