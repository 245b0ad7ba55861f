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
    path.write_text("Line ID,Ship Date,Ship-to Country,ECCN,End-User Type\n"
                    f"C1,2021-05-01,China,3A991.a.1,{text}\n"
                    f"H1,2021-05-01,Hong Kong,5A992.c,{text}\n"
                    f"G1,2021-05-01,Germany,5A992.c,{text}\n", encoding="utf-8")
    _run, lines = screen_file(tmp_path, path)
    for key in ("C1", "H1"):
        assert lines[key].verdict == "LICENSE_REQUIRED", (key, lines[key].findings)
        assert any(f.code == "MEU_LICENSE_REQUIRED" for f in lines[key].findings)
    assert lines["G1"].verdict == "CLEAR"


def test_a_police_force_alone_is_not_taken_for_the_national_police() -> None:
    """A city's or a region's police is no "national police": left to review as before."""
    assert normalize_end_user_type("Hong Kong Police Force") is EndUserType.OTHER
    assert normalize_end_user_type("business intelligence") is EndUserType.OTHER
