"""Listed parties written as shipping papers write them, CLEAR before session 24 (s24 hunt),
screened against the bundled Consolidated Screening List: a person the SDN List writes
surname first ("DERIPASKA, Oleg Vladimirovich") written given name first, with or without
the middle names; a company listed on several lists or with its subsidiaries ("Shvabe",
"TFASA") beside a place or a misspelt legal form; an MEU List name shortened with full stops
("Fuhua Precision Man. Co") written out."""

from __future__ import annotations

import pytest

from screening.parties import given_names_first
from tests.conftest import screen_text

NAMES = {
    "P1": "Oleg Deripaska",
    "P2": "Oleg V. Deripaska",
    "P3": "Oleg Vladimirovich Melnichenko, Flat 5, 12 Nathan Road, Kowloon",
    "P4": "Attn: Xiaoxun Hu",
    "P5": "Nazhat Khan",
    "C1": "Shvabe Hong Kong Limited",
    "C2": "Shvabe Trading Co Ltd",
    "C3": "TFASA Group Limuted",
    "C4": "Spacety Hong Kong Limited",
    "M1": "Fuhua Precision Manufacturing Co., Ltd.",
    "M2": "China Aviation Industry Standard Parts Manufacturing Co., Ltd.",
    # a misspelt word whose rare keys find unrelated names, the listed one behind common
    # words; a romanisation of Rostec
    "T1": "Beijing Institute of Tschnology",
    "T2": "Rostech State Corporation",
}
#: Common names that a person's form without middle names matches exactly ("Ahmed ALI" of
#: "ALI, Ahmed Khalfan"), or nearly matches a form with the given names first ("Mohammad
#: WALI"): a review at most (s24 review: PROHIBITED). ("Hassan Ali" is a listed person's
#: whole name, "ALI, Hassan": a strong match, as any listed name written exactly.)
COMMON = {"K2": "Ahmed Ali", "K4": "Mohammad Ali",
          # an SDN vessel's name that is one English word, beside a legal form
          "K5": "Crystal Group Ltd"}
#: Ordinary names that must stay CLEAR (a flood of reviews is a failure too).
PLAIN = {"N1": "Acme Widgets Ltd", "N2": "Eagle Security Ltd", "N3": "Northwind Components Ltd",
         "N4": "Pacific Rim Logistics Ltd", "N5": "John Smith",
         # a Hong Kong office, not a military unit (s24 hunt)
         "N6": "Acme Widgets Ltd, Unit 1203, 12/F, Tower 2, Lippo Centre, Admiralty"}


@pytest.fixture(scope="module")
def lines(tmp_path_factory: pytest.TempPathFactory) -> dict:  # type: ignore[type-arg]
    patch = pytest.MonkeyPatch()
    from screening import parties as parties_module
    from screening.store import parties as party_store
    from tests import conftest
    tmp = tmp_path_factory.mktemp("s24parties")
    patch.setenv("HKSCREEN_DATA_DIR", str(tmp / "data"))
    patch.delenv("HKSCREEN_BUNDLED_LISTS", raising=False)
    patch.setattr(party_store, "ensure_bundled_list", conftest._BUNDLED)
    patch.setattr(parties_module, "bundled_list_sizes", conftest._LIST_SIZES)
    try:
        rows = "".join(f'{key},2025-03-01,Hong Kong,EAR99,"{name}"\n'
                       for key, name in {**NAMES, **PLAIN, **COMMON}.items())
        _run, found = screen_text(tmp, "Line,Export Date,Destination,ECCN,Consignee\n" + rows)
    finally:
        patch.undo()
    return found


@pytest.mark.parametrize("key", sorted(NAMES))
def test_a_listed_party_so_written_is_not_clear(lines, key) -> None:
    line = lines[key]
    assert line.verdict != "CLEAR", (NAMES[key], [f.code for f in line.findings])
    assert any(f.code.startswith("PARTY") or "LIST" in f.code for f in line.findings)


@pytest.mark.parametrize("key", sorted(COMMON))
def test_a_common_name_matching_a_shortened_person_is_a_review_at_most(lines, key) -> None:
    assert lines[key].verdict not in ("PROHIBITED", "LICENSE_REQUIRED"), \
        [(f.code, f.message[:120]) for f in lines[key].findings]


def test_a_rare_words_partial_matches_are_kept() -> None:
    """The people's other forms made a person's words look common: "Ali Reza" lost its
    partial matches of 'Ali Reza Seif' (Entity List) and 'Ali Reza Foyuzi Yousefi'
    (s24 review). Other forms are not counted as names holding a word."""
    from screening.parties import PartyIndex, read_list_file
    from screening.paths import resources_dir

    _fmt, entries = read_list_file(
        resources_dir() / "lists" / "consolidated_screening_list_2026-07-31.csv.gz")
    index = PartyIndex.build(entries)
    found = {m.matched_name for m in index.match("Ali Reza", "DE")}
    assert {"Ali Reza Seif", "Ali Reza Foyuzi Yousefi"} <= found


@pytest.mark.parametrize("key", sorted(PLAIN))
def test_ordinary_names_stay_clear(lines, key) -> None:
    assert lines[key].verdict == "CLEAR", [(f.code, f.message) for f in lines[key].findings]


@pytest.mark.parametrize(("listed", "forms"), [
    ("DERIPASKA, Oleg Vladimirovich", ("Oleg Vladimirovich DERIPASKA", "Oleg DERIPASKA")),
    ("HU, Xiaoxun", ("Xiaoxun HU",)),
    ("AL-ASSAD, Bashar", ("Bashar AL-ASSAD",)),
    ("JOINT STOCK COMPANY SHVABE", ()),  # a company
    ("Huawei Technologies Co., Ltd.", ()),
    ("SHVABE, JSC", ()),  # capitals after the comma: no given names
    ("Chris Tang", ())])  # already given name first
def test_the_given_name_first_forms_of_a_listed_person(listed, forms) -> None:
    assert given_names_first(listed) == forms


@pytest.mark.usefixtures("bundled_lists")
@pytest.mark.parametrize("header", ["Applicant", "L/C Applicant", "For Account Of",
                                    "On Behalf Of", "Distributor", "Reseller", "Dealer"])
def test_further_party_columns_are_screened(tmp_path, header) -> None:
    """A listed name under these headers, beside an ordinary consignee and end user, left
    the line CLEAR (s24 hunt): the column was listed as unmapped only."""
    _run, found = screen_text(tmp_path, (
        f"Line,Export Date,Destination,ECCN,Consignee,End User,{header}\n"
        "T1,2025-03-01,Hong Kong,EAR99,Acme Widgets Ltd,Acme Widgets Ltd,"
        "Centre Bright Electronics Company Limited\n"))
    line = found["T1"]
    assert line.verdict != "CLEAR"
    assert any(header in f.message for f in line.findings), \
        [(f.code, f.message) for f in line.findings]
