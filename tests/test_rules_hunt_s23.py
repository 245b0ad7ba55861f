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
    # (Since s27 the rules hold the text of category 7: 7A005.a is a paragraph of it.)
    assert "none of its licence requirements covers 7A005.a" in message
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


@pytest.mark.parametrize(("date", "eccn", "verdict"), [
    ("2019-05-01", "3B001.f.1.a", "LICENSE_REQUIRED"),  # HK's own row: X in NS2
    ("2020-09-01", "3B001.c.2", "LICENSE_REQUIRED"),
    ("2020-09-01", "3B002.c", "LICENSE_REQUIRED"),
    ("2023-11-16", "3B001.d.1", "LICENSE_REQUIRED"),  # China's row by then
    ("2024-05-01", "3B001.f.1.a", "LICENSE_REQUIRED"),  # Macau or D:5 since 2023-11-17
])
def test_3b001_and_3b002_before_2023_are_ns_for_the_entire_entry(tmp_path, date, eccn,
                                                                 verdict) -> None:
    """(s23 review:) the 2026 text's NS Column 2 scope of 3B001 (a.1 to a.3, b, e, f.2 to
    f.4, g to j) and 3B002 (a, b) was applied to every date: 3B001.f.1.a to Hong Kong in
    2019, then on its own Country Chart row with an X in NS2, was CLEAR. Before 88 FR 73424
    (effective 2023-11-17) NS applied to the entire entries."""
    line = _line(tmp_path, date, "Hong Kong", eccn)
    assert line.verdict == verdict, [(f.code, f.message) for f in line.findings]


def test_the_earlier_scope_is_not_applied_after_2023_11_16(tmp_path, rules) -> None:
    """Germany has no X in NS2: 3B001.f.1.a there is CLEAR before and after the change,
    and a paragraph NS2 never covered since 2023-11-17 is decided by the edition's rows."""
    assert _line(tmp_path, "2019-05-01", "Germany", "3B001.f.1.a").verdict == "CLEAR"
    import datetime as dt

    (early,) = [c for c in rules.eccns["3B001"].controls if c.valid_to is not None]
    assert early.valid_to == dt.date(2023, 11, 16) and early.applies("f.1.a") is not False


@pytest.mark.parametrize(("date", "eccn", "in_force"), [
    ("2023-11-16", "3B001.k", False), ("2023-11-17", "3B001.k", True),
    ("2020-01-01", "3B001.p.1", False), ("2024-09-05", "3B001.q", False),
    ("2024-09-06", "3B001.q", True)])
def test_3b001_paragraphs_added_since_2023_are_not_in_force_before(tmp_path, date, eccn,
                                                                   in_force) -> None:
    """(s23 review:) 3B001.k to .n, .p and .r came with 88 FR 73424 (2023-11-17), .q with
    89 FR 72926 (2024-09-06): before, a line naming them was decided on today's text."""
    line = _line(tmp_path, date, "Germany", eccn)
    assert ("PARAGRAPH_NOT_IN_FORCE" in {f.code for f in line.findings}) is not in_force
