"""A line shipped to Hong Kong or China for another ultimate destination: its consignee
and end user are screened in the ship-to country too, where the goods arrive first (s27
hunt: "PLA Unit 61398" as consignee was CLEAR, screened only for Germany; an Entity List
consignee in Hong Kong only REVIEW, "the entry is in HK, not DE")."""

from __future__ import annotations

import pytest

from tests.conftest import screen_text

HEAD = ("Line ID,Ship Date,Ship-to Country,Country of Ultimate Destination,ECCN,End User,"
        "End-User Type,Consignee\n")


def _codes(line) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {f.code: f.message for f in line.findings}


@pytest.mark.usefixtures("bundled_lists")
@pytest.mark.parametrize(("ship_to", "consignee", "code", "verdict"), [
    ("Hong Kong", "PLA Unit 61398", "PARTY_NAME_MILITARY", "REVIEW"),
    ("China", "PLA Air Force", "PARTY_NAME_MILITARY", "REVIEW"),
    ("Hong Kong", "Centre Bright Electronics Company Limited", "PARTY_MATCH_ENTITY_LIST",
     "LICENSE_REQUIRED"),
])
def test_the_ship_to_countrys_rules_reach_the_parties(tmp_path, ship_to, consignee, code,
                                                      verdict) -> None:
    _run, lines = screen_text(tmp_path, HEAD + f"L1,2021-04-08,{ship_to},Germany,5A992.c,"
                                               f"Victoria Components,commercial,{consignee}\n")
    line = lines["L1"]
    assert line.verdict == verdict, _codes(line)
    assert code in _codes(line)


def test_the_same_in_a_big_file(tmp_path) -> None:
    """The fast path screens the parties of such lines in both countries as the slow one."""
    rows = [f"L{i},2021-04-08,Hong Kong,Germany,5A992.c,Victoria Components,commercial,"
            + ("PLA Unit 61398" if i % 400 == 3 else f"Harbour Freight {i % 7}")
            for i in range(2400)]
    _run, lines = screen_text(tmp_path, HEAD + "\n".join(rows) + "\n")
    flagged = {k for k, v in lines.items() if "PARTY_NAME_MILITARY" in _codes(v)}
    assert flagged == {f"L{i}" for i in range(2400) if i % 400 == 3}


def test_a_party_of_the_ultimate_destination_alone_is_screened_as_before(tmp_path) -> None:
    _run, lines = screen_text(tmp_path, HEAD + "L1,2021-04-08,Germany,Germany,5A992.c,"
                                               "Victoria Components,commercial,PLA Unit 61398\n")
    assert "PARTY_NAME_MILITARY" not in _codes(lines["L1"])


@pytest.mark.parametrize("header", ["Purchaser", "Notify Party", "Real End User"])
def test_other_parties_are_screened_in_the_ship_to_country_too(tmp_path, header) -> None:
    head = HEAD.rstrip("\n") + f",{header}\n"
    _run, lines = screen_text(tmp_path, head + "L1,2021-04-08,Hong Kong,Germany,5A992.c,"
                                               "Victoria Components,commercial,Acme GmbH,"
                                               "PLA Unit 61398\n")
    assert "PARTY_NAME_MILITARY" in _codes(lines["L1"])
