"""The sheet scan's extent (highest row, widest column) is exact however the references lie.

``scan_sheet`` proves a chunk's highest row from its last reference with one search for any
reference above it; these tests hide higher rows everywhere else (mid-chunk, out of order,
with leading zeros, across chunk boundaries) and compare with reading every number.
"""

from __future__ import annotations

import random
import re
import zipfile
from pathlib import Path

import pytest

from screening.ingest import xlsx_package
from screening.ingest.errors import IngestError
from screening.ingest.xlsx_package import (
    MAX_COLUMNS,
    _above,
    _highest_row,
    column_index,
    scan_sheet,
)

_EVERY_NUMBER = re.compile(rb'r="[A-Z]*([0-9]+)"')


def every_number_max(xml: bytes) -> int:
    """The reference: every row number of every reference read."""
    return max(map(int, _EVERY_NUMBER.findall(xml)), default=0)


def test_above_finds_exactly_the_greater_numbers() -> None:
    rnd = random.Random(7)
    bounds = [0, 1, 9, 10, 99, 100, 101, 999, 1000, 100003, 999999, 1048576]
    bounds += [rnd.randrange(1, 10 ** rnd.randrange(1, 8)) for _ in range(300)]
    for bound in bounds:
        pattern = _above(bound)
        probes = {0, 1, bound - 1, bound, bound + 1, bound * 10, 10 ** len(str(bound)),
                  10 ** len(str(bound)) - 1}
        probes.update(rnd.randrange(0, 10 ** (len(str(bound)) + 1)) for _ in range(40))
        for number in (p for p in probes if p >= 0):
            for letters in (b"", b"C", b"XFD"):
                found = pattern.search(b'<c r="%s%d" t="s">' % (letters, number))
                assert (found is not None) == (number > bound), (bound, number, letters)


def test_above_sends_leading_zeros_to_the_full_read() -> None:
    # "r="C0000012"" names row 12: taken for a greater number, so every number is read.
    assert _above(100).search(b'r="C0000012"') is not None
    assert _highest_row(b'<row r="100"><c r="C0000012"/></row>', 0) == 100


@pytest.mark.parametrize("seed", range(30))
def test_highest_row_equals_reading_every_number(seed) -> None:
    rnd = random.Random(seed)
    rows = list(range(1, rnd.randrange(2, 400)))
    if seed % 3 == 1:
        rnd.shuffle(rows)  # written out of order
    parts = []
    for row in rows:
        cells = b"".join(b'<c r="%s%d"><v>1</v></c>' % (col, row) for col in (b"A", b"B"))
        parts.append(b'<row r="%d" spans="1:2">%s</row>' % (row, cells))
    if seed % 3 == 2:  # a stray far cell anywhere, even far from the end
        at = rnd.randrange(len(parts))
        far = rnd.randrange(len(rows) + 1, 10 ** 6)
        parts[at] = parts[at].replace(b"</row>", b'<c r="Q%d"><v>1</v></c></row>' % far)
    body = b"".join(parts)
    floor = rnd.choice([0, 1, len(rows) // 2, len(rows) + 5])
    assert _highest_row(body, floor) == max(floor, every_number_max(body))


def big_sheet(path: Path, rows: int, stray: tuple[int, str] | None = None,
              order: str = "up") -> bytes:
    """A one-sheet workbook of ``rows`` rows (a stray cell (after row, ref) if given),
    rows written up or down; returns the sheet XML."""
    numbers = list(range(1, rows + 1))
    if order == "down":
        numbers.reverse()
    out = []
    for n in numbers:
        cells = f'<c r="A{n}" t="inlineStr"><is><t>L{n}</t></is></c><c r="B{n}"><v>{n}</v></c>'
        if stray and stray[0] == n:
            cells += f'<c r="{stray[1]}"><v>1</v></c>'
        out.append(f'<row r="{n}">{cells}</row>')
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           f'<sheetData>{"".join(out)}</sheetData></worksheet>').encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", (
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        archive.writestr("xl/_rels/workbook.xml.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Target="worksheets/sheet1.xml" '
            'Type="x"/></Relationships>'))
        archive.writestr("xl/worksheets/sheet1.xml", xml)
    return xml


def scan(path: Path) -> xlsx_package.SheetScan:
    with zipfile.ZipFile(path) as archive:
        return scan_sheet(archive, "S", str(path))


@pytest.mark.parametrize(("stray", "order"), [
    (None, "up"), (None, "down"),
    ((17, "C700000"), "up"),  # far below the last row, in the first chunk
    ((1500, "D650001"), "up"),  # in a middle chunk
    ((2999, "B123456"), "down"),
    ((2000, "AB2999"), "up"),  # two letters: a wider sheet, the row inside the data
])
def test_scan_reads_the_extent_exactly_across_chunks(tmp_path, monkeypatch, stray,
                                                     order) -> None:
    monkeypatch.setattr(xlsx_package, "_CHUNK", 4096)  # many chunks, references cut across
    xml = big_sheet(tmp_path / "s.xlsx", 3000, stray, order)
    found = scan(tmp_path / "s.xlsx")
    assert found.rows == every_number_max(xml)
    if stray is None or stray[1].startswith("AB"):
        assert found.rows == 3000 and found.far_cell == "row 3000"
    else:
        far_row = int(stray[1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        assert found.rows == far_row and found.far_cell == f"row {far_row}"
    assert found.columns == (28 if stray and stray[1].startswith("AB") else 26)


def test_a_stray_cell_beyond_the_limit_mid_sheet_is_refused(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(xlsx_package, "_CHUNK", 4096)
    big_sheet(tmp_path / "s.xlsx", 3000, (1200, "C1048576"))
    with pytest.raises(IngestError, match="row 1048576"):
        scan(tmp_path / "s.xlsx")


def test_row_numbers_of_many_digits_are_read_not_proved(monkeypatch) -> None:
    """A reference naming a row of thousands of digits would make ``_above``'s pattern
    grow with the square of them: such chunks have every number read instead."""
    built: list[int] = []
    real = xlsx_package._above

    def counting(bound: int):  # type: ignore[no-untyped-def]
        built.append(bound)
        return real(bound)

    monkeypatch.setattr(xlsx_package, "_above", counting)
    huge = b"7" * 3000
    body = b'<row r="1"><c r="A1"><v>1</v></c></row>' * 50 + b'<row r="' + huge + b'"/>'
    assert _highest_row(body, 0) == xlsx_package._FAR_ROW  # beyond any extent: refused
    big = b'<row r="5"/><row r="12345678901"/>'
    assert _highest_row(big, 0) == 12345678901
    assert _highest_row(b'<row r="3"/>', 10 ** 12) == 10 ** 12
    assert built == []  # no pattern for any of them
    assert _highest_row(b'<row r="3"/><row r="999999999"/>', 0) == 999999999
    assert built == [999999999]


def raw_sheet(path: Path, sheet_data: str, dimension: str = "") -> Path:
    """A one-sheet workbook whose sheetData is ``sheet_data`` as given."""
    big_sheet(path, 1)
    rewrite = f"{dimension}<sheetData>{sheet_data}</sheetData>".encode()
    with zipfile.ZipFile(path) as src:
        items = [(i, src.read(i)) for i in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in items:
            out.writestr(info, re.sub(rb"<sheetData>.*</sheetData>", lambda _m: rewrite, data)
                         if info.filename == "xl/worksheets/sheet1.xml" else data)
    return path


def test_cells_without_references_after_a_line_break_are_counted(tmp_path) -> None:
    # "<c\n t=..."": white space after the tag name is XML all the same, and the cell
    # reader places such cells one after another: 2,000 of them make a row 2,000 wide.
    cells = "".join("<c\n t=\"n\"><v>1</v></c>" for _ in range(2000))
    path = raw_sheet(tmp_path / "wide.xlsx", f'<row r="1">{cells}</row>')
    with pytest.raises(IngestError, match="columns"):
        scan(path)


@pytest.mark.parametrize("where", ["row", "cell", "dimension", "formula"])
def test_a_row_number_of_thousands_of_digits_is_refused_not_a_crash(tmp_path, where) -> None:
    huge = "7" * 5000  # Python will not convert more than 4,300 digits to an integer
    data, dimension = '<row r="1"><c r="A1"><v>1</v></c></row>', ""
    if where == "row":
        data += f'<row r="{huge}"/>'
    elif where == "cell":
        data += f'<row r="2"><c r="B{huge}"><v>1</v></c></row>'
    elif where == "dimension":
        dimension = f'<dimension ref="A1:C{huge}"/>'
    else:
        data += f'<row r="2"><c r="AAA{huge}"><f>1+1</f></c></row>'
    path = raw_sheet(tmp_path / "far.xlsx", data, dimension)
    with pytest.raises(IngestError, match=r"more than 15 digits\) \(beyond any sheet Excel "
                                          r"can hold\)"):
        scan(path)


@pytest.mark.parametrize("where", ["cell", "dimension", "formula", "error"])
def test_a_column_of_thousands_of_letters_is_refused_not_a_crash(tmp_path, where) -> None:
    # 3,100 letters make a column number of over 4,300 digits, which Python will not format.
    huge = "Z" * 3100
    data, dimension = '<row r="1"><c r="A1"><v>1</v></c></row>', ""
    if where == "cell":
        data += f'<row r="2"><c r="{huge}2"><v>1</v></c></row>'
    elif where == "dimension":
        dimension = f'<dimension ref="A1:{huge}3"/>'
    elif where == "formula":
        data += f'<row r="2"><c r="{huge}2"><f>1+1</f></c></row>'
    else:
        data += f'<row r="2"><c r="{huge}2" t="e"><v>#N/A</v></c></row>'
    path = raw_sheet(tmp_path / "wide.xlsx", data, dimension)
    with pytest.raises(IngestError) as refused:
        scan(path)
    # No made-up size: the reference is shown by its letters' count, the size as beyond.
    assert re.search(r"ZZZ\.\.\.[23] \(a column of 3,100 letters\) \(beyond any sheet "
                     r"Excel can hold\)", str(refused.value)), str(refused.value)


def test_column_letters_count_exactly_up_to_four() -> None:
    assert [column_index(x) for x in ("A", "Z", "AA", "XFD", "ZZZZ")] == \
        [0, 25, 26, 16383, 475253]
    assert column_index("AAAAA") > MAX_COLUMNS
