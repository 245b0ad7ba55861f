"""s29 rules hunt: license exceptions read closer to the entries' own lines (ACE, TSR, LVS
value limits and paragraph lists, STA's Country Group bars), and the Military End-User
List's requirement read for the line's item."""

from __future__ import annotations

import pytest

from screening.engine import exception_key, lvs_limit, sta_group_bar
from screening.model import Eccn
from screening.rules.ccl_prose import exception_paragraphs
from tests.conftest import screen_text

HEAD = ("Line ID,Destination,Export Date,ECCN,License Exception,Value (USD),Consignee,"
        "End-User Type\n")


def _lines(tmp_path, rows: str):  # type: ignore[no-untyped-def]
    _run, lines = screen_text(tmp_path, HEAD + rows)
    return {key: (line.verdict, {f.code: f.message for f in line.findings})
            for key, line in lines.items()}


@pytest.mark.parametrize(("row", "says"), [
    # ACE (740.22) only for the entries whose lines name it: not the 3A090 chip.
    ("H1,Hong Kong,2024-06-01,3A090.a,ACE,500", "ECCN 3A090's names none"),
    # TSR is for software and technology only.
    ("I6,Hong Kong,2019-06-01,3A001.a.2,TSR,100", "authorises only software and technology"),
    # STA may not be used for 5A001.j / 6A003.b.4 to A:6 (Hong Kong was in A:6 in 2019).
    ("I5,Hong Kong,2019-06-01,5A001.j,STA,500", "(in Country Group A:6 on the export date)"),
    ("F21,Hong Kong,2019-06-01,6A003.b.4,STA,500", "(in Country Group A:6 on the export date)"),
    # LVS: over the entry's amount, or a paragraph the line leaves out.
    ("E25,Hong Kong,2019-06-01,4A003.g,LVS,50000", "exceeds the $5,000"),
    ("F9,Hong Kong,2019-06-01,6A003.a.3,LVS,100", "6A003.a.3 is excepted"),
    ("I1,Hong Kong,2019-06-01,3A002.c,LVS,100", "3A002.c is not among the paragraphs named"),
])
def test_an_exception_the_entry_does_not_allow_leaves_the_licence_required(
        tmp_path, row, says) -> None:
    line_id = row.split(",")[0]
    verdict, found = _lines(tmp_path, f"{row},Victoria Ltd,commercial\n")[line_id]
    assert verdict == "LICENSE_REQUIRED", found
    assert says in found["LICENSE_EXCEPTION_NOT_AVAILABLE"], found


def test_lvs_within_its_amount_and_ace_where_named_are_still_checked(tmp_path) -> None:
    # Many lines of one key, two values: the value is part of what decides the result.
    rows = "".join(f"V{i},Hong Kong,2019-06-01,4A003.g,LVS,{500 if i % 2 else 9000},"
                   f"Victoria Ltd,commercial\n" for i in range(40))
    rows += "K1,Hong Kong,2019-06-01,5A001.j,ACE,100,Victoria Ltd,commercial\n"
    lines = _lines(tmp_path, rows)
    for i in range(40):
        verdict, found = lines[f"V{i}"]
        if i % 2:
            assert verdict == "REVIEW" and "LICENSE_EXCEPTION_CHECK" in found, found
        else:
            assert verdict == "LICENSE_REQUIRED", found
            assert "exceeds the $5,000" in found["LICENSE_EXCEPTION_NOT_AVAILABLE"]
    assert "LICENSE_EXCEPTION_CHECK" in lines["K1"][1]


def test_lvs_lines_over_the_amount_each_state_their_own_value(tmp_path) -> None:
    # Lines over the limit share nothing but the rule; each finding states the line's value.
    rows = "".join(f"W{i},Hong Kong,2019-06-01,4A003.g,LVS,{9000 + i},Victoria Ltd,"
                   f"commercial\n" for i in range(5))
    lines = _lines(tmp_path, rows)
    for i in range(5):
        assert f"its value, {9000 + i:,.2f} (taken as US dollars)" in \
            lines[f"W{i}"][1]["LICENSE_EXCEPTION_NOT_AVAILABLE"]


def test_the_exception_key_holds_a_value_only_over_the_limit(rules) -> None:
    # (The memo key: a value within the limit, or an entry without one, gives one result.)
    g = Eccn("4A003", "g")
    assert exception_key("LVS", 500.0, g, rules) == exception_key("LVS", 4999.0, g, rules) \
        == exception_key("LVS", None, g, rules) == ("LVS", None)
    assert exception_key("LVS", 9000.0, g, rules) == ("LVS", 9000.0)
    assert exception_key("LVS", 9000.0, Eccn("EAR99", ""), rules) == ("LVS", None)
    assert exception_key("GBS", 9000.0, g, rules) == "GBS"


@pytest.mark.parametrize(("base", "flag", "said"), [
    ("3A002", "$3000: 3A002.a, .e, .f, and .g", ("only", ("a", "e", "f", "g"))),
    ("1A008", "$3,000 for .a through .c; $6,000 for .d.", ("only", ("a", "b", "c", "d"))),
    ("6A003", "$1500, except N/A for 6A003.a.3 through a.6, b.1, b.3 and b.4.",
     ("not", ("a.3", "a.4", "a.5", "a.6", "b.1", "b.3", "b.4"))),
    # A bracket narrowing an excepted paragraph ("for 5A001.j") leaves it out of the list.
    ("5B001", "$5000, except N/A for 5B001.a (for 5A001.j)", None),
])
def test_lvs_lines_read_as_paragraph_lists(base, flag, said) -> None:
    assert exception_paragraphs(base, flag) == said


@pytest.mark.parametrize(("paragraph", "limit"), [("a", 3000.0), ("d", 6000.0), ("e", None)])
def test_the_lvs_amount_is_the_one_for_the_paragraph(paragraph, limit) -> None:
    assert lvs_limit(Eccn("1A008", paragraph),
                     "$3,000 for .a through .c; $6,000 for .d.") == limit


A6 = frozenset({"A:6", "B"})
_5A001 = ("License Exception STA may not be used to ship any commodity in 5A001.j to any of "
          "the destinations listed in Country Group A:5 or A:6 (See Supplement No. 1 to part "
          "740 of the EAR), or any commodity in 5A001.b.3, .b.5 or .h to any of the "
          "destinations listed in Country Group A:6 (See Supplement No.1 to part 740 of the "
          "EAR).")


@pytest.mark.parametrize(("paragraph", "groups", "bar"), [
    ("j", A6, "A:6"), ("j", frozenset({"A:5"}), "A:5"), ("b.5", A6, "A:6"),
    ("b.5", frozenset({"A:5"}), ""), ("a.1", A6, ""), ("h", frozenset({"B"}), "")])
def test_sta_group_bars_by_paragraph(paragraph, groups, bar) -> None:
    assert sta_group_bar(Eccn("5A001", paragraph), _5A001, groups) == bar


def test_an_sta_bar_naming_items_in_words_is_not_read_as_one() -> None:
    flag = ("License Exception STA may not be used to ship or transmit “software” for the "
            "“development” of organic “matrix” ... specified in ECCN 1A002 to any of the "
            "destinations listed in Country Group A:6 (See Supplement No. 1 to part 740).")
    assert sta_group_bar(Eccn("1D002", ""), flag, A6) == ""


MEU = "Line ID,Destination,Export Date,ECCN,Consignee,End-User Type\n"


def test_a_meu_list_party_licenses_only_supplement_2_items(tmp_path, bundled_lists) -> None:
    _run, lines = screen_text(tmp_path, MEU + "".join(
        f"{key},China,2022-06-01,{eccn},AECC Aviation Power Co. Ltd.,commercial\n"
        for key, eccn in (("E1", "EAR99"), ("E2", "9A991.d"))))
    ear99 = [f for f in lines["E1"].findings if f.code == "PARTY_MATCH_MEU_LIST"]
    assert lines["E1"].verdict == "REVIEW", ear99
    assert all(f.severity.value == "review" for f in ear99)
    assert any("EAR99 is not one of them" in f.message for f in ear99), ear99
    listed = [f for f in lines["E2"].findings if f.code == "PARTY_MATCH_MEU_LIST"]
    assert lines["E2"].verdict == "LICENSE_REQUIRED", listed
    assert any(f.severity.value == "license" for f in listed)
