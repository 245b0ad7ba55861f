"""Review (s10): a mapped XLSX cell that is a formula is read from its cached value without a
word, even when that value is not the cell's.

1. ``=TODAY()`` (or ``NOW()``) in the date column: the cached value is the day the workbook
   was last calculated; Excel shows the day it is opened. The cell holds no export date: a
   template saved on 2020-03-02 and screened later gives 2A290 to Hong Kong CLEAR on
   2020-03-02 (licence required on any day after 2020-12-23, which is what the file shows
   when opened).
2. A workbook whose ``calcPr`` says ``fullCalcOnLoad="1"`` declares its cached values stale
   (Excel recomputes every formula on opening): an ECCN cell ``="5A002"&".a"`` cached as
   "EAR99" shows 5A002.a in Excel and is screened EAR99, CLEAR to Germany.

Neither cell was read exactly: such a line should be REVIEW at least (or ERROR), naming the
cell and its formula, never CLEAR (the README promises a cell that cannot be trusted makes its
line ERROR; formulas are only checked for a missing cached value).
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


@pytest.fixture
def sqlite_db(tmp_path: Path):  # type: ignore[no-untyped-def]
    database = open_database(f"sqlite:///{tmp_path / 'hk.sqlite3'}")
    yield database
    database.dispose()


def _workbook(tmp_path: Path, row: list[object], cell: str, xml: str,
              full_calc_on_load: bool) -> Path:
    """A one-line workbook whose ``cell`` is replaced by the raw ``xml`` given."""
    plain = tmp_path / "plain.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Lines"
    sheet.append(["Line ID", "Ship Date", "Ship-to Country", "ECCN", "End User"])
    sheet.append(row)
    book.save(plain)
    target = tmp_path / "formula.xlsx"
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(target, "w",
                                                       zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text, count = re.subn(rf'<c r="{cell}"[^>]*>.*?</c>', xml, data.decode())
                assert count == 1
                data = text.encode()
            if item.filename == "xl/workbook.xml" and not full_calc_on_load:
                data = data.replace(b' fullCalcOnLoad="1"', b"")
            zout.writestr(item, data)
    return target


def _line(db, path: Path) -> tuple[str, list[str]]:  # type: ignore[no-untyped-def]
    run = run_screening(db, path, ScreenOptions()).run
    with db.sessions() as session:
        (line,) = list(run_store.iter_lines(session, run.id))
    return line.verdict.value, [f.code for f in line.findings]


@pytest.mark.parametrize("function", ["TODAY()", "NOW()"])
def test_s10_a_volatile_date_formula_is_never_clear(sqlite_db, tmp_path, function) -> None:
    path = _workbook(tmp_path, ["T1", dt.datetime(2021, 3, 2), "Hong Kong", "2A290", "HK Power"],
                     "B2", f'<c r="B2" s="1"><f>{function}</f><v>43892</v></c>',  # 2020-03-02
                     full_calc_on_load=False)
    verdict, codes = _line(sqlite_db, path)
    assert verdict != "CLEAR", f"={function} cached as 2020-03-02 screened CLEAR: {codes}"


def test_s10_a_cached_value_the_workbook_says_to_recalculate_is_never_clear(sqlite_db,
                                                                          tmp_path) -> None:
    path = _workbook(tmp_path, ["C1", dt.datetime(2021, 3, 2), "Germany", "X", "Acme"], "D2",
                     '<c r="D2" t="str"><f>"5A002"&amp;".a"</f><v>EAR99</v></c>',
                     full_calc_on_load=True)
    verdict, codes = _line(sqlite_db, path)
    assert verdict != "CLEAR", f'="5A002"&".a" cached as EAR99 screened CLEAR: {codes}'
