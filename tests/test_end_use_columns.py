"""End uses written outside the end-user type column (s21 hunt: "For nuclear weapons
development" under "Intended End Use", "Purpose" or "Remarks" was CLEAR)."""

from __future__ import annotations

import pytest

from screening.ingest.rows import names_flagged_use, says_what_for
from tests.conftest import screen_text

HEAD = "Line,Ship-to Country,Ship Date,ECCN,End User,{header}\n"
#: Enough ordinary lines that the batch takes the fast path around the flagged ones.
PLAIN = "".join(f"Q{n},Singapore,2023-05-02,EAR99,Acme Pte Ltd {n},Telecom network\n"
                for n in range(40))


@pytest.mark.parametrize(("header", "cell", "says"), [
    ("Intended End Use", "For nuclear weapons development", "part 744 controls"),
    ("Purpose", "Missile guidance program", "part 744 controls"),
    ("Application", "UAV flight controller", "part 744 controls"),
    ("Remarks", "End user is PLA Navy", "a military end use"),
    ("Comments", "Supercomputer centre upgrade", "part 744 controls"),
    ("用途", "导弹", "part 744 controls"),
    ("Verwendungszweck", "Kernwaffen", "part 744 controls"),
    ("Customer Remarks", "For the army's munitions factory", "a military end use"),
])
def test_a_military_or_part_744_end_use_in_another_column_is_a_review(
        tmp_path, header, cell, says) -> None:
    _run, lines = screen_text(tmp_path, HEAD.format(header=header)
                              + f"U1,Singapore,2023-05-02,EAR99,Acme Pte Ltd,{cell}\n" + PLAIN)
    found = {f.code: f.message for f in lines["U1"].findings}
    assert lines["U1"].verdict == "REVIEW", found
    assert found["END_USE_NAMED"].startswith("in.csv row 2 col F: "), found
    assert says in found["END_USE_NAMED"]
    assert f"({header!r} column, which no field reads)" in found["END_USE_NAMED"]
    assert "END_USE_NAMED" not in {f.code for f in lines["Q0"].findings}
    assert lines["Q0"].verdict == "CLEAR"


@pytest.mark.parametrize("cell", ["Nuclear magnetic resonance imaging", "Nuclear medicine",
                                  "Telecom network", "Commercial use only", "Resale", ""])
def test_ordinary_uses_stay_clear(tmp_path, cell) -> None:
    _run, lines = screen_text(tmp_path, HEAD.format(header="Intended End Use")
                              + f"U1,Singapore,2023-05-02,EAR99,Acme Pte Ltd,{cell}\n" + PLAIN)
    assert lines["U1"].verdict == "CLEAR", lines["U1"].findings


def test_the_fast_path_and_the_row_by_row_path_agree(tmp_path) -> None:
    """A flagged row among thousands read column-wise gets the same finding as one alone."""
    many = "".join(f"M{n},Singapore,2023-05-02,EAR99,Acme {n},"
                   f"{'Rocket engine test stand' if n % 97 == 0 else 'Factory tooling'}\n"
                   for n in range(3000))
    _run, lines = screen_text(tmp_path, HEAD.format(header="Purpose") + many)
    flagged = {key for key, line in lines.items()
               if "END_USE_NAMED" in {f.code for f in line.findings}}
    assert flagged == {f"M{n}" for n in range(0, 3000, 97)}
    assert all(lines[key].verdict == "REVIEW" for key in flagged)


def test_columns_a_field_reads_or_that_say_nothing_of_use_are_not_looked_at() -> None:
    for header in ("Intended End Use", "Purpose", "Remarks", "Notes", "Application",
                   "用途", "备注", "Observaciones"):
        assert says_what_for(header), header
    for header in ("Description", "Part Number", "Warehouse", "HS Code"):
        assert not says_what_for(header), header
    assert names_flagged_use("Used by the Rocket Force")
    assert not names_flagged_use("Nuclear magnetic resonance")


@pytest.mark.parametrize("cell", ["Model rocket kit", "Drone camera gimbal", "Ballistic helmet",
                                  "导弹零件", "Navy blue cotton shirts"])
def test_what_a_description_says_the_item_is_is_no_end_use(tmp_path, cell) -> None:
    """A product description is what the item is ("Model rocket kit"), not what it is for:
    only a purpose it states counts (s33, tests/test_description_end_use.py)."""
    _run, lines = screen_text(tmp_path, "Line,Ship-to Country,Ship Date,ECCN,End User,"
                              f"Description\nU1,Singapore,2023-05-02,EAR99,Acme,{cell}\n"
                              + PLAIN)
    assert lines["U1"].verdict == "CLEAR"


def test_remarks_beside_a_party_header_are_not_read_as_the_party() -> None:
    """"Customer Remarks" was read as the consignee's name: its remark screened as a name,
    and looked at for nothing else."""
    from screening.ingest.columns import guess_field

    for header in ("Customer Remarks", "Customer Notes", "End User Remarks",
                   "Consignee Comments"):
        assert guess_field(header) is None, header
        assert says_what_for(header), header


@pytest.mark.parametrize("cell", [
    "军用", "軍用", "用于军用雷达", "uso militar", "usage militaire", "Militär", "Bundeswehr",
    "Rüstungsindustrie", "военное применение", "ミサイル開発", "군사용", "미사일", "Atomwaffen",
    "Raketenbau", "misil balistico", "warhead assembly", "torpedo guidance",
    "guided bomb kits", "hydrogen bomb", "Sarin production", "anthrax research",
    "missle guidance", "UCAV", "Shahed production", "核潜艇", "武器制造"])
def test_more_ways_of_writing_a_military_or_part_744_use_are_found(cell) -> None:
    """(s22 second review: each was CLEAR under "Remarks".)"""
    assert names_flagged_use(cell)


@pytest.mark.parametrize("cell", [
    "Ship CW 45", "BW printer", "SLV shipment", "Colour: navy blue", "Paint, army green",
    "5 mil film", "Chemical reactor spare parts", "Reactor cleaning", "Rocket salad packaging",
    "Defense against corrosion", "Atomic clock repair", "Not for military use",
    "PLA filament spool", "Swiss Army knife"])
def test_ordinary_remarks_are_not_flagged(cell) -> None:
    """(s22 second review: each made its line REVIEW.)"""
    assert not names_flagged_use(cell)


@pytest.mark.parametrize("header", ["EndUse", "Used For", "Endverwendung", "Reason for Export",
                                    "Назначение", "Примечание", "용도", "Notas", "Comentarios",
                                    "應用", "使用目的"])
def test_more_headers_of_use_and_remarks_are_looked_at(header) -> None:
    assert says_what_for(header)


@pytest.mark.parametrize("header", ["License Remarks", "Product Application", "Ship-To Notes",
                                    "Customer Application", "Country Notes",
                                    "Final Destination Notes"])
def test_a_field_name_followed_by_remarks_is_free_text_not_the_field(header) -> None:
    """(s22 second review:) "License Remarks" was read as the licence number (so "Missile
    development" there was a licence cited), "Product Application" as the description,
    and "Ship-To Notes" made the file's destination ambiguous."""
    from screening.ingest.columns import guess_field

    assert guess_field(header) is None
    assert says_what_for(header)
