"""A listed party named in a shipment by part of its listed name ("Huawei", "Yangtze Memory"),
or beside other words in the same cell ("Huawei Technologies Co Ltd c/o DHL Hong Kong"), is
a partial match: its line is REVIEW, never CLEAR. A common word alone ("Trading") is not."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.model import Severity
from screening.parties import (
    PART,
    PARTIAL_SHOWN,
    WITHIN,
    PartyEntry,
    PartyIndex,
    normalize_party,
    party_findings,
)
from tests.conftest import screen_text


def _entry(number: str, name: str, *alt: str, country: str = "CN") -> PartyEntry:
    return PartyEntry(f"ENTITY_LIST:{number}", "ENTITY_LIST", "Entity List", Severity.LICENSE,
                      "Entity List (EL) - Bureau of Industry and Security", name, alt,
                      (country,), number=number)


def _sdn(number: str, name: str, *alt: str, country: str = "HK") -> PartyEntry:
    return PartyEntry(f"SDN:{number}", "SDN", "SDN List", Severity.PROHIBITED,
                      "Specially Designated Nationals (SDN) - Treasury Department", name, alt,
                      (country,), number=number)


ENTRIES = [
    _entry("1", "Huawei Technologies Co., Ltd."),
    _entry("2", "Yangtze Memory Technologies Co., Ltd.", "YMTC"),
    _entry("3", "Hikvision", "Hangzhou Hikvision Digital Technology Co., Ltd."),
    _entry("4", "Golden Trading Company"),
    # Seven more listed names holding "huawei": more than a line shows one by one.
    *(_entry(str(10 + i), f"Huawei {city} Co., Ltd.") for i, city in enumerate(
        ("Cuba", "Italia", "Russia", "Chile", "Japan", "Kenya", "Oman"))),
    # One-word listed names that are ordinary words (vessels on the SDN list).
    _sdn("5", "CRYSTAL"), _sdn("6", "HARMONY"),
    # One-word names of companies: unique to their entries (s21 hunt).
    _sdn("7", "AFOX Corporation Limited"), _entry("8", "IFLYTEK"),
    # An ordinary word in several entries' names.
    _entry("9", "Joint Stock Company STAR"), _entry("20", "Star Shipping Co"),
    _sdn("21", "STAR"),
    # "trading" names many entries: too common to find a shortened name by.
    *(_entry(str(100 + i), f"Trading House {i} Ltd") for i in range(400)),
]


@pytest.fixture(scope="module")
def index() -> PartyIndex:
    return PartyIndex.build(ENTRIES)


@pytest.mark.parametrize(("party", "how", "listed"), [
    ("Yangtze Memory", PART, "Yangtze Memory Technologies Co., Ltd."),
    ("Huawei Technologies Co Ltd c/o DHL Hong Kong", WITHIN, "Huawei Technologies Co., Ltd."),
    # The entry's one-word name "Hikvision" is among its words (a word of the entry's other
    # name, which no other entry's names hold).
    ("Hangzhou Hikvision", WITHIN, "Hikvision"),
    ("Kowloon Freight / Yangtze Memory Technologies", WITHIN,
     "Yangtze Memory Technologies Co., Ltd."),
    # (s21 hunt: CLEAR) a listed name that is one word once its legal form is folded away,
    # or one word on a list of companies, or a word of its entry's other name.
    ("AFOX Corporation Limited, Hong Kong", WITHIN, "AFOX Corporation Limited"),
    ("Kowloon Telecom Ltd c/o AFOX Corporation Limited", WITHIN, "AFOX Corporation Limited"),
    ("iFlytek Hong Kong Co Ltd", WITHIN, "IFLYTEK"),
    ("Hikvision Hong Kong Limited", WITHIN, "Hikvision"),
])
def test_a_shortened_or_combined_listed_name_is_a_review_finding(
        index: PartyIndex, party: str, how: str, listed: str) -> None:
    findings = party_findings([("End user", party)], "HK", index)
    assert findings, f"{party!r} met no listed name"
    assert all(f.severity is Severity.REVIEW for f in findings)  # never the list's LICENSE
    assert any(listed in f.message and party in f.message for f in findings)
    matches = index.match(party, "HK")
    if not any(m.partial == "" for m in matches):
        assert any(m.partial == how for m in matches)
        assert "partial match" in findings[0].message


def test_the_listed_name_without_its_legal_form_is_the_lists_finding(index) -> None:
    """"Huawei Technologies" is the listed name once "Co., Ltd." is folded away; shipped to
    Hong Kong, which is licensed as China, where the entry is listed: the Entity List's
    licence requirement (it was a review finding while the countries counted as two)."""
    (finding, *_rest) = party_findings([("End user", "Huawei Technologies")], "HK", index)
    assert finding.severity is Severity.LICENSE and "score 100" in finding.message


def test_a_whole_name_match_is_not_reported_again_as_partial(index: PartyIndex) -> None:
    matches = index.match("Huawei Technologies Co Ltd", "CN")
    assert matches[0].partial == "" and matches[0].score >= index.strong
    assert len({m.entry.key for m in matches}) == len(matches)  # one match per entry
    strong = party_findings([("Consignee", "Huawei Technologies Co Ltd")], "CN", index)
    assert strong[0].severity is Severity.LICENSE


@pytest.mark.parametrize("party", [
    "Trading", "Acme Trading Ltd", "Hong Kong", "12345", "Consignee 1234 Ltd",
    "Golden Dragon Shipping",
    # A one-word listed name among ordinary words: a quarter of generated company names
    # held one (bench_parties.py), so those are left to the whole-name match.
    "Eastern Crystal Food Products GmbH", "Turin Harmony Garments Pte. Ltd.",
    # An ordinary word several entries' names hold.
    "Star Garments Ltd", "Golden Star Food Products Ltd",
])
def test_common_words_and_unrelated_names_make_no_partial_match(
        index: PartyIndex, party: str) -> None:
    assert not [m for m in index.match(party, "HK") if m.partial], party


def test_a_word_in_many_listed_names_shows_the_closest_few_and_counts_the_rest(
        index: PartyIndex) -> None:
    findings = party_findings([("Consignee", "Huawei")], "HK", index)
    assert len(findings) == PARTIAL_SHOWN
    assert all(f.code == "PARTY_MATCH_ENTITY_LIST" for f in findings)
    # Eight listed names hold the word; five are shown, the last says three more.
    assert "3 more listed entries share these words" in findings[-1].message
    assert "more listed" not in findings[0].message


def test_a_partial_match_marked_false_positive_lets_the_next_one_show(index: PartyIndex
                                                                      ) -> None:
    first = index.match("Huawei", "HK")[0]
    marked = frozenset({(normalize_party("Huawei"), first.entry.key, first.entry.content_hash)})
    findings = party_findings([("Consignee", "Huawei")], "HK", index, marked)
    assert findings[0].code == "PARTY_MATCH_SUPPRESSED"
    assert findings[0].severity is Severity.INFO
    shown = [f for f in findings if f.code != "PARTY_MATCH_SUPPRESSED"]
    assert len(shown) == PARTIAL_SHOWN
    assert "2 more listed entries share these words" in shown[-1].message


def test_partial_matches_are_cached_the_same_through_prefetch(index: PartyIndex) -> None:
    fresh = PartyIndex.build(ENTRIES)
    names = ["Huawei", "Yangtze Memory", "Acme", "Hangzhou Hikvision"]
    fresh.prefetch(names)
    for name in names:
        assert fresh.partials(name) == index.partials(name)
        assert fresh.may_match(name) == bool(index.match(name))


@pytest.mark.usefixtures("bundled_lists")
def test_a_shortened_listed_name_on_the_bundled_list_is_never_clear(tmp_path: Path) -> None:
    """End to end, against the bundled Consolidated Screening List."""
    parties = ["Huawei", "Yangtze Memory", "Huawei Technologies Co Ltd c/o DHL Hong Kong",
               "Hangzhou Hikvision", "ZTE"]
    run, lines = screen_text(tmp_path, "Line ID,Ship Date,Ship-to Country,ECCN,Consignee\n" +
                             "".join(f'P{i},2021-03-01,Germany,EAR99,"{name}"\n'
                                     for i, name in enumerate(parties)) +
                             'Q1,2021-03-01,Germany,EAR99,"Acme Trading Ltd"\n', "parties.csv")
    assert run.party_check
    clear = [parties[int(k[1:])] for k, ln in lines.items()
             if k.startswith("P") and ln.verdict.value == "CLEAR"]
    assert not clear, f"listed parties named in part screened CLEAR: {clear}"
    assert lines["Q1"].verdict.value == "CLEAR"


def test_partial_matches_in_the_lines_country_come_first() -> None:
    index = PartyIndex.build([
        _entry("1", "Huawei Cuba", country="CU"),
        _entry("2", "Huawei Technologies Co., Ltd.", country="HK"),
    ])
    matches = index.match("Huawei", "HK")
    assert [m.entry.number for m in matches] == ["2", "1"]  # though "Huawei Cuba" is closer
    assert [m.country_agrees for m in matches] == [True, False]
    assert [m.entry.number for m in index.match("Huawei", "DE")] == ["1", "2"]


BRANDS = [
    _entry("41", "Zhejiang Dahua Technology Co., Ltd."),
    _entry("42", "Beijing Megvii Technology Co., Ltd."),
    _entry("43", "Inspur Electronic Information Industry Co., Ltd."),
    _entry("44", "Technology Bright International Limited"),
    _sdn("45", "CRYSTAL"),
    _entry("46", "Yangtze Memory Technologies Co., Ltd."),
    _sdn("47", "Kalashnikov Concern", country="RU"),
    _entry("48", "AO Kaspersky Lab", country="RU"),
    _entry("49", "China Aerospace Science and Industry Corporation Limited",
           "China Aerospace Science and Industry Corporation", "CASIC"),
    _entry("50", "China Aerospace Science and Industry Corporation (CASIC) 3rd Academy"),
    _entry("51", "National University of Defense Technology (NUDT)"),
    _sdn("52", "JSC MOSCOW CENTER OF SPARC TECHNOLOGIES", "JSC MCST", "JSC MTSST",
         country="RU"),
]


@pytest.mark.parametrize(("name", "number"), [
    ("Dahua Hong Kong Ltd", "41"), ("Megvii Hong Kong Limited", "42"),
    ("Inspur International Ltd", "43"), ("Dahua Technology Deutschland GmbH", "41"),
    ("Megvii (HK) Co., Ltd.", "42"), ("Inspur Europe B.V.", "43"),
    # (s22 second review: CLEAR) distinctive words of two, and a Russian group
    ("Yangtze Memory Hong Kong", "46"), ("Yangtze Memory Europe GmbH", "46"),
    ("Kalashnikov USA", "47")])
def test_a_listed_companys_distinctive_word_with_places_is_a_partial_match(name,
                                                                            number) -> None:
    """(s21 second hunt:) "Dahua Hong Kong Ltd", "Megvii Hong Kong Ltd", "Inspur
    International" were CLEAR: the listed names have other words ("Zhejiang", "Beijing",
    "Technology", "Group") and the cells add places. Both come down to one distinctive word
    once places, legal forms and general words are left out."""
    from screening.parties import SAME_CORE, how_matched

    index = PartyIndex.build(BRANDS)
    matches = index.match(name, "HK")
    assert [m.entry.number for m in matches] == [number]
    assert matches[0].partial == SAME_CORE
    assert "come down to the same distinctive word" in how_matched(matches[0])


@pytest.mark.parametrize(("name", "number"), [
    ("Dahua Security Hong Kong Ltd", "41"), ("Kaspersky Security GmbH", "48"),
    ("Megvii Software (HK) Ltd", "42"), ("Inspur Cloud Europe B.V.", "43"),
    ("Yangtze Memory Semiconductor Ltd", "46")])
def test_a_listed_companys_brand_with_words_of_a_trade_is_a_partial_match(name,
                                                                          number) -> None:
    """(s22 note: CLEAR) a listed company's distinctive word beside words of a trade
    ("Security", "Software", "Cloud") and places: the listed name's own trade words
    ("Lab") are left out too."""
    from screening.parties import SAME_CORE

    matches = PartyIndex.build(BRANDS).match(name, "HK")
    assert [m.entry.number for m in matches] == [number]
    assert matches[0].partial == SAME_CORE


@pytest.mark.parametrize(("name", "numbers"), [
    ("CASIC Hong Kong Ltd", {"49", "50"}), ("CASIC Security Ltd", {"49", "50"}),
    ("NUDT Hong Kong", {"51"}), ("MCST Hong Kong Ltd", {"52"})])
def test_a_listed_companys_acronym_with_places_is_a_partial_match(name, numbers) -> None:
    """(s22 note: CLEAR) "CASIC" is an alias of one entry and in the names of its
    academies' entries, so it read as an ordinary word; "NUDT" is in brackets after the
    name it abbreviates; "JSC MCST" abbreviates its entry's name."""
    matches = PartyIndex.build(BRANDS).match(name, "HK")
    assert {m.entry.number for m in matches} == numbers
    assert all(m.partial for m in matches)


@pytest.mark.parametrize(("word", "name", "spelt"), [
    ("casic", "China Aerospace Science and Industry Corporation", True),
    ("mcst", "JSC MOSCOW CENTER OF SPARC TECHNOLOGIES", True),
    ("nudt", "National University of Defense Technology ", True),
    ("casaic", "China Aerospace Science and Industry Corporation", True),
    ("abc", "Alpha Beta Corp", False),  # three letters: too many words begin so
    ("abcd", "Alpha Beta Corp", False),
    ("cast", "China Aerospace Science and Industry Corporation", False)])
def test_initials_spell_out_a_word_of_four_letters_or_more(word, name, spelt) -> None:
    from screening.parties import _spelt_out

    assert _spelt_out(word, name) is spelt


def test_a_brand_word_many_entries_hold_is_an_ordinary_word() -> None:
    """A word more than BRAND_ENTRIES entries' names hold is no brand: a name of it and
    trade words is not a partial match; of fewer entries it is."""
    from screening.parties import BRAND_ENTRIES, SAME_CORE

    def partial(count: int) -> list[str]:
        entries = [_entry(str(100 + i), f"Zorvex Nr{i} Technology Co., Ltd.")
                   for i in range(count)] + [_entry("99", "Zorvex Technology Co., Ltd.")]
        return [m.entry.number for m in PartyIndex.build(entries).match(
            "Zorvex Aviation Ltd", "HK") if m.partial == SAME_CORE]

    assert partial(3) == ["99"]
    assert partial(BRAND_ENTRIES) == []


@pytest.mark.parametrize("name", ["Eagle Security Ltd", "Phoenix Aviation Ltd",
                                  "Orient Shipping Ltd", "Zenith Optics Ltd"])
def test_an_english_word_beside_a_trades_word_is_no_brand(name) -> None:
    """(s23 review:) with ordinary words as brands, partial matches on names of one word
    and a trade's word doubled ("Eagle Security" to "Global Eagle")."""
    from screening.parties import SAME_CORE

    entries = [_entry("61", "Eagle Technology Co., Ltd."), _entry("62", "Phoenix Electronics"),
               _entry("63", "Orient Vision Co., Ltd."), _entry("64", "Chengdu Zenith Co., Ltd.")]
    assert not [m for m in PartyIndex.build(entries).match(name, "HK")
                if m.partial == SAME_CORE]


@pytest.mark.parametrize("name", ["Crystal Europe Ltd", "Dahua Smart Home Ltd",
                                  "Crystal Aviation Ltd", "Acme Security Ltd",
                                  "Hong Kong Trading Ltd", "Deutschland GmbH",
                                  "Dahu Hong Kong Ltd"])
def test_other_words_or_a_vessels_name_are_not_a_distinctive_match(name) -> None:
    """A one-word SDN name (a vessel) is no company's own; a second distinctive word makes
    another company; places and general words alone are nobody."""
    from screening.parties import SAME_CORE

    index = PartyIndex.build(BRANDS)
    assert not [m for m in index.match(name, "HK") if m.partial == SAME_CORE]
