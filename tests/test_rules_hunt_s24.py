"""False CLEARs found by the rules hunt of session 24."""

from __future__ import annotations

import pytest

from tests.conftest import screen_text

HEAD = "Line,Export Date,Ship-to Country,ECCN,End User\n"


@pytest.mark.parametrize(("date", "dest", "eccn"), [
    ("2020-05-01", "Hong Kong", "4A994.l"), ("2020-05-01", "Hong Kong", "3A991.p"),
    ("2023-11-16", "Macau", "4A994.l"), ("2023-11-16", "Hong Kong", "3A991.p")])
def test_3a991_p_and_4a994_l_are_not_in_force_before_2023_11_17(tmp_path, date, dest,
                                                                eccn) -> None:
    """Both paragraphs came with 88 FR 73458 (effective 2023-11-17): before, a line so
    classified names a paragraph that did not exist, and was CLEAR."""
    _run, lines = screen_text(tmp_path, HEAD + f"T1,{date},{dest},{eccn},Acme Widgets Ltd\n")
    line = lines["T1"]
    assert line.verdict == "REVIEW"
    assert "PARAGRAPH_NOT_IN_FORCE" in {f.code for f in line.findings}


def test_3a991_p_from_2023_11_17_is_screened_on_its_requirements(tmp_path) -> None:
    _run, lines = screen_text(tmp_path, HEAD + "T1,2023-11-17,Hong Kong,3A991.p,"
                                              "Acme Widgets Ltd\n")
    assert "PARAGRAPH_NOT_IN_FORCE" not in {f.code for f in lines["T1"].findings}


EXC_HEAD = "Line,Export Date,Ship-to Country,ECCN,License Exception,End User\n"


def _claimed(tmp_path, date: str, dest: str, eccn: str, code: str):  # type: ignore[no-untyped-def]
    tmp_path.mkdir(parents=True, exist_ok=True)
    _run, lines = screen_text(tmp_path, EXC_HEAD + f"T1,{date},{dest},{eccn},{code},Acme\n")
    line = lines["T1"]
    return line.verdict, {f.code: f.message for f in line.findings}


@pytest.mark.parametrize(("eccn", "code", "says"), [
    ("3A001.b.1", "GBS", "3A001.b.1 is not among the paragraphs named"),
    ("3B001.f", "GBS", "3B001.f is excepted"),
    ("5A001.b.5.a", "GBS", "5A001.b.5 is excepted"),
    ("4A003.b", "LVS", "4A003.b is excepted")])
def test_an_exception_the_entrys_own_line_leaves_out_is_not_available(
        tmp_path, eccn, code, says) -> None:
    """Hong Kong in 2019 (its own row, Country Group B): the GBS and LVS lines of these
    entries name paragraphs the line's is not one of, or except it. The claim was REVIEW
    "available for this destination"; the licence stands."""
    verdict, found = _claimed(tmp_path, "2019-05-01", "Hong Kong", eccn, code)
    assert verdict == "LICENSE_REQUIRED", found
    assert says in found["LICENSE_EXCEPTION_NOT_AVAILABLE"]


@pytest.mark.parametrize("eccn", ["3A001.a.5", "3A001.b", "3A001", "3B001.e"])
def test_a_paragraph_the_line_may_name_stays_a_review(tmp_path, eccn) -> None:
    """Named (a.5 within "a.2 to a.14"), perhaps named (.b holds .b.2), not said (bare), or
    excepted only under a condition (3B001.e "only if connected to ..."): as before."""
    verdict, found = _claimed(tmp_path, "2019-05-01", "Hong Kong", eccn, "GBS")
    assert verdict == "REVIEW", found
    assert "LICENSE_EXCEPTION_CHECK" in found


@pytest.mark.parametrize(("date", "dest", "eccn", "code"), [
    ("2024-05-01", "Hong Kong", "3A090.a", "RPL"), ("2024-05-01", "Hong Kong", "3A090.a", "TMP"),
    ("2024-05-01", "Hong Kong", "4A090.a", "APP"), ("2023-01-01", "Hong Kong", "3A090.a", "RPL"),
    ("2024-05-01", "Vietnam", "3A090.a", "BAG")])
def test_advanced_computing_items_take_no_exception_but_those_740_2_a_9_ii_names(
        tmp_path, date, dest, eccn, code) -> None:
    verdict, found = _claimed(tmp_path, date, dest, eccn, code)
    assert verdict == "LICENSE_REQUIRED", found
    assert "740.2(a)(9)(ii)" in found["LICENSE_EXCEPTION_NOT_AVAILABLE"]


@pytest.mark.parametrize(("date", "dest", "code"), [
    ("2024-05-01", "Hong Kong", "NAC"), ("2024-05-01", "Israel", "RPL"),
    ("2023-01-01", "Vietnam", "RPL")])
def test_the_bar_leaves_named_exceptions_and_other_destinations_alone(tmp_path, date, dest,
                                                                       code) -> None:
    """NAC is named; Israel is in A:6; before 2023-11-17 the bar was China's alone."""
    _verdict, found = _claimed(tmp_path, date, dest, "3A090.a", code)
    assert "740.2(a)(9)(ii)" not in found.get("LICENSE_EXCEPTION_NOT_AVAILABLE", "")
