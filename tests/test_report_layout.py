"""Printed layout of the reports as an auditor sees it: nothing cut, nothing drawn over
something else (the Run sheet's long labels, the Rules sheet's dates beside text, the PDF
cover chart's marks of the Hong Kong changes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import openpyxl
import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from screening.cli import main
from screening.reports.charts import MARKS, VERDICTS, MonthlyVerdicts
from screening.reports.pdf import _chart_item
from screening.reports.xlsx import PAIR_LABEL_CHARS
from tests.conftest import SAMPLE_XLSX

Box = tuple[float, float, float, float]  # x0, y0, x1, y1


class _RecordingCanvas:
    """The calls a chart makes, as the boxes of its texts and rectangles."""

    def __init__(self) -> None:
        self.font: tuple[str, float] = ("Helvetica", 6)
        self.texts: list[tuple[str, Box]] = []
        self.rects: list[Box] = []

    def setFont(self, name: str, size: float) -> None:  # noqa: N802 (reportlab's names)
        self.font = (name, size)

    def _text(self, x: float, y: float, text: str) -> None:
        width = stringWidth(text, *self.font)
        self.texts.append((text, (x, y, x + width, y + self.font[1] * 0.72)))

    def drawString(self, x: float, y: float, text: str) -> None:  # noqa: N802
        self._text(x, y, text)

    def drawCentredString(self, x: float, y: float, text: str) -> None:  # noqa: N802
        self._text(x - stringWidth(text, *self.font) / 2, y, text)

    def drawRightString(self, x: float, y: float, text: str) -> None:  # noqa: N802
        self._text(x - stringWidth(text, *self.font), y, text)

    def rect(self, x: float, y: float, w: float, h: float, **_: Any) -> None:
        self.rects.append((x, y, x + w, y + h))

    def __getattr__(self, name: str) -> Any:  # colours, line widths, lines
        return lambda *args, **kwargs: None


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("months", [
    [dt.date(2020, 3, 2), dt.date(2021, 4, 1), dt.date(2024, 11, 5)],  # the sample's span
    [dt.date(2020, 6, 1), dt.date(2021, 1, 4)],  # a short span: the marks close together
])
def test_pdf_chart_marks_overlap_nothing(months) -> None:  # type: ignore[no-untyped-def]
    monthly = MonthlyVerdicts()
    for n, day in enumerate(months):
        monthly.add(day, VERDICTS[n % len(VERDICTS)], 3 + n)
    canvas = _RecordingCanvas()
    item = _chart_item(monthly, 420.0, 370.0, 190)
    item.draw(canvas, 500.0)  # type: ignore[arg-type]
    marks = {text for _, text in MARKS}
    named = [(text, box) for text, box in canvas.texts if text in marks]
    assert [t for t, _ in named] == [t for _, t in MARKS]  # every change is named
    others = [box for text, box in canvas.texts if text not in marks]
    for text, box in named:
        assert not any(_overlap(box, r) for r in canvas.rects), f"{text!r} over a column"
        assert not any(_overlap(box, o) for o in others), f"{text!r} over another text"
        assert box[2] <= 420.0 + 370.0, f"{text!r} runs off the chart"
        assert box[1] >= 500.0 - item.height, f"{text!r} below the chart's space"
    assert not _overlap(named[0][1], named[1][1])


@pytest.fixture
def xlsx_report(bundled_lists, db_url, tmp_path):  # type: ignore[no-untyped-def]
    """The sample's report as ``hkscreen screen`` writes it (with the party list's rows)."""
    target = tmp_path / "r.xlsx"
    assert main(["--database-url", db_url, "screen", str(SAMPLE_XLSX), "--quiet",
                 "--report", str(target)]) == 1
    book = openpyxl.load_workbook(target)
    yield book
    book.close()


def test_run_sheet_long_labels_wrap_in_a_tall_enough_row(xlsx_report) -> None:  # type: ignore[no-untyped-def]
    ws = xlsx_report["Run"]
    long_labels = [row[0] for row in ws.iter_rows(min_row=3)
                   if isinstance(row[0].value, str) and len(row[0].value) > PAIR_LABEL_CHARS]
    assert any("entries per source" in cell.value for cell in long_labels)
    for cell in long_labels:
        assert cell.alignment.wrap_text, f"{cell.value!r} is cut, not wrapped"
        lines = -(-len(cell.value) // PAIR_LABEL_CHARS)
        height = ws.row_dimensions[cell.row].height
        assert height is not None and height >= 12.75 * lines, (cell.value, height)


def test_rules_sheet_dates_are_left_aligned_beside_text(xlsx_report) -> None:  # type: ignore[no-untyped-def]
    ws = xlsx_report["Rules"]
    dates = [cell for row in ws.iter_rows() for cell in row
             if isinstance(cell.value, dt.datetime)]
    assert len(dates) > 10
    right = [cell.coordinate for cell in dates if cell.alignment.horizontal != "left"]
    assert not right, f"dates that would run into the next column's text: {right[:5]}"
