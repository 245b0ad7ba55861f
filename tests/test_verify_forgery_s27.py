"""Forgeries of the s27 hunt that verify passed: the sheet XML read one way by openpyxl
(the digest) and another by LibreOffice (what the auditor sees), an empty sheet added,
rows and columns shrunk to slivers, a page footer's run or hash written with invisible
characters, dates shown day-before-month."""

from __future__ import annotations

import re
import shutil

import pytest

from screening.reports.presentation import _header_footer_problems
from screening.reports.report_cells import cell_problems
from screening.reports.verify import Status
from tests.test_hostile_input import rewrite_member
from tests.test_verify_presentation import NAME, _checks, _failed, _xml_doctored, report

__all__ = ["report"]  # the fixture, used by name

FINDINGS, LINES = "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml"


def _first_string_cell(xml: str) -> re.Match[str]:
    found = re.search(r'<c r="([A-Z]+[0-9]+)"[^>]*t="s"[^>]*><v>([0-9]+)</v></c>', xml)
    assert found is not None
    return found


def test_a_string_index_python_reads_otherwise_fails(db, report) -> None:  # type: ignore[no-untyped-def]
    """int("1_0") is 10 to Python, 1 to LibreOffice: the cell showed another string."""
    found: list[str] = []

    def change(xml: str) -> str:
        cell = _first_string_cell(xml)
        found.append(cell.group(1))
        index = cell.group(2)
        forged = f"{index[:-1]}_{index[-1]}" if len(index) > 1 else f"0_{index}"
        return xml.replace(cell.group(0), cell.group(0).replace(
            f"<v>{index}</v>", f"<v>{forged}</v>"), 1)
    checks = _xml_doctored(db, report, FINDINGS, change)
    _failed(checks, f"cell {found[0]}", "a form hkscreen does not write")


def _presented(db, report, change):  # type: ignore[no-untyped-def]
    target = report.with_name("p.xlsx")
    shutil.copyfile(report, target)
    rewrite_member(target, LINES, lambda data: change(data.decode()).encode())
    return _checks(target, db)


def test_a_cell_written_twice_or_in_another_row_fails(db, report) -> None:  # type: ignore[no-untyped-def]
    """(What openpyxl reads of these may change the digest too: the presentation check
    names them whatever it does.)"""
    def twice(xml: str) -> str:
        return re.sub(r'(<c r="A2"[^>]*>.*?</c>)', r'\1<c r="A2"/>', xml, count=1)
    _failed(_presented(db, report, twice), "cell A2 is written twice")

    def moved(xml: str) -> str:
        return re.sub(r'(<row r="3"[^>]*>)', r'\1<c r="Z2"><v>1</v></c>', xml, count=1)
    _failed(_presented(db, report, moved), "cell Z2 is written inside row 3")


def test_an_added_sheet_fails_even_empty(db, report, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import openpyxl

    book = openpyxl.load_workbook(report)
    book.create_sheet("Summary (corrected)", 0)
    book.save(tmp_path / "added.xlsx")
    checks = _checks(tmp_path / "added.xlsx", db)
    assert checks[NAME].status is Status.FAILED
    assert "'Summary (corrected)', which hkscreen never writes" in checks[NAME].detail


def test_rows_and_columns_shrunk_to_slivers_fail(db, report) -> None:  # type: ignore[no-untyped-def]
    def shrink(xml: str) -> str:
        return re.sub(r'<row r="5"', '<row r="5" ht="3" customHeight="1"', xml, count=1)
    _failed(_xml_doctored(db, report, LINES, shrink), "row 5 is 3 points high")


def test_a_footer_written_with_invisible_characters_is_read_as_printed() -> None:
    fields = {"Input SHA-256": "a" * 64, "Run ID": 1}
    other = "b" * 30 + "\u200b" + "b" * 34
    found = _header_footer_problems("Lines", [f"&Lrun\u00a02 &R{other}"], fields)
    assert any("prints run 2" in p for p in found), found
    assert any("prints the input SHA-256" in p for p in found), found
    # hkscreen's own footer passes; other text there is refused since s29.
    assert _header_footer_problems(
        "Lines", [f"&L&8Run 1 \u00b7 input SHA-256 {'a' * 64}&R&8Page &P of &N"], fields) == []
    assert _header_footer_problems("Lines", [f"&Lrun 1 &R{'a' * 64}"], fields) == [
        f"a page header or footer of sheet Lines prints 'run 1 {'a' * 54}', which hkscreen "
        f"does not write"]


def test_plain_cells_of_every_kind_pass_and_odd_ones_do_not() -> None:
    plain = (b'<sheetData><row r="1"><c r="A1" s="1" t="s"><v>0</v></c><c r="B1"><v>-1.5E+3'
             b'</v></c><c r="C1" t="inlineStr"><is><t xml:space="preserve"> a </t></is></c>'
             b'<c r="D1" s="2"/><c r="E1" t="b"><v>1</v></c></row><row r="3"/></sheetData>')
    assert cell_problems(plain, "S", strings=1) == []
    for odd in (b'<c r="A1" t="s"><v>1</v></c>',  # beyond the table
                b'<c r="A1" t="s"><v> 0</v></c>', b'<c r="A1"><v>1_0</v></c>',
                b'<c r="A1" t="inlineStr"><is><t>x</t></is><v>1</v></c>',
                b'<c r="A2"><v>1</v></c>', b'<c r="A1" x="1"><v>1</v></c>',
                b'<c r="B1"><v>1</v></c><c r="A1"><v>1</v></c>'):
        xml = b'<sheetData><row r="1">' + odd + b"</row></sheetData>"
        assert cell_problems(xml, "S", strings=1), odd


def test_a_genuine_report_has_plain_cells(report) -> None:  # type: ignore[no-untyped-def]
    import zipfile

    with zipfile.ZipFile(report) as archive:
        strings = archive.read("xl/sharedStrings.xml").count(b"<si>")
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert cell_problems(archive.read(name), name, strings) == []


assert rewrite_member  # (the doctoring helpers come from the presentation tests)


def test_the_quick_row_match_never_passes_what_the_cell_check_refuses(report) -> None:  # type: ignore[no-untyped-def]
    """``_plain_row`` only spares ``_row_cells`` rows it would find nothing in: a genuine
    sheet's rows, mutated at random, get the same answer both ways."""
    import random
    import zipfile

    from screening.reports import report_cells

    with zipfile.ZipFile(report) as archive:
        strings = archive.read("xl/sharedStrings.xml").count(b"<si>")
        xml = archive.read(LINES)
    rows = re.findall(rb'<row r="[0-9]+">.*?</row>', xml, re.DOTALL)
    pieces = [b"<v>", b"</v>", b"_", b" ", b'<c r="A2"/>', b'"', b"1", b"A", b"t=", b"<f>"]
    rnd = random.Random(27)
    for _ in range(400):
        row = rnd.choice(rows)
        at = rnd.randrange(len(row))
        mutated = row[:at] + rnd.choice(pieces) + row[at + rnd.randrange(3):]
        number = re.match(rb'<row r="([0-9]+)">', mutated)
        if number is None:
            continue
        body = mutated[number.end():-len(b"</row>")] if mutated.endswith(b"</row>") else b""
        found = list(report_cells._row_cells(body, int(number.group(1)), strings))
        if report_cells._plain_row(body, number.group(1), strings):
            assert found == [], (mutated, found)


# Second forgery hunt (s27): what openpyxl and LibreOffice read differently around the cells.

def test_a_shared_string_with_a_second_text_fails(db, report) -> None:  # type: ignore[no-untyped-def]
    """openpyxl keeps the last text of an entry (any namespace), LibreOffice the first in
    the spreadsheet namespace: a verdict read LICENSE_REQUIRED by every check showed CLEAR."""
    def change(xml: str) -> str:
        return xml.replace("</si>", '<o:t xmlns:o="urn:x">X</o:t></si>', 1)
    target = report.with_name("s.xlsx")
    shutil.copyfile(report, target)
    rewrite_member(target, "xl/sharedStrings.xml", lambda data: change(data.decode()).encode())
    _failed(_checks(target, db), "not written as one plain text")


@pytest.mark.parametrize(("member", "pattern", "forged", "said"), [
    (LINES, r'<row r="5"', '<row r="5" hidden="on"', 'hidden="on"'),
    (LINES, r'<row r="5"', '<row r="5" ht="1_5" customHeight="1"', 'ht="1_5"'),
    ("xl/styles.xml", r'<sz val="(\d+)"', '<sz val="1_1"', '<sz val="1_1">'),
    ("xl/styles.xml", r'fillId="(\d+)"', 'fillId="0_0"', 'fillId="0_0"'),
])
def test_numbers_and_switches_read_otherwise_fail(db, report, member, pattern, forged,
                                                  said) -> None:  # type: ignore[no-untyped-def]
    """Python reads "1_5" as 15 and LibreOffice as 1; LibreOffice takes hidden="on" as
    true: a row, a size or a fill shown otherwise than checked."""
    target = report.with_name("n.xlsx")
    shutil.copyfile(report, target)
    rewrite_member(target, member, lambda data: re.sub(
        pattern, forged, data.decode(), count=1).encode())
    _failed(_checks(target, db), said)
