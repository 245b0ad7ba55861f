"""End users 15 CFR 744.21(g) names as military (s25 rules hunt): "the national armed
services ..., as well as the national guard and national police, government intelligence or
reconnaissance organizations". Written so, a Supplement No. 2 item to China or Hong Kong was
REVIEW (an "other" or unread end-user type) where a licence is required."""

from __future__ import annotations

import pytest

from screening.normalize import EndUserType, normalize_end_user_type
from tests.conftest import screen_file


@pytest.mark.parametrize("text", ["national police", "National Guard",
                                  "government intelligence", "Reconnaissance organization",
                                  "Ministry of Public Security", "National Police Agency"])
def test_744_21_g_end_users_are_military(tmp_path, text) -> None:  # type: ignore[no-untyped-def]
    assert normalize_end_user_type(text) is EndUserType.MILITARY
    path = tmp_path / "lines.csv"
    path.write_text("Line ID,Ship Date,Ship-to Country,ECCN,End-User Type,Consignee\n"
                    f"C1,2021-05-01,China,3A991.a.1,{text},Lim Trading\n"
                    f"H1,2021-05-01,Hong Kong,5A992.c,{text},Lim Trading\n"
                    f"G1,2021-05-01,Germany,5A992.c,{text},Lim Trading\n", encoding="utf-8")
    _run, lines = screen_file(tmp_path, path)
    for key in ("C1", "H1"):
        assert lines[key].verdict == "LICENSE_REQUIRED", (key, lines[key].findings)
        assert any(f.code == "MEU_LICENSE_REQUIRED" for f in lines[key].findings)
    assert lines["G1"].verdict == "CLEAR"


def test_a_police_force_alone_is_not_taken_for_the_national_police() -> None:
    """A city's or a region's police is no "national police": left to review as before."""
    assert normalize_end_user_type("Hong Kong Police Force") is EndUserType.OTHER
    assert normalize_end_user_type("business intelligence") is EndUserType.OTHER


def test_exceptions_for_other_kinds_of_item_are_not_available(tmp_path) -> None:
    """TSU (740.13) is for software and technology, ENC (740.17) for Category 5 part 2
    encryption items, APP (740.7) for computers: claimed for a chip they turned a licence
    requirement into REVIEW "confirm the item's eligibility"."""
    path = tmp_path / "lines.csv"
    path.write_text("Line ID,Ship Date,Ship-to Country,ECCN,License Exception,End-User Type\n"
                    "T1,2023-06-01,China,3A090.a,TSU,commercial\n"
                    "T2,2021-06-01,Hong Kong,3A001.a.7,TSU,commercial\n"
                    "E1,2021-06-01,China,3A001.a.7,ENC,commercial\n"
                    "A1,2019-06-01,Hong Kong,3A001.a.7,APP,commercial\n"
                    "OK1,2021-06-01,China,5A002.a,ENC,commercial\n"
                    "OK2,2021-06-01,China,4A003.b,APP,commercial\n"
                    "OK3,2021-06-01,China,3E001,TSU,commercial\n", encoding="utf-8")
    _run, lines = screen_file(tmp_path, path)
    for key, section in (("T1", "740.13"), ("T2", "740.13"), ("E1", "740.17"),
                         ("A1", "740.7")):
        line = lines[key]
        assert line.verdict == "LICENSE_REQUIRED", (key, line.findings)
        (finding,) = [f for f in line.findings if f.code == "LICENSE_EXCEPTION_NOT_AVAILABLE"]
        assert f"15 CFR {section}" in finding.citations and "authorises only" in finding.message
    for key in ("OK1", "OK2", "OK3"):  # within the exception's items: left to the officer
        assert lines[key].verdict == "REVIEW", (key, lines[key].findings)
        assert any(f.code == "LICENSE_EXCEPTION_CHECK" for f in lines[key].findings)


def test_sta_barred_under_c2_is_not_available_to_hong_kong_before_2020(tmp_path) -> None:
    """Hong Kong took STA only under 740.20(c)(2) (A:6); 9A610, 0A606 and 9A515 read
    "Paragraph (c)(2) of License Exception STA ... may not be used for any item in ...":
    claimed on 2019 lines, they were REVIEW "available"."""
    path = tmp_path / "lines.csv"
    path.write_text("Line ID,Ship Date,Ship-to Country,ECCN,License Exception\n"
                    "S1,2019-05-01,Hong Kong,9A610.h,STA\n"
                    "S2,2019-05-01,Hong Kong,0A606.a,STA\n"
                    "S3,2019-05-01,Hong Kong,9A515.a.1,STA\n"
                    "OK,2019-05-01,Hong Kong,3A001.a.2,STA\n", encoding="utf-8")
    _run, lines = screen_file(tmp_path, path)
    for key in ("S1", "S2", "S3"):
        assert lines[key].verdict == "LICENSE_REQUIRED", (key, lines[key].findings)
        (finding,) = [f for f in lines[key].findings
                      if f.code == "LICENSE_EXCEPTION_NOT_AVAILABLE"]
        assert "740.20(c)(2)" in finding.message and "may not be used" in finding.message
    assert lines["OK"].verdict == "REVIEW"


def test_a_later_paragraph_of_an_entry_controlled_whole_is_not_newly_licensable(
        tmp_path) -> None:
    """3A001.z (2023) holds items 3A001 held before; NS2 applies to the whole entry and Hong
    Kong's own row had NS2: a licence then too. 3A090 (a new entry, 2022) stays newly
    licensable, as does 2A290 (AT only before)."""
    path = tmp_path / "lines.csv"
    path.write_text("Line ID,Ship Date,Ship-to Country,ECCN\n"
                    "Z1,2023-11-17,Hong Kong,3A001.z.1.b\n"
                    "N1,2023-03-01,Hong Kong,3A090.a\n"
                    "N2,2021-03-01,Hong Kong,2A290\n", encoding="utf-8")
    _run, lines = screen_file(tmp_path, path)
    assert lines["Z1"].verdict == "LICENSE_REQUIRED" and not lines["Z1"].newly_licensable
    for key in ("N1", "N2"):
        assert lines[key].verdict == "LICENSE_REQUIRED" and lines[key].newly_licensable, key
