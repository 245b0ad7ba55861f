"""A party name that comes down to an ordinary word once places and general words are left
out names no listed company (s33).

The distinctive-name rule finds a listed company's subsidiaries by its one distinctive word
("Dahua Hong Kong Ltd" for "Zhejiang Dahua Technology Co., Ltd."). It matched ordinary
words the same way: "Central Bank Systems Ltd" comes down to "bank", as do the SDN List's
"Middle East Bank" and "North East Asia Bank", so the consignee and the end user each drew
five "distinctive name" reviews (s32 newcomer). An English word the names of more than
``BRAND_ENTRIES`` entries hold is an ordinary word; a company's own word is still found,
however many entries hold it ("Huawei", "CETC"), and an English one few entries hold too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.parties import BRAND_ENTRIES, SAME_CORE, PartyIndex
from tests.conftest import screen_text

ORDINARY = {"bank", "shipping", "institute", "aviation", "aircraft", "shipyard"}


@pytest.mark.parametrize("name", [
    "Central Bank Systems Ltd", "Asia Pacific Shipping Ltd", "Global Institute Ltd",
    "Hong Kong Aviation Services Ltd", "Aircraft Hong Kong Ltd", "Shipyard Europe GmbH"])
def test_a_name_of_an_ordinary_word_has_no_distinctive_name_match(bundled_index: PartyIndex,
                                                                   name: str) -> None:
    # Each word is held by many entries' names: the rule's reason, checked on the list.
    word = next(w for w in name.lower().split() if w in ORDINARY)
    assert len({bundled_index.owners[n][0] for n in bundled_index.tokens[word]}) > BRAND_ENTRIES
    assert [m.entry.name for m in bundled_index.match(name, "HK") if m.partial == SAME_CORE] == []


@pytest.mark.parametrize(("name", "listed"), [
    ("Dahua Hong Kong Ltd", "Dahua Technology"),
    ("Huawei Deutschland GmbH", "HUAWEI TECHNOLOGIES CO., LTD."),
    ("CETC Hong Kong Ltd", "China Electronics Technology Group Corporation"),
    # an English word few entries hold is still a company's word
    ("Eagle Hong Kong Ltd", "GLOBAL EAGLE")])
def test_a_company_s_own_word_is_still_found(bundled_index: PartyIndex, name: str, listed: str
                                             ) -> None:
    found = [m.entry.name for m in bundled_index.match(name, "HK") if m.partial == SAME_CORE]
    assert any(entry.startswith(listed) for entry in found), found


@pytest.mark.usefixtures("bundled_lists")
def test_the_newcomer_s_line_is_clear_and_a_subsidiary_s_is_not(tmp_path: Path) -> None:
    _run, lines = screen_text(
        tmp_path, "Line ID,Ship Date,Ship-to Country,ECCN,Consignee,End User\n"
        "B1,2025-03-01,Hong Kong,EAR99,Central Bank Systems Ltd,Central Bank Systems Ltd\n"
        "D1,2025-03-01,Hong Kong,EAR99,Dahua Hong Kong Ltd,Dahua Hong Kong Ltd\n")
    assert lines["B1"].verdict == "CLEAR"
    assert not [f for f in lines["B1"].findings if f.code.startswith("PARTY_MATCH")]
    assert lines["D1"].verdict == "REVIEW"
    assert any(f.code.startswith("PARTY_MATCH") and "Dahua" in f.message
               for f in lines["D1"].findings)
