"""A cell written twice in the sheet XML (s25 input hunt), or given two values (s26).
Excel never writes either; the cell reader and LibreOffice show the last copy, another
program may show the first. A Hong Kong
line to a military end user (3A991: a licence under 744.21) with a second copy of its
destination cell reading "Germany" was CLEAR; with the copies the other way round, the
officer's view and the screening could differ the other way. The sheet is refused."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from screening.db import open_database
from screening.ingest.errors import IngestError
from screening.ingest.xlsx_package import TWICE, check_zip, repeated_cell
from screening.ingest.xlsx_package import TWO_VALUES as TWO_VALUES_FOUND
from screening.service import ScreenOptions, run_screening
from screening.store import runs as run_store
from tests.conftest import clear_but_for_parties, screen_file

SHEET = "xl/worksheets/sheet1.xml"


def _book(path: Path, rows: int = 3) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Shipments"
    sheet.append(["Line ID", "Ship Date", "Ship-to Country", "ECCN", "End User Type"])
    sheet.append(["L1", "2021-03-01", "Germany", "EAR99", "commercial"])
    sheet.append(["L2", "2021-03-01", "Hong Kong", "3A991", "military"])
    for n in range(3, rows + 1):
        sheet.append([f"L{n}", "2021-03-01", "Germany", "EAR99", "commercial"])
    book.save(path)
    return path


def _rewrite(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(path) as src:
        items = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in items:
            out.writestr(info, change(data.decode()).encode() if info.filename == SHEET
                         else data)


def _c3(text: str) -> str:
    found = re.search(r'<c r="C3"[^>]*>.*?</c>', text)
    assert found is not None
    return found.group()


def _refused(tmp_path: Path, path: Path) -> tuple[str, list[str]]:
    """(the refusal of screening ``path`` in a fresh database, its runs' statuses)."""
    db = open_database(f"sqlite:///{tmp_path / 'second.sqlite3'}")
    try:
        with pytest.raises(IngestError) as refused:
            run_screening(db, path, ScreenOptions())
        with db.sessions() as session:
            statuses = [run.status for run in run_store.list_runs(session)]
    finally:
        db.dispose()
    return str(refused.value), statuses


def _germany_after(text: str) -> str:
    cell = _c3(text)
    return text.replace(cell, cell + cell.replace("Hong Kong", "Germany"), 1)


def _germany_before(text: str) -> str:
    cell = _c3(text)
    return text.replace(cell, cell.replace("Hong Kong", "Germany") + cell, 1)


def _germany_in_the_last_row(text: str) -> str:
    """The copy inside another row's element, far below: the reader places a cell by its
    reference, wherever it stands."""
    copy = _c3(text).replace("Hong Kong", "Germany")
    return text.replace("</row></sheetData>", copy + "</row></sheetData>", 1)


def _germany_by_position(text: str) -> str:
    """A cell without a reference after B3 is C3 to the reader: before the real C3."""
    cell = _c3(text)
    return text.replace(cell, cell.replace(' r="C3"', "").replace("Hong Kong", "Germany")
                        + cell, 1)


@pytest.mark.parametrize("change", [_germany_after, _germany_before, _germany_in_the_last_row,
                                    _germany_by_position])
def test_a_cell_written_twice_is_refused(tmp_path, change) -> None:  # type: ignore[no-untyped-def]
    path = _book(tmp_path / "twice.xlsx", rows=2000)  # the copy chunks away in the last row
    _, lines = screen_file(tmp_path, path)  # as saved: read, the Hong Kong line flagged
    assert lines["L2"].verdict == "LICENSE_REQUIRED"
    _rewrite(path, change)
    with check_zip(path) as archive:  # (cells beyond the bitmap's width: in its set)
        for width in (5, 1):
            assert repeated_cell(archive, "Shipments", str(path), width) == ("C3", 3, TWICE)
    message, statuses = _refused(tmp_path, path)
    assert "writes cell C3 twice" in message and "row 3" in message, message
    assert "complete" not in statuses


def test_cells_read_as_empty_are_no_second_copy(tmp_path) -> None:
    """Cells holding empty text, a formula without a cached value and an error value show
    fewer values than the XML holds: the exact pass finds no cell twice, and the sheet is
    screened as before."""
    path = _book(tmp_path / "empty.xlsx")

    def empties(text: str) -> str:
        return (text.replace("</row></sheetData>",
                             '<c r="F4" t="inlineStr"><is><t></t></is></c>'
                             '<c r="G4"><f>1/0</f><v /></c>'
                             '<c r="H4" t="e"><v>#N/A</v></c></row></sheetData>', 1))

    _rewrite(path, empties)
    with check_zip(path) as archive:
        for width in (8, 1):
            assert repeated_cell(archive, "Shipments", str(path), width) is None
    _, lines = screen_file(tmp_path, path)
    assert lines["L2"].verdict == "LICENSE_REQUIRED"
    assert clear_but_for_parties(lines["L1"])


def _germany_after_and_an_empty_error(text: str) -> str:
    """(s25 review) An error cell with no value: subtracted from the values expected, it
    cancelled the duplicate's shortfall."""
    return _germany_after(text).replace("</row>", '<c r="Z1" t="e"/></row>', 1)


def _germany_by_a_row_without_number(text: str) -> str:
    """(s25 review) A reference to F20 ends row 2; a row element without a number then
    holds cells by position: the reader places them in row 3 (the element's number), over
    the real row 3."""
    row2_end = text.index("</row>", text.index('<row r="2"'))
    return (text[:row2_end] + '<c r="F20"/></row><row><c/><c/><c t="inlineStr"><is><t>'
            "Germany</t></is></c></row>" + text[row2_end + len("</row>"):])


@pytest.mark.parametrize("change", [_germany_after_and_an_empty_error,
                                    _germany_by_a_row_without_number])
def test_copies_the_count_or_the_placing_could_miss_are_refused(tmp_path, change) -> None:  # type: ignore[no-untyped-def]
    path = _book(tmp_path / "twice.xlsx")
    _rewrite(path, change)
    with check_zip(path) as archive:
        assert repeated_cell(archive, "Shipments", str(path), 26) is not None
    db = open_database(f"sqlite:///{tmp_path / 'second.sqlite3'}")
    try:
        with pytest.raises(IngestError, match="twice"):
            run_screening(db, path, ScreenOptions())
    finally:
        db.dispose()


def _two_values(cell_xml: str):  # type: ignore[no-untyped-def]
    """C3 replaced by ``cell_xml``."""
    def change(text: str) -> str:
        return text.replace(_c3(text), cell_xml, 1)
    return change


def _inline(*values: str) -> str:
    return f'<c r="C3" t="inlineStr">{"".join(values)}</c>'


def _text(*values: str) -> str:
    return f'<c r="C3" t="str">{"".join(values)}</c>'


HK_TEXT, DE_TEXT = "<is><t>Hong Kong</t></is>", "<is><t>Germany</t></is>"
TWO_VALUES, INLINE_AND_VALUE = "gives cell C3 two values", "inline-text cell with a value"


@pytest.mark.parametrize(("change", "said"), [
    (_two_values(_text("<v>Hong Kong</v><v>Germany</v>")), TWO_VALUES),
    (_two_values(_text("<v>Germany</v><v>Hong Kong</v>")), TWO_VALUES),
    (_two_values(_text("<v></v><v>Germany</v>")), TWO_VALUES),
    (_two_values(_inline(HK_TEXT, DE_TEXT)), TWO_VALUES),
    (_two_values(_inline(DE_TEXT, HK_TEXT)), TWO_VALUES),
    (_two_values(_inline(HK_TEXT, "<v>0</v>")), INLINE_AND_VALUE),
    (_two_values(_inline("<v/>", HK_TEXT)), INLINE_AND_VALUE)])
def test_a_cell_of_two_values_is_refused(tmp_path, change, said) -> None:  # type: ignore[no-untyped-def]
    """(s26) One cell element with two value elements: the reader showed the second, and a
    line of "3A001" then "EAR99" to Hong Kong was CLEAR; Excel writes one value per cell.
    An empty one beside a full one is in doubt too (which one a program shows)."""
    path = _book(tmp_path / "two.xlsx", rows=2000)
    _rewrite(path, change)
    if said == TWO_VALUES:
        with check_zip(path) as archive:
            for width in (5, 1):
                assert repeated_cell(archive, "Shipments", str(path), width) == \
                    ("C3", 3, TWO_VALUES_FOUND)
    message, statuses = _refused(tmp_path, path)
    assert said in message, message
    assert "complete" not in statuses


def test_one_value_per_cell_is_screened(tmp_path) -> None:
    """The same cell with one value, and a cell with one empty value element: screened."""
    path = _book(tmp_path / "one.xlsx")
    _rewrite(path, lambda text: _two_values(_text("<v>Hong Kong</v>"))(text).replace(
        "</row></sheetData>", '<c r="F4" t="str"><v></v></c></row></sheetData>', 1))
    with check_zip(path) as archive:
        assert repeated_cell(archive, "Shipments", str(path), 8) is None
    _, lines = screen_file(tmp_path, path)
    assert lines["L2"].verdict == "LICENSE_REQUIRED"
    assert clear_but_for_parties(lines["L1"])
