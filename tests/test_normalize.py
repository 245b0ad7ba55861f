"""Normalisers: the spellings found in real shipment files, and properties that must hold for
every input (never raise, idempotent)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.normalize import (
    DateOrder,
    DateProblem,
    EndUserType,
    normalize_country,
    normalize_eccn,
    normalize_end_user_type,
    normalize_license_exception,
    parse_date,
    parse_number,
)


@pytest.mark.parametrize("text", ["HK", "hk", "HKG", "Hong Kong", "Hong Kong SAR",
                                  "HONG KONG, CHINA", "Hongkong", "香港", " hong  kong ",
                                  "Hong Kong S.A.R.", "中國香港", "hong-kong"])
def test_hong_kong_spellings(text: str, rules) -> None:
    assert normalize_country(text, rules.aliases) == "HK"


@pytest.mark.parametrize(("text", "code"), [("China", "CN"), ("PRC", "CN"), ("CHN", "CN"),
                                            ("中国", "CN"), ("Macau", "MO"), ("Macao", "MO"),
                                            ("澳門", "MO"), ("Germany", "DE"), ("DEU", "DE"),
                                            ("Korea, South", "KR"), ("Burma", "MM"),
                                            ("United States", "US"), ("Viet Nam", "VN")])
def test_other_countries(text: str, code: str, rules) -> None:
    assert normalize_country(text, rules.aliases) == code


@pytest.mark.parametrize("text", ["", "Atlantis", "Hong Kung", "12345", None])
def test_unknown_countries(text, rules) -> None:
    assert normalize_country(text, rules.aliases) is None


@pytest.mark.parametrize(("text", "canonical"), [
    ("5a992c", "5A992.c"), ("5A992.C", "5A992.c"), (" 3a001.a.7 ", "3A001.a.7"),
    ("3A001a7", "3A001.a.7"), ("EAR 99", "EAR99"), ("ear99", "EAR99"), ("EAR-99", "EAR99"),
    ("9A610.y.1", "9A610.y.1"), ("ECCN 4A994", "4A994"), ("5A002", "5A002"),
    ("3a001.b.2.a", "3A001.b.2.a"), ("５A992", "5A992"),
])
def test_eccn_forms(text: str, canonical: str) -> None:
    eccn = normalize_eccn(text)
    assert eccn is not None and eccn.text == canonical


@pytest.mark.parametrize("text", ["", "ABC-123", "5F001", "EAR98", "3A01", "NLR", "5A992/c"])
def test_not_eccns(text: str) -> None:
    assert normalize_eccn(text) is None


@pytest.mark.parametrize(("value", "order", "expected"), [
    (dt.date(2021, 1, 5), None, dt.date(2021, 1, 5)),
    (dt.datetime(2021, 1, 5, 13, 0), None, dt.date(2021, 1, 5)),
    (44197.0, None, dt.date(2021, 1, 1)),
    (44197, None, dt.date(2021, 1, 1)),
    ("44197", None, dt.date(2021, 1, 1)),
    ("2021-01-05", None, dt.date(2021, 1, 5)),
    ("2021/01/05", None, dt.date(2021, 1, 5)),
    ("2021-01-05 00:00:00", None, dt.date(2021, 1, 5)),
    ("20210105", None, dt.date(2021, 1, 5)),
    ("13/04/2021", None, dt.date(2021, 4, 13)),
    ("04/13/2021", None, dt.date(2021, 4, 13)),
    ("03/04/2021", DateOrder.DMY, dt.date(2021, 4, 3)),
    ("03/04/2021", DateOrder.MDY, dt.date(2021, 3, 4)),
    ("05/05/2021", None, dt.date(2021, 5, 5)),
    ("5-Jan-2021", None, dt.date(2021, 1, 5)),
    ("Jan 5, 2021", None, dt.date(2021, 1, 5)),
    ("23 December 2020", None, dt.date(2020, 12, 23)),
    ("23.12.20", DateOrder.DMY, dt.date(2020, 12, 23)),
    ("31.12.2020", None, dt.date(2020, 12, 31)),
    ("１５／06／2024", None, dt.date(2024, 6, 15)),  # full-width digits and slashes
])
def test_dates(value, order, expected) -> None:
    assert parse_date(value, order) == (expected, None)


@pytest.mark.parametrize(("value", "problem"), [
    ("03/04/2021", DateProblem.AMBIGUOUS), ("31/02/2021", DateProblem.INVALID),
    ("2021-02-30", DateProblem.INVALID), ("next week", DateProblem.INVALID),
    (True, DateProblem.INVALID), (-5.0, DateProblem.INVALID), ("31/13/2021", DateProblem.INVALID),
])
def test_bad_dates(value, problem) -> None:
    assert parse_date(value) == (None, problem)


@pytest.mark.parametrize("value", ["23.12.20", "21-03-02", "31/12/25"])
def test_a_two_digit_year_is_never_guessed_against_a_year_first_reading(value) -> None:
    """"23.12.20" is 23 December 2020 day-first and 20 December 2023 year-first (yy.mm.dd,
    as written in Japan and Sweden): not guessed without a date order; YMD reads it so."""
    assert parse_date(value) == (None, DateProblem.AMBIGUOUS)
    assert parse_date(value, DateOrder.DMY)[0] is not None
    assert parse_date("21-03-02", DateOrder.YMD) == (dt.date(2021, 3, 2), None)
    assert parse_date("21-03-02", "YMD") == (dt.date(2021, 3, 2), None)  # as its text


def test_a_year_first_reading_after_the_last_export_date_is_not_a_rival() -> None:
    """31/12/28 can only be 2028-12-31 day-first when 2031-12-28 is past the last plausible
    export date."""
    assert parse_date("31/12/28", latest=dt.date(2028, 12, 31)) == (dt.date(2028, 12, 31), None)
    assert parse_date("31/12/28")[1] is DateProblem.AMBIGUOUS


@pytest.mark.parametrize("value", [
    "2023-11-1\u09ea", "\u0968\u0966\u0968\u0969-\u0967\u0967-\u0967\u096a",
    "\u0662\u0660\u0662\u0663-11-18"])
def test_digits_of_other_scripts_are_not_read_by_their_value(value) -> None:
    """BENGALI DIGIT FOUR looks like an 8 and would be read as 4."""
    assert parse_date(value) == (None, DateProblem.INVALID)


def test_day_month_order_is_never_guessed() -> None:
    # 03/04/2021 is 3 April or March 4: without an order it must be reported, not guessed.
    assert parse_date("03/04/2021")[1] is DateProblem.AMBIGUOUS
    assert parse_date("03/04/2021", DateOrder.DMY)[0] != parse_date("03/04/2021",
                                                                    DateOrder.MDY)[0]


@pytest.mark.parametrize(("value", "expected"), [
    ("$1,234.50", 1234.5), ("1.234,56", 1234.56), ("12,5", 12.5), ("(100)", -100.0),
    ("USD 2500", 2500.0), (2500.0, 2500.0), ("", None), ("HK$ 800", 800.0),
])
def test_numbers(value, expected) -> None:
    assert parse_number(value) == (expected, True)


@pytest.mark.parametrize("value", ["abc", "n/a", "1.2.3,4,5", float("nan")])
def test_bad_numbers(value) -> None:
    assert parse_number(value)[1] is False


@pytest.mark.parametrize(("text", "code"), [
    ("N.L.R.", "NLR"), ("nlr", "NLR"), ("No License Required", "NLR"), ("GBS", "GBS"),
    ("gbs", "GBS"), ("License Exception GBS", "GBS"), ("LE: LVS", "LVS"), (" enc ", "ENC"),
    ("", None),
])
def test_license_exceptions(text, code) -> None:
    assert normalize_license_exception(text) == code


@pytest.mark.parametrize(("text", "code"), [
    ("ＧＢＳ", "GBS"),  # full-width letters are the letters
    ("ГБС", "ГБС"), ("GВS", "GВS"),  # Cyrillic: no code, but never no claim
    ("G\u200bBS", "G\u200bBS"),  # an invisible character is kept, not read away
    ("LVS, GBS", "LVS, GBS"),
    ("CıV", "CıV"),  # a dotless i: "CıV".upper() is "CIV" (review, s17)
])
def test_an_exception_cell_is_never_read_away(text, code) -> None:
    """(Review, s17:) everything outside A-Z was dropped: "ГБС" and "ＧＢＳ" became no claim
    at all (no finding), "G\u200bBS" silently GBS. A code that is not plain letters and
    digits now goes to the engine as written, which reports it as unknown (REVIEW)."""
    assert normalize_license_exception(text) == code


@pytest.mark.parametrize(("text", "kind"), [
    ("military", EndUserType.MILITARY), ("Military End User", EndUserType.MILITARY),
    ("PLA", EndUserType.MILITARY), ("commercial", EndUserType.CIVIL),
    ("Government", EndUserType.GOVERNMENT), ("hospital", EndUserType.OTHER),
])
def test_end_user_types(text, kind) -> None:
    assert normalize_end_user_type(text) is kind


@pytest.mark.parametrize(("text", "kind"), [
    ("Nuclear weapons research", EndUserType.MILITARY_744_END_USE),
    ("Chemical weapons plant", EndUserType.MILITARY_744_END_USE),
    ("PLA Rocket Force", EndUserType.MILITARY_744_END_USE),
    ("Nuclear power plant", EndUserType.PART_744_END_USE),
    ("Missile development", EndUserType.PART_744_END_USE),
    ("Space launch vehicle manufacturer", EndUserType.PART_744_END_USE),
    ("Supercomputer centre", EndUserType.PART_744_END_USE),
    ("Advanced-node semiconductor fab", EndUserType.PART_744_END_USE),
    ("Centrifuge research", EndUserType.PART_744_END_USE),
    ("核电站", EndUserType.PART_744_END_USE), ("导弹研究所", EndUserType.PART_744_END_USE),
    ("Weapons manufacturer", EndUserType.MILITARY), ("Munitions factory", EndUserType.MILITARY),
    ("Arms dealer", EndUserType.MILITARY), ("Warship shipyard", EndUserType.MILITARY),
    # (s21 second hunt)
    ("CW", EndUserType.PART_744_END_USE), ("ICBM", EndUserType.PART_744_END_USE),
    ("HPC centre", EndUserType.PART_744_END_USE), ("EUV fab", EndUserType.PART_744_END_USE),
    ("Research reactor", EndUserType.PART_744_END_USE),
    ("Kernwaffen", EndUserType.PART_744_END_USE), ("铀浓缩", EndUserType.PART_744_END_USE),
    # not an end use of concern
    ("Nuclear medicine clinic", EndUserType.OTHER), ("Robot arms maker", EndUserType.OTHER),
    ("Semiconductor fab", EndUserType.OTHER), ("hospital", EndUserType.OTHER),
])
def test_end_uses_part_744_controls_are_read(text, kind) -> None:
    """(s21 hunt:) "Nuclear weapons research", "Missile development", "Munitions factory"
    were read as another kind of party (OTHER): EAR99 to China or Singapore was CLEAR."""
    assert normalize_end_user_type(text) is kind


cell_values = st.one_of(st.none(), st.text(), st.integers(-10**9, 10**12),
                        st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
                        st.dates(), st.datetimes())


@settings(max_examples=300, deadline=None)
@given(cell_values)
def test_normalisers_never_raise(value) -> None:
    normalize_eccn(value)
    parse_date(value)
    parse_date(value, DateOrder.DMY)
    parse_number(value)
    normalize_license_exception(value)
    normalize_end_user_type(value)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_country_normaliser_never_raises(text: str) -> None:
    from screening.normalize import build_alias_index
    normalize_country(text, build_alias_index({"Hong Kong": "HK", "香港": "HK"}))


eccn_like = st.builds(
    lambda d, g, n, tail: f"{d}{g}{n:03d}{tail}",
    st.integers(0, 9), st.sampled_from("ABCDEabcde"), st.integers(0, 999),
    st.text(alphabet="abcz0123456789. -", max_size=8))


@settings(max_examples=300, deadline=None)
@given(st.one_of(eccn_like, st.text()))
def test_eccn_normaliser_is_idempotent(text: str) -> None:
    first = normalize_eccn(text)
    if first is not None:
        assert normalize_eccn(first.text) == first


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), st.sampled_from(["N.L.R.", "nlr", "GBS", "License Exception LVS"])))
def test_exception_normaliser_is_idempotent(text: str) -> None:
    first = normalize_license_exception(text)
    if first is not None:
        assert normalize_license_exception(first) == first


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(1900, 3, 1)))
def test_date_round_trip_is_idempotent(date: dt.date) -> None:
    assert parse_date(date.isoformat()) == (date, None)
    assert parse_date(parse_date(date.isoformat())[0]) == (date, None)


@pytest.mark.parametrize("value, expected", [
    (44000, True), (44000.5, True), ("44000", True), (" 44000.5 ", True),
    ("20200618", False),  # yyyymmdd: a written date, not a day count
    ("2020-06-18", False), ("18/06/2020", False), (True, False), (None, False),
    (dt.date(2020, 6, 18), False), ("", False), ("abc", False),
])
def test_reads_as_day_count_matches_how_parse_date_reads(value, expected) -> None:
    from screening.normalize import reads_as_day_count
    assert reads_as_day_count(value) is expected
    if expected:  # parse_date reads it as Excel's day count indeed
        assert parse_date(value)[0] == dt.date(2020, 6, 18)


@pytest.mark.parametrize(("text", "number"), [
    ("1.234,50 €", 1234.5), ("5,00 €", 5.0), ("12 500,00 €", 12500.0), ("5,00€", 5.0),
    ("12\u00a0500,00 €", 12500.0), ("12\u202f500,00 EUR", 12500.0), ("CHF 1'234.50", 1234.5),
    ("€ 1.234,50", 1234.5), ("(1.234,50 €)", -1234.5),
])
def test_amounts_as_europe_writes_them(text, number) -> None:
    """(Review, s17:) a currency after the amount and thousands spaced made every line of an
    ordinary European file ERROR ("5,00 €" is not a number)."""
    assert parse_number(text) == (number, True)
