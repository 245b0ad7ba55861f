"""Hong Kong written as its addresses abbreviate it (s28): "Kln" for Kowloon and "N.T." for
the New Territories, in an address with no other place named, on a line to Germany."""

from __future__ import annotations

import pytest

from screening.china_places import place_in_parts
from tests.conftest import screen_text

HEAD = "Line ID,Ship Date,Ship-to Country,ECCN,End User,End-User Type,Delivery Address"


@pytest.mark.parametrize(("text", "code"), [
    ("12 Wang Chiu Road, Kln Bay", "HK"),
    ("Flat A, Tower 2, 8 Cheung Yee Street, Kln", "HK"),
    ("Unit 3, 8 On Lok Road, N.T.", "HK"),
    # Not Hong Kong: Australia's Northern Territory, Cologne, a company's initials.
    ("Darwin, NT 0800, Australia", None),
    ("Darwin, N.T. 0800", None),
    ("Hohe Strasse 5, Koln", None),
    ("N.T. Industrial GmbH", None),
])
def test_abbreviated_hong_kong_addresses(text, code) -> None:
    assert place_in_parts(text) == code


def test_an_address_in_kln_on_a_line_to_germany_is_a_review(tmp_path) -> None:
    _run, lines = screen_text(tmp_path, f'{HEAD}\nL1,2021-03-08,Germany,3A001.a.2,Victoria '
                              f'Components,commercial,"12 Wang Chiu Road, Kln Bay"\n')
    found = {f.code: f.message for f in lines["L1"].findings}
    assert lines["L1"].verdict == "REVIEW", found
    assert "but the line is screened to DE" in found["PLACE_NAMED_ELSEWHERE"]
