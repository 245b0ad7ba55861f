"""Review 2 (s10): volatile formula cells still read from their stale cached value.

The fix for FORMULA_VALUE_STALE looks for a volatile function in each cell's own ``<f>``
text. Three ordinary ways Excel writes such a cell escape it, and the cached value (the day
the workbook was last calculated) is screened as the export date:

1. Shared formulas. A column filled down with ``=TODAY()`` is saved with the text in the
   first cell only (``<f t="shared" ref="B2:B3" si="0">TODAY()</f>``); the others carry
   ``<f t="shared" si="0"/>`` and no text, so they are not seen as volatile.
2. A styled empty cell written self-closed before the formula cell (``<c r="A2" s="1"/>``,
   which Excel writes for every formatted blank): the cell pattern ``<c ...>(.*?)</c>`` runs
   from that empty cell to the formula cell's ``</c>``, the formula is filed under the empty
   cell's reference, and the real date cell is not flagged (the same mis-filing hides a
   value-less formula and an Excel error cell: FORMULA_NO_VALUE, EXCEL_ERROR_VALUE).
3. A formula that is not volatile itself but reads a volatile cell (``=$H$1`` where H1 is
   ``=TODAY()``, the usual "report date" cell): Excel shows today, the cache holds the save
   day.

In each case 2A290 to Hong Kong cached on 2020-03-02 comes out CLEAR (licence required on
any day after 2020-12-23, which is what Excel shows). Expected: never CLEAR (ERROR
FORMULA_VALUE_STALE naming the cell, as for a single ``=TODAY()`` cell).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from screening.db import open_database
from screening.service import ScreenOptions, run_screening
from screening.store import runs as run_store

SAVED = 43892  # 2020-03-02, the day the workbook was last calculated


@pytest.fixture
def sqlite_db(tmp_path: Path):  # type: ignore[no-untyped-def]
    database = open_database(f"sqlite:///{tmp_path / 'hk.sqlite3'}")
    yield database
    database.dispose()


def _workbook(tmp_path: Path, cells: dict[str, str], extra: str = "",
              note_column: bool = False) -> Path:
    """Two Hong Kong 2A290 lines whose raw cell XML ``cells`` (ref -> xml) replaces what
    openpyxl wrote; ``extra`` is appended to row 1; ``note_column``: an unmapped "Note"
    column B before the date (then in C). fullCalcOnLoad is removed (as Excel
    saves), so only the volatile check applies."""
    plain = tmp_path / "plain.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Lines"
    note = ["Note"] if note_column else []
    sheet.append(["Line ID", *note, "Ship Date", "Ship-to Country", "ECCN", "End User"])
    for n in (1, 2):
        sheet.append([f"T{n}", *(["x"] if note_column else []), dt.datetime(2021, 3, 2),
                      "Hong Kong", "2A290", "HK Power"])
    book.save(plain)
    target = tmp_path / "formula.xlsx"
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(target, "w",
                                                       zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                for ref, xml in cells.items():
                    text, count = re.subn(rf'<c r="{ref}"[^>]*>.*?</c>', xml, text)
                    assert count == 1, ref
                if extra:
                    text, count = re.subn(r'(<row r="1"[^>]*>.*?)(</row>)',
                                          lambda m: m.group(1) + extra + m.group(2), text)
                    assert count == 1
                data = text.encode()
            if item.filename == "xl/workbook.xml":
                data = data.replace(b' fullCalcOnLoad="1"', b"")
            zout.writestr(item, data)
    return target


def _lines(db, path: Path) -> list[tuple[str, str, list[str]]]:  # type: ignore[no-untyped-def]
    run = run_screening(db, path, ScreenOptions()).run
    with db.sessions() as session:
        return [(ln.line_id, ln.verdict.value, [f.code for f in ln.findings])
                for ln in run_store.iter_lines(session, run.id)]


def test_s10_review2_a_filled_down_today_column_is_never_clear(sqlite_db, tmp_path) -> None:
    path = _workbook(tmp_path, {
        "B2": f'<c r="B2" s="1"><f t="shared" ref="B2:B3" si="0">TODAY()</f><v>{SAVED}</v></c>',
        "B3": f'<c r="B3" s="1"><f t="shared" si="0"/><v>{SAVED}</v></c>'})
    clear = [(i, codes) for i, verdict, codes in _lines(sqlite_db, path) if verdict == "CLEAR"]
    assert not clear, f"shared =TODAY() cells read as 2020-03-02, CLEAR: {clear}"


def test_s10_review2_a_volatile_cell_after_a_self_closed_cell_is_never_clear(sqlite_db,
                                                                            tmp_path) -> None:
    path = _workbook(tmp_path, {
        "B2": '<c r="B2" s="1"/>',  # a formatted blank note
        "C2": f'<c r="C2" s="1"><f>TODAY()</f><v>{SAVED}</v></c>',
        "B3": '<c r="B3" s="1"/>',
        "C3": f'<c r="C3" s="1"><f>TODAY()</f><v>{SAVED}</v></c>'}, note_column=True)
    clear = [(i, codes) for i, verdict, codes in _lines(sqlite_db, path) if verdict == "CLEAR"]
    assert not clear, f"=TODAY() after a self-closed cell read as 2020-03-02, CLEAR: {clear}"


def test_s10_review2_a_formula_reading_a_volatile_cell_is_never_clear(sqlite_db,
                                                                     tmp_path) -> None:
    path = _workbook(tmp_path, {
        "B2": f'<c r="B2" s="1"><f>$H$1</f><v>{SAVED}</v></c>',
        "B3": f'<c r="B3" s="1"><f>$H$1</f><v>{SAVED}</v></c>'},
        extra=f'<c r="H1" s="1"><f>TODAY()</f><v>{SAVED}</v></c>')
    clear = [(i, codes) for i, verdict, codes in _lines(sqlite_db, path) if verdict == "CLEAR"]
    assert not clear, f"=$H$1 (H1 is =TODAY()) read as 2020-03-02, CLEAR: {clear}"
