"""A near match of two names must share the listed name's distinctive words, not only the
places and general words around them (s33).

Names are scored as wholes (rapidfuzz ratio of the sorted words and of the letters without
spaces), so a well-known Hong Kong company came out near a listed one it shares nothing
with but "Hong Kong" and general words: "HSBC Hong Kong" and the Entity List's "SMIC Hong
Kong" scored 86, "ASM Pacific Technology Ltd" and "Anshi Asia-Pacific Technology Co" 86,
each a review on every line. A near match (below 100) now counts only if the party's name
holds one of the listed name's distinctive words, or a word like it (a typo, a
transliteration). Listed names made only of general words, and exact matches, are as
before.
"""

from __future__ import annotations

import pytest

from screening import parties
from screening.parties import PartyIndex


@pytest.mark.parametrize(("name", "not_listed"), [
    ("HSBC Hong Kong", "SMIC Hong Kong"),
    ("ASM Pacific Technology Ltd", "Anshi Asia-Pacific Technology Co., Ltd")])
def test_names_sharing_only_places_and_general_words_do_not_match(
        bundled_index: PartyIndex, name: str, not_listed: str, monkeypatch: pytest.MonkeyPatch
        ) -> None:
    assert [m.matched_name for m in bundled_index.match(name, "HK")] == []
    # Without the rule they match (the whole names score above the weak threshold).
    monkeypatch.setattr(parties, "DISTINCTIVE_SCORE", 0.0)
    assert [m.matched_name for m in bundled_index.match(name, "HK")] == [not_listed]


@pytest.mark.parametrize(("name", "listed"), [
    # a typo in a listed company's own word, a swap of two letters in a word of three
    ("Megvee Technology Ltd", "Megvii Technology"),
    ("SZ JDI Technology", "SZ DJI Technology Co., Ltd."),
    # one listed word of a family of sanctioned companies ("Shahid ...") with general words
    ("Shahid Industrial Group", None),
    # a listed name of general words only matches as it did
    ("Pacific Ocean Shipping Ltd", "PACIFIC OCEAN SHIPPING LIMITED"),
    # most words the same, a word of the listed name left out
    ("China Aerospace Science and Industry Corporation Academy. Subordinate Institution - "
     "283 Factory", "China Aerospace Science and Industry Corporation Second Academy. "
     "Subordinate Institution - 283 Factory")])
def test_near_matches_holding_a_distinctive_word_still_match(
        bundled_index: PartyIndex, name: str, listed: str | None) -> None:
    found = [m.entry.name for m in bundled_index.match(name, "HK") if not m.partial]
    if listed is None:
        assert any(entry.upper().startswith("SHAHID") for entry in found), found
    else:
        assert listed in found, found
