"""A description that says what its item is for: a military end use, or one part 744
controls whatever the item, is a review (s33 review: "Routers for installation at PLA Navy
base Stonecutters Island", "For use in nuclear weapons design" and "Resale to People's
Liberation Army Rocket Force" as descriptions were CLEAR, with 5A992.c, EAR99 and 3A991.a
to Hong Kong). What the item is ("Model rocket kit") is no end use
(tests/test_end_use_columns.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.ingest.rows import describes_flagged_use
from tests.conftest import screen_file

HEAD = ("Line ID,Ship Date,Ship-to Country,ECCN,Consignee,End User,End-User Type,"
        "Description\n")
PARTY = "Kowloon Precision Instruments Ltd"
#: Enough ordinary lines that the batch takes the fast path around the flagged ones.
PLAIN = "".join(f"Q{n},2021-06-01,Hong Kong,EAR99,{PARTY},{PARTY},Commercial,Office chairs\n"
                for n in range(40))
STATED = {
    "N1": ("5A992.c", "Routers for installation at PLA Navy base Stonecutters Island",
           "a military end use"),
    "N2": ("EAR99", "For use in nuclear weapons design", "part 744 controls"),
    "N3": ("3A991.a", "Resale to People's Liberation Army Rocket Force", "a military end use"),
    "N4": ("4A994", "Servers for missile guidance development", "part 744 controls"),
    "N5": ("4A994", "Nodes for a supercomputer", "part 744 controls"),
    "N6": ("EAR99", "For military intelligence unit", "a military end use"),
    "N7": ("EAR99", "用于军用雷达", "a military end use"),
}


def _file(tmp_path: Path, kind: str) -> Path:
    rows = [f"{tag},2021-06-01,Hong Kong,{eccn},{PARTY},{PARTY},Commercial,{text}\n"
            for tag, (eccn, text, _says) in STATED.items()]
    text = HEAD + "".join(rows) + PLAIN
    if kind == "csv":
        path = tmp_path / "lines.csv"
        path.write_text(text, encoding="utf-8")
        return path
    import csv
    import io

    import xlsxwriter
    path = tmp_path / "lines.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Lines")
    for r, row in enumerate(csv.reader(io.StringIO(text))):
        sheet.write_row(r, 0, row)
    book.close()
    return path


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_purpose_stated_in_the_description_is_a_review(tmp_path: Path, kind: str) -> None:
    _run, lines = screen_file(tmp_path, _file(tmp_path, kind))
    for tag, (_eccn, text, says) in STATED.items():
        line = lines[tag]
        named = [f for f in line.findings if f.code == "END_USE_NAMED"]
        assert line.verdict != "CLEAR" and len(named) == 1, (tag, line.verdict)
        assert text[:40] in named[0].message and "read as the description" in named[0].message
        assert says in named[0].message and "15 CFR 744" in " ".join(named[0].citations)
    assert {lines[f"Q{n}"].verdict for n in range(40)} == {"CLEAR"}
    assert not any(f.code == "END_USE_NAMED" for n in range(40) for f in lines[f"Q{n}"].findings)


@pytest.mark.parametrize(("text", "flagged"), [
    ("Model rocket kit", False), ("Drone camera gimbal", False), ("Weapon sight", False),
    ("Ammunition boxes, empty", False), ("Spare parts for drones", True),
    ("Cable for army green tent", False), ("Not for military use - routers", False),
    ("Toy soldier set, military style", False), ("Antennas for the armed forces", True)])
def test_what_the_item_is_for_counts_not_what_it_is(text: str, flagged: bool) -> None:
    assert describes_flagged_use(text) is flagged
