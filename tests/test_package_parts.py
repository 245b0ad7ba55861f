"""Package parts read at fixed paths (s25 input hunt). python-calamine and hkscreen's checks
read xl/workbook.xml, xl/sharedStrings.xml and xl/styles.xml; Excel and LibreOffice follow
the package's relationships. A package naming its strings, workbook or styles elsewhere,
with a decoy at the fixed path, showed "Hong Kong" to the officer and "Germany" to the
screening: CLEAR, exit 0. Such a package is refused."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from screening.ingest.errors import IngestError
from screening.ingest.xlsx_package import check_zip
from tests.conftest import screen_file

ROWS = [["Line ID", "Ship Date", "Ship-to Country", "ECCN", "End User Type"],
        ["L1", "2021-03-15", "Hong Kong", "3A991", "military"]]


def _xlsxwriter_book(path: Path) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Shipments")
    for r, row in enumerate(ROWS):
        sheet.write_row(r, 0, row)
    book.close()
    return path


def _rewrite(src: Path, dst: Path, changes: dict) -> Path:  # type: ignore[type-arg]
    with zipfile.ZipFile(src) as zin:
        parts = {i.filename: zin.read(i) for i in zin.infolist()}
    for member, change in changes.items():
        parts[member] = change(parts[member].decode()).encode() if callable(change) \
            else change
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for member, data in parts.items():
            out.writestr(member, data)
    return dst


def _strings_elsewhere(real: dict[str, bytes]) -> dict:  # type: ignore[type-arg]
    return {"xl/sharedStrings.xml": lambda s: s.replace("Hong Kong", "Germany"),
            "xl/strings/shared.xml": real["xl/sharedStrings.xml"],
            "xl/_rels/workbook.xml.rels": lambda s: s.replace('Target="sharedStrings.xml"',
                                                              'Target="strings/shared.xml"')}


def _workbook_elsewhere(real: dict[str, bytes]) -> dict:  # type: ignore[type-arg]
    return {"xl/book.xml": real["xl/workbook.xml"],
            "_rels/.rels": lambda s: s.replace('Target="xl/workbook.xml"',
                                               'Target="xl/book.xml"')}


def _styles_elsewhere(real: dict[str, bytes]) -> dict:  # type: ignore[type-arg]
    return {"xl/styles/real.xml": real["xl/styles.xml"],
            "xl/_rels/workbook.xml.rels": lambda s: s.replace('Target="styles.xml"',
                                                              'Target="styles/real.xml"')}


def _strings_unnamed(real: dict[str, bytes]) -> dict:  # type: ignore[type-arg]
    return {"xl/_rels/workbook.xml.rels": lambda s: s.replace(
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'sharedStrings" Target="sharedStrings.xml"', 'Type="http://example.com/other" '
        'Target="sharedStrings.xml"')}


@pytest.mark.parametrize(("change", "says"), [
    (_strings_elsewhere, "names xl/strings/shared.xml as its shared-string table"),
    (_workbook_elsewhere, "names xl/book.xml as its workbook"),
    (_styles_elsewhere, "names xl/styles/real.xml as its styles"),
    (_strings_unnamed, "does not name xl/sharedStrings.xml as its shared-string table")])
def test_parts_named_elsewhere_are_refused(tmp_path, change, says) -> None:  # type: ignore[no-untyped-def]
    base = _xlsxwriter_book(tmp_path / "base.xlsx")
    _, lines = screen_file(tmp_path, base)
    assert lines["L1"].verdict == "LICENSE_REQUIRED"
    with zipfile.ZipFile(base) as archive:
        real = {i.filename: archive.read(i) for i in archive.infolist()}
    changes = change(real)
    for member, edit in changes.items():  # each edit really changes the package
        if callable(edit):
            assert edit(real[member].decode()) != real[member].decode(), member
    forged = _rewrite(base, tmp_path / "forged.xlsx", changes)
    with pytest.raises(IngestError, match=says):
        check_zip(forged).close()


def test_packages_as_writers_write_them_pass(tmp_path) -> None:
    """openpyxl names its styles with an absolute-looking path and writes no string table;
    xlsxwriter names both relative to the workbook: both are read."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Shipments"
    for row in ROWS:
        sheet.append(row)
    book.save(tmp_path / "openpyxl.xlsx")
    for path in (tmp_path / "openpyxl.xlsx", _xlsxwriter_book(tmp_path / "xlsxwriter.xlsx")):
        check_zip(path).close()
        _, lines = screen_file(tmp_path, path)
        assert lines["L1"].verdict == "LICENSE_REQUIRED", path
