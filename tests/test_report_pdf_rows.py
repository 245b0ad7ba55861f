"""A flagged line whose findings run onto the next PDF page is named there again (s29 review:
the continuation had blank Row, Line ID and Disposition cells)."""

from __future__ import annotations

from typing import Any

from screening.reports.pdf import Column, Table


class _Recorder:
    """The canvas calls a table row makes, keeping the strings drawn."""

    def __init__(self) -> None:
        self.drawn: list[str] = []

    def drawString(self, _x: float, _y: float, text: str) -> None:  # noqa: N802 (reportlab)
        self.drawn.append(text)

    def __getattr__(self, _name: str) -> Any:
        return lambda *args, **kwargs: None


def test_the_continued_part_of_a_row_names_its_row_and_line_again() -> None:
    table = Table([Column("Row", 3.5), Column("Line ID", 7), Column("Findings", 43)])
    item = table.row([17, "HK-1007", "\n".join(f"finding {n}" for n in range(60))])
    assert item.split is not None
    parts = item.split(item.height / 2)
    assert parts is not None
    first, rest = parts
    drawn_first, drawn_rest = _Recorder(), _Recorder()
    first.draw(drawn_first, 500.0)  # type: ignore[arg-type]
    rest.draw(drawn_rest, 500.0)  # type: ignore[arg-type]
    assert "17" in drawn_first.drawn and "HK-1007" in drawn_first.drawn
    assert drawn_rest.drawn.count("(cont.)") == 2, drawn_rest.drawn
    assert "17" in drawn_rest.drawn and "HK-1007" in drawn_rest.drawn
    assert "finding 59" in drawn_rest.drawn and "finding 0" not in drawn_rest.drawn


def test_a_character_no_font_can_draw_is_written_as_its_code_point() -> None:
    from screening.reports.pdf import _wrap

    assert _wrap("D1234567 \U0001F642", "Body", 7.0, 300.0) == ("D1234567 [U+1F642]",)
    assert _wrap("香港 \U0001F642", "Body", 7.0, 300.0) == ("香港 [U+1F642]",)
    assert _wrap("Zürich – plain", "Body", 7.0, 300.0) == ("Zürich – plain",)
