"""Hong Kong, Macau or China named on a line screened elsewhere (s27 hunt: each of these,
on a 3A001.a.2 line to Germany, was CLEAR; to Hong Kong it needs a licence)."""

from __future__ import annotations

import pytest

from screening.china_places import place_in_parts, place_sent_to
from tests.conftest import screen_text

BASE = "L1,2021-03-08,Germany,3A001.a.2,Victoria Components,commercial"
HEAD = "Line ID,Ship Date,Ship-to Country,ECCN,End User,End-User Type"


def _screen(tmp_path, header: str, cell: str, line: str = BASE):  # type: ignore[no-untyped-def]
    quoted = '"' + cell.replace('"', '""') + '"'
    _run, lines = screen_text(tmp_path, f"{HEAD},{header}\n{line},{quoted}\n")
    found = lines["L1"]
    return found.verdict, {f.code: f.message for f in found.findings}


@pytest.mark.parametrize(("header", "cell"), [
    ("Delivery Address", "Unit 5, 12 Nathan Road, Kowloon, Hong Kong"),
    ("Delivery Address", "88 Shennan Road, Shenzhen, China"),
    ("Ship To Address", "香港九龍彌敦道12號"),
    ("Consignee's Country", "Hong Kong"),
    ("Country of Import", "HK"),
    ("Usage Country", "Hongkong"),
    ("收货国", "香港"),
    ("Remarks", "Re-export to Hong Kong"),
    ("Notes", "Ultimate destination HK"),
    ("Special Instructions", "Deliver to our Kowloon warehouse"),
    ("Comments", "Onward shipment to Shenzhen, China"),
    ("Remarks", "Final consignee in Macao"),
])
def test_a_cell_naming_hong_kong_macau_or_china_is_a_review(tmp_path, header, cell) -> None:
    verdict, found = _screen(tmp_path, header, cell)
    assert verdict == "REVIEW", found
    if "DESTINATION_NAMED_ELSEWHERE" in found:  # (s28: "Country of Import" says where to)
        assert "Hong Kong" in found["DESTINATION_NAMED_ELSEWHERE"]
        return
    assert "but the line is screened to DE" in found["PLACE_NAMED_ELSEWHERE"]


def test_a_party_named_in_hong_kong_is_a_review(tmp_path) -> None:
    line = "L1,2021-03-08,Germany,3A001.a.2,Victoria Components (Hong Kong) Limited,commercial"
    verdict, found = _screen(tmp_path, "Value (USD)", "1000", line)
    assert verdict == "REVIEW", found
    assert "a party's name ('End User' column)" in found["PLACE_NAMED_ELSEWHERE"]


@pytest.mark.parametrize(("dest", "header", "cell"), [
    ("Hong Kong", "Delivery Address", "Unit 5, 12 Nathan Road, Kowloon, Hong Kong"),
    ("China", "Delivery Address", "Unit 5, 12 Nathan Road, Kowloon, Hong Kong"),  # as China
    ("Germany", "Country of Origin", "China"),  # where the goods come from
    ("Germany", "Manufacturer", "Shenzhen Victoria Components Co. Ltd."),
    ("Germany", "Remarks", "Republic of China (Taiwan) supplier"),
    ("Germany", "Remarks", "hkd invoice"),
    ("Germany", "Remarks", "Made in China"),
    ("Germany", "Incoterms", "FCA Hong Kong"),
    ("Germany", "Issuing Office", "Hong Kong"),
    ("Germany", "Carrier", "China Airlines Cargo"),
])
def test_the_places_a_line_goes_to_and_where_goods_come_from_are_not(tmp_path, dest, header,
                                                                     cell) -> None:
    line = BASE.replace("Germany", dest)
    _verdict, found = _screen(tmp_path, header, cell, line)
    assert "PLACE_NAMED_ELSEWHERE" not in found


def test_hong_kong_before_it_was_licensed_as_china_is_another_place(tmp_path) -> None:
    line = BASE.replace("2021-03-08,Germany", "2020-12-01,China")
    _verdict, found = _screen(tmp_path, "Delivery Address", "Kowloon, Hong Kong", line)
    assert "names Hong Kong" in found["PLACE_NAMED_ELSEWHERE"]


def test_a_big_file_names_them_the_same_way(tmp_path) -> None:
    """The fast path hands such a row to the slow one, which says so; the other rows stay."""
    rows = [f"L{i},2021-03-08,Germany,3A001.a.2,Victoria Components,commercial,"
            + ("Kowloon, Hong Kong" if i % 500 == 7 else "Berlin") for i in range(3000)]
    _run, lines = screen_text(tmp_path, f"{HEAD},Delivery Address\n" + "\n".join(
        r.replace("commercial,Kowloon, Hong Kong", 'commercial,"Kowloon, Hong Kong"')
        for r in rows) + "\n")
    flagged = {k for k, v in lines.items()
               if "PLACE_NAMED_ELSEWHERE" in {f.code for f in v.findings}}
    assert flagged == {f"L{i}" for i in range(3000) if i % 500 == 7}


@pytest.mark.parametrize(("text", "code"), [
    ("Kowloon, Hong Kong, China", "HK"), ("People's Republic of China", "CN"),
    ("P.R.C.", "CN"), ("Taipa, Macau", "MO"), ("Indochina Trading", None),
    ("Republic of China", None), ("Jiangmen, Guangdong 529000", "CN"),
    ("193 Prince Edward Road West, Mong Kok", "HK"), ("Hong-Kong", "HK"), ("Hòng Kong", "HK"),
    ("Ｈｏｎｇ Ｋｏｎｇ", "HK"), ("Hong\u200bKong", "HK"), ("Central, Hk", "HK"),
    ("China Steel Corporation", None), ("1 China Street, #05-01 Far East Square", None),
    ("3 Hong Kong Street, Singapore", None), ("广东省深圳市南山区 518057", "CN")])
def test_place_in_parts(text, code) -> None:
    assert place_in_parts(text) == code


@pytest.mark.parametrize(("text", "code"), [
    ("Re-export to Hong Kong", "HK"), ("Transit via Hong Kong", "HK"), ("AIR via HKG", "HK"),
    ("Consolidate at Hong Kong hub before onward shipment", "HK"), ("Kowloon", "HK"),
    ("Made in China", None), ("Goods of PRC origin", None), ("FOB Shanghai", None),
    ("Packed in Dongguan", None), ("MADE IN CHINA / C/NO. 1-20", None),
    ("OOCL HONG KONG", None), ("AIR HKG-FRA", None)])
def test_place_sent_to(text, code) -> None:
    assert place_sent_to(text) == code
