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
