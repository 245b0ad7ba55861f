"""Cell meanings of the s27 hunt that left a line CLEAR (or read it wrong)."""

from __future__ import annotations

import pytest

from screening.normalize import DateProblem, parse_date
from tests.conftest import screen_text

HEAD = "Line ID,Ship Date,Ship-to Country,ECCN,End User,End-User Type"


def _line(tmp_path, row: str, head: str = HEAD):  # type: ignore[no-untyped-def]
    _run, lines = screen_text(tmp_path, f"{head}\n{row}\n")
    line = lines["L1"]
    return line.verdict, {f.code: f.message for f in line.findings}


@pytest.mark.parametrize("when", ["2020-12-22 24:00", "2020-12-22 47:00", "2020-12-22 23:60",
                                  "22/12/2020 24:00", "2020-12-22 23:59:61"])
def test_a_time_that_is_no_time_of_day_is_an_error(tmp_path, when) -> None:
    """24:00 on 2020-12-22 is the first moment of 2020-12-23, when Hong Kong became China:
    it was read as 2020-12-22 (the old rules), CLEAR."""
    verdict, found = _line(tmp_path, f"L1,{when},Hong Kong,2A290,Harbour Power,commercial")
    assert verdict == "ERROR"
    assert "is no time of day" in found["INVALID_VALUE"]


def test_real_times_of_day_are_read(tmp_path) -> None:
    assert parse_date("2020-12-22 23:59:59.9") == (parse_date("2020-12-22")[0], None)
    assert parse_date("2020-12-23 00:00")[0].isoformat() == "2020-12-23"  # type: ignore[union-attr]
    assert parse_date("2020-12-22 24:00") == (None, DateProblem.INVALID)
    assert parse_date("2021-04-08T10:30")[0].isoformat() == "2021-04-08"  # type: ignore[union-attr]


@pytest.mark.parametrize(("cell", "alike"), [("id", '"ID" or "Indonesia"'),
                                             ("Id", '"ID" or "Indonesia"'),
                                             ("s.a.", '"SA" or "Saudi Arabia"'),
                                             ("S.A.", '"ZA" or "South Africa"')])
def test_idem_and_same_as_are_ditto_marks_not_countries(tmp_path, cell, alike) -> None:
    verdict, found = _line(tmp_path, f"L1,2021-04-08,{cell},2A290,Harbour Power,commercial")
    assert verdict == "ERROR"
    assert alike in found["DITTO_MARK"]


def test_the_codes_in_capitals_are_still_countries(tmp_path) -> None:
    verdict, found = _line(tmp_path, "L1,2021-04-08,ID,2A290,Harbour Power,commercial")
    assert "DITTO_MARK" not in found and verdict != "ERROR"


def test_a_description_sending_goods_to_hong_kong_is_a_review(tmp_path) -> None:
    verdict, found = _line(tmp_path, 'L1,2021-03-08,Germany,3A001.a.2,Victoria Components,'
                                     'commercial,"Rad-hard ICs for re-export to Hong Kong"',
                           f"{HEAD},Description")
    assert verdict == "REVIEW", found
    assert "names Hong Kong" in found["PLACE_NAMED_ELSEWHERE"]


@pytest.mark.usefixtures("bundled_lists")
@pytest.mark.parametrize("header", ["Real End User", "True End User", "Actual User",
                                    "End Client", "Ultimate Receiver", "Endnutzer", "实际用户",
                                    "最终客户"])
def test_further_end_user_columns_are_screened(tmp_path, header) -> None:
    verdict, found = _line(tmp_path, 'L1,2021-03-08,Hong Kong,EAR99,Victoria Components,'
                                     'commercial,"Huawei Technologies Co., Ltd."',
                           f"{HEAD},{header}")
    assert verdict != "CLEAR", found
    assert any(header in message for message in found.values())


@pytest.mark.parametrize(("eccn", "description", "named"), [
    ("EAR99", "ECCN 3A001.a.2 radiation-hardened ICs", "3A001.a"),
    ("5A992.c", "Encryption module, ECCN 5A002.a, not mass market", "5A002.a"),
    ("EAR99", "rad-hard ICs (ECCN: 3A-001)", "3A001"),
    ("9A610.y.1", "ECCN 9A610.a military aircraft part", "9A610.a")])
def test_a_description_naming_another_eccn_is_a_review(tmp_path, eccn, description,
                                                       named) -> None:
    verdict, found = _line(tmp_path, f'L1,2021-03-08,Hong Kong,{eccn},Victoria Components,'
                                     f'commercial,"{description}"', f"{HEAD},Description")
    assert verdict != "CLEAR"
    assert f"names ECCN {named}, but the line is classified {eccn}" in \
        found["DESCRIPTION_NAMES_ECCN"]


def test_a_description_naming_the_lines_own_eccn_or_none_is_not(tmp_path) -> None:
    rows = [f'L{i},2021-03-08,Germany,5A992.c,Victoria Components,commercial,'
            + ('"5A992.c mass-market router"' if i % 2 else "Router model 3A0011")
            for i in range(1, 2500)]
    rows[699] = rows[699].replace("Router model 3A0011", "Router per ECCN 4A994")
    rows[99] = rows[99].replace("Router model 3A0011", "Router; ECCN 5A992 (not 5A992.a)")
    _run, lines = screen_text(tmp_path, f"{HEAD},Description\n" + "\n".join(rows) + "\n")
    flagged = {k for k, v in lines.items()
               if "DESCRIPTION_NAMES_ECCN" in {f.code for f in v.findings}}
    assert flagged == {"L700", "L100"}  # the fast path hands them to the slow one
