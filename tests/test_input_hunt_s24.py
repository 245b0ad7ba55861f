"""Spreadsheets that show other than what their cells hold (s24 input hunt): each line was
CLEAR. Every line is ECCN 2A290 to Hong Kong (CLEAR on 2020-12-22, a licence from
2020-12-23) or similar, so a value read otherwise than the sheet shows it flips the verdict.
"""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from screening.ingest.xlsx_package import (
    dayless_date_format,
    digits_beside_date,
    masks_text,
    partial_date_format,
)
from tests.conftest import screen_file

HEAD = ["Line ID", "Ship Date", "Ship-to Country", "ECCN", "Consignee"]


def _screen(tmp_path, rows, formats):  # type: ignore[no-untyped-def]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Shipments"
    sheet.append(HEAD)
    for row in rows:
        sheet.append(row)
    for ref, code in formats.items():
        sheet[ref].number_format = code
    path = tmp_path / "in.xlsx"
    book.save(path)
    _run, lines = screen_file(tmp_path, path)
    return {key: (line.verdict, {f.code: f.message for f in line.findings})
            for key, line in lines.items()}


def test_a_time_just_before_midnight_is_shown_as_the_next_day(tmp_path) -> None:
    """2020-12-22 23:59:59.999 formatted yyyy-mm-dd shows as 2020-12-23: REVIEW, saying
    so; 23:59:59 exactly, and midnight itself, are read as before."""
    found = _screen(tmp_path, [
        ["L1", dt.datetime(2020, 12, 22, 23, 59, 59, 999000), "Hong Kong", "2A290", "Acme"],
        ["L2", dt.datetime(2020, 12, 22, 23, 59, 59), "Hong Kong", "2A290", "Acme"],
        ["L3", dt.datetime(2020, 12, 23), "Hong Kong", "2A290", "Acme"]],
        {f"B{r}": "yyyy-mm-dd" for r in (2, 3, 4)})
    verdict, codes = found["L1"]
    assert verdict == "REVIEW"
    assert "shows as 2020-12-23" in codes["DATE_AT_MIDNIGHT"]
    assert "DATE_AT_MIDNIGHT" not in found["L2"][1]
    assert found["L2"][0] == "CLEAR"
    assert found["L3"][0] == "LICENSE_REQUIRED"


def test_text_shown_as_other_text_is_a_review(tmp_path) -> None:
    found = _screen(tmp_path, [
        ["L1", dt.datetime(2022, 3, 1), "Germany", "2A290", "Acme"],  # shows Hong Kong
        ["L2", dt.datetime(2022, 3, 1), "Hong Kong", "EAR99", "Acme"],  # shows 2A290
        ["L3", dt.datetime(2022, 3, 1), "Germany", "EAR99", "Acme"],  # shows nothing
        ["L4", dt.datetime(2022, 3, 1), "Germany", "EAR99", "Acme"]],  # text as held
        {"C2": '0;-0;0;"Hong Kong"', "D3": '0;-0;0;"2A290"', "C4": ";;;", "C5": "@",
         **{f"B{r}": "yyyy-mm-dd" for r in range(2, 6)}})
    for key, ref in (("L1", "C2"), ("L2", "D3"), ("L3", "C4")):
        verdict, codes = found[key]
        assert verdict == "REVIEW", (key, codes)
        assert ref in codes["VALUE_SHOWN_OTHERWISE"]
    assert found["L4"][0] == "CLEAR"


def test_a_date_format_with_a_dayless_section_is_a_review(tmp_path) -> None:
    """'[>=44197]yyyy-mm-dd;yyyy-mm' shows 2020-12-01 as "2020-12"."""
    found = _screen(tmp_path, [["L1", dt.datetime(2020, 12, 1), "Hong Kong", "2A290", "A"]],
                    {"B2": "[>=44197]yyyy-mm-dd;yyyy-mm"})
    assert found["L1"][0] == "REVIEW"
    assert "DATE_WITHOUT_DAY" in found["L1"][1]


@pytest.mark.parametrize(("code", "masks"), [
    ('0;-0;0;"Hong Kong"', True), (";;;", True), ('0;0;0;\\;', True),
    ("@", False), ("General", False), ("[Red]@", False), ("0;-0;0;@", False),
    # (s24 review: accounting formats flagged every text cell under them)
    ('_(* #,##0_);_(* (#,##0);_(* "-"_);_(@_)', False), ("_-@_-", False), ("@*-", False),
    # (s28 hunt: literal words beside "@" add to what the cell shows: '"Hong Kong / "@'
    # shows "Germany" as "Hong Kong / Germany"; spaces and punctuation do not)
    ('"Ref: "@', True), ('"Hong Kong / "@', True), ('"3A001.a.2 "@', True),
    ('"("@")"', False), ('" "@', False),
    ('"a;b"0;0;0;@', False), ("0.00", False), ("yyyy-mm-dd", False)])
def test_formats_that_show_text_otherwise(code, masks) -> None:
    assert masks_text(code) is masks


@pytest.mark.parametrize(("code", "dayless"), [
    ("[>=44197]yyyy-mm-dd;yyyy-mm", True), ("mmm-yy", True), ("yyyy-mm-dd", False),
    ("yyyy-mm-dd;@", False), ("yyyy-mm-dd;-0;General", False), ("[h]:mm", False)])
def test_every_date_section_is_looked_at(code, dayless) -> None:
    assert dayless_date_format(code) is dayless


@pytest.mark.parametrize(("code", "digits"), [
    ('"Shipped 2021-03-01 (PO of) "yyyy-mm-dd', True), ('"FY2021 "yyyy-mm-dd', True),
    ("yyyy\\-mm\\-dd", False), ('dd" de "mmmm" de "yyyy', False), ("yyyy-mm-dd", False),
    ('0.00" 2021"', False)])
def test_a_date_format_with_digits_of_its_own(code, digits) -> None:
    """(s28 hunt: a 2019 date under '"Shipped 2021-03-01 (PO of) "yyyy-mm-dd' to Hong Kong
    was screened on Hong Kong's pre-2020 row, CLEAR.)"""
    assert digits_beside_date(code) is digits
    assert partial_date_format(code) is digits


def test_literal_text_beside_a_value_or_a_date_is_a_review(tmp_path) -> None:
    found = _screen(tmp_path, [["L1", dt.datetime(2021, 3, 1), "Germany", "EAR99", "A"],
                               ["L2", dt.datetime(2021, 3, 1), "Germany", "EAR99", "A"],
                               ["L3", dt.datetime(2019, 3, 1), "Hong Kong", "5A992.c", "A"],
                               ["L4", dt.datetime(2021, 3, 1), "Germany", "EAR99", "A"]],
                    {"C2": '"Hong Kong / "@', "D3": '"3A001.a.2 "@',
                     "B4": '"Shipped 2021-03-01 (PO of) "yyyy-mm-dd'})
    assert found["L1"][0] == "REVIEW" and "VALUE_SHOWN_OTHERWISE" in found["L1"][1]
    assert found["L2"][0] == "REVIEW" and "VALUE_SHOWN_OTHERWISE" in found["L2"][1]
    assert found["L3"][0] == "REVIEW", found["L3"]
    assert "writes digits of its own" in found["L3"][1]["DATE_SHOWN_OTHERWISE"]
    assert found["L4"][0] == "CLEAR", found["L4"]


def test_an_actual_ship_date_beside_the_one_read_is_compared(tmp_path) -> None:
    """"Ship Date" is read and "Actual Ship Date" was left unread: 2020-12-01 planned,
    2021-01-05 actual, to Hong Kong, CLEAR (s24 hunt). Now REVIEW where the two differ;
    the same day, a blank, "TBD", "not yet" or SAP's "00.00.0000" say nothing (s24
    review: they flagged every line of a file screened before shipment). Enough rows for
    the batch reader's fast path: the rows that differ go the careful way."""
    from tests.conftest import screen_text

    rows = [f"L{n},2020-12-01,{'2021-01-05' if n % 500 == 0 else '2020-12-01'},Hong Kong,"
            f"2A290,Acme" for n in range(1, 3001)]
    rows += ["B1,2020-12-01,,Hong Kong,2A290,Acme", "B2,2020-12-01,TBD,Hong Kong,2A290,Acme",
             "B3,2020-12-01,not yet,Hong Kong,2A290,Acme",
             "B4,2020-12-01,00.00.0000,Hong Kong,2A290,Acme",
             "B5,2020-12-01,0,Hong Kong,2A290,Acme"]
    _run, lines = screen_text(tmp_path, "Line,Ship Date,Actual Ship Date,Destination,ECCN,"
                                        "Consignee\n" + "\n".join(rows) + "\n")
    flagged = sorted(key for key, line in lines.items()
                     if "ACTUAL_DATE_DIFFERS" in {f.code for f in line.findings})
    assert flagged == sorted(f"L{n}" for n in range(500, 3001, 500))
    message = {f.code: f.message for f in lines["L500"].findings}["ACTUAL_DATE_DIFFERS"]
    assert "left on 2021-01-05, but the line was screened as of 2020-12-01" in message
    assert lines["L500"].verdict == "REVIEW" and lines["L1"].verdict == "CLEAR"
