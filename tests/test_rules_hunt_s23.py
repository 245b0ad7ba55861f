"""False CLEARs found in session 23: an entry without paragraph text, given without a
paragraph, whose requirements leave a paragraph uncovered."""

from __future__ import annotations

import pytest

from screening.control_list_check import _letters_named
from tests.conftest import screen_text

HEAD = "Line,Export Date,Ship-to Country,ECCN,End User\n"


def _line(tmp_path, date: str, dest: str, eccn: str):  # type: ignore[no-untyped-def]
    tmp_path.mkdir(parents=True, exist_ok=True)
    _run, lines = screen_text(tmp_path, HEAD + f"T1,{date},{dest},{eccn},Acme Widgets Ltd\n")
    return lines["T1"]


def test_bare_7a005_is_a_review_though_its_text_is_not_held(tmp_path) -> None:
    """Every row of 7A005 names 7A005.b and the rules hold no text of category 7: bare
    7A005 to Canada was CLEAR, though 7A005.a (ITAR) is REVIEW."""
    line = _line(tmp_path, "2025-06-01", "Canada", "7A005")
    found = {f.code: f.message for f in line.findings}
    assert line.verdict == "REVIEW", found
    message = found["PARAGRAPH_NO_REQUIREMENTS"]
    assert "covers 7A005.a (the rules database holds no paragraph text for 7A005" in message
    assert "name 7A005.b" in message
    # .b itself is decided by its requirements as before.
    assert _line(tmp_path / "b", "2025-06-01", "Canada", "7A005.b").verdict == "CLEAR"


@pytest.mark.parametrize(("named", "letters"), [
    ({"b"}, ["a", "b"]),
    ({"a", "c", "c.1"}, ["a", "b", "c"]),
    ({"a", "y", "y.1"}, ["a", "y"]),  # nothing inferred before .x, .y, .z
    ({"x", "z"}, ["x", "z"]),
    (set(), []),
])
def test_the_paragraphs_an_entry_without_text_is_taken_to_have(named, letters) -> None:
    assert _letters_named(frozenset(named)) == letters
