"""False CLEARs a review of the rules content found (s22): paragraphs no requirement covers,
a paragraph only a note lists, lines dated before an entry existed or before the rules'
history begins."""

from __future__ import annotations

import pytest

from tests.conftest import screen_text

HEAD = "Line,Export Date,Ship-to Country,ECCN,End User\n"


def _line(tmp_path, date: str, dest: str, eccn: str):  # type: ignore[no-untyped-def]
    tmp_path.mkdir(parents=True, exist_ok=True)
    _run, lines = screen_text(tmp_path, HEAD + f"T1,{date},{dest},{eccn},Acme Widgets Ltd\n")
    return lines["T1"]


@pytest.mark.parametrize("eccn", ["7A005.a", "1B233.a", "1B233.c", "1B233.d"])
def test_a_paragraph_no_licence_requirement_covers_is_a_review(tmp_path, eccn) -> None:
    """Every row of 7A005 names 7A005.b, every row of 1B233 names 1B233.b: their other
    paragraphs matched no reason for control, not even AT, and were CLEAR to Hong Kong."""
    line = _line(tmp_path, "2025-06-01", "Hong Kong", eccn)
    found = {f.code: f.message for f in line.findings}
    assert line.verdict == "REVIEW", found
    assert f"covers paragraph .{eccn.split('.', 1)[1]}" in found["PARAGRAPH_NO_REQUIREMENTS"]


@pytest.mark.parametrize(("eccn", "verdict"), [("7A005.b", "LICENSE_REQUIRED"),
                                               ("1B233.b", "LICENSE_REQUIRED"),
                                               ("3A001.b.2", "LICENSE_REQUIRED")])
def test_a_paragraph_a_requirement_covers_is_decided_as_before(tmp_path, eccn,
                                                               verdict) -> None:
    line = _line(tmp_path, "2025-06-01", "Hong Kong", eccn)
    assert line.verdict == verdict
    assert "PARAGRAPH_NO_REQUIREMENTS" not in {f.code for f in line.findings}


@pytest.mark.parametrize(("date", "dest"), [("2025-06-01", "Hong Kong"),
                                            ("2025-01-15", "Macau")])
def test_3a090_d_which_only_a_note_lists_is_no_paragraph(tmp_path, date, dest) -> None:
    """The Technical Note to 3A090 lists "a." to "d."; the entry has .a, .b and .c."""
    line = _line(tmp_path, date, dest, "3A090.d")
    found = {f.code: f.message for f in line.findings}
    assert line.verdict == "REVIEW", found
    assert "it has .a, .b, .c)" in found["ECCN_PARAGRAPH_UNKNOWN"]
    assert _line(tmp_path / "c", date, dest, "3A090.c").verdict == "LICENSE_REQUIRED"


@pytest.mark.parametrize(("eccn", "date", "created"), [
    ("0A501.y.1", "2019-06-01", "2020-03-09"), ("9A515.y.1", "2014-06-01", "2014-11-10"),
    ("3A611.y", "2014-06-01", "2014-12-30"), ("0A606.y", "2014-01-02", "2014-01-06"),
    ("1C607.a", "2016-06-01", "2016-12-31")])
def test_a_line_dated_before_its_entry_existed_is_a_review(tmp_path, eccn, date,
                                                           created) -> None:
    line = _line(tmp_path, date, "Germany", eccn)
    found = {f.code: f.message for f in line.findings}
    assert line.verdict == "REVIEW", found
    assert f"it was created on {created}" in found["ECCN_NOT_IN_FORCE"]


@pytest.mark.parametrize(("eccn", "date"), [("5A992.c", "1995-01-01"),
                                            ("9A610.y.1", "2012-06-01"),
                                            ("EAR99", "2013-12-31")])
def test_a_line_dated_before_the_rules_history_begins_is_a_review(tmp_path, eccn,
                                                                  date) -> None:
    line = _line(tmp_path, date, "Germany", eccn)
    found = {f.code: f.message for f in line.findings}
    assert line.verdict == "REVIEW", found
    assert "before 2014-01-01, the first date these rules cover" in \
        found["RULES_NOT_COVERING_DATE"]
    # The day the history begins, the same line is decided on the rules.
    later = _line(tmp_path / "later", "2014-01-01", "Germany", eccn)
    assert "RULES_NOT_COVERING_DATE" not in {f.code for f in later.findings}


def test_an_entry_given_without_a_paragraph_no_requirement_covers_is_a_review(tmp_path) -> None:
    """(s22 second review:) bare 1B233 was CLEAR to Canada, where 1B233.c and .d, which
    no requirement covers, are REVIEW."""
    line = _line(tmp_path, "2025-06-01", "Canada", "1B233")
    found = {f.code: f.message for f in line.findings}
    assert line.verdict == "REVIEW", found
    assert "covers 1B233.c, 1B233.d" in found["PARAGRAPH_NO_REQUIREMENTS"]
    assert "PARAGRAPH_NO_REQUIREMENTS" not in {
        f.code for f in _line(tmp_path / "b", "2025-06-01", "Canada", "3A001").findings}


def test_7x611_did_not_exist_before_2016_12_31(tmp_path) -> None:
    """(s22 second review:) 7A611 to Canada in 2015 was CLEAR (USML Category XII then)."""
    line = _line(tmp_path, "2015-06-01", "Canada", "7A611.a")
    assert "ECCN_NOT_IN_FORCE" in {f.code for f in line.findings}
