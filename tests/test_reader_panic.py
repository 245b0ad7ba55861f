"""Review (s10): a date-formatted XLSX cell holding ``-1e309`` (negative infinity) makes
python-calamine panic while the rows are read: ``pyo3_runtime.PanicException`` derives from
BaseException, not Exception, so neither the reader (``CalamineError`` only) nor the service
(``except Exception``) nor the CLI turns it into a message. ``hkscreen screen`` dies with a
traceback and exit code 1 (the contract's "lines need attention", not 2 "could not screen"),
and the run is recorded ``failed`` with an empty message. Expected: exit 2 with one
``hkscreen: FILE, sheet .., row ..`` line naming the cell, and the failed run saying why.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl

from tests.conftest import ROOT


def _workbook(tmp_path: Path, rows: int, bad_row: int) -> Path:
    plain = tmp_path / "plain.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Lines"
    sheet.append(["Line ID", "Ship Date", "Ship-to Country", "ECCN"])
    for i in range(rows):
        sheet.append([f"N{i}", dt.datetime(2021, 3, 2), "Germany", "EAR99"])
    book.save(plain)
    target = tmp_path / "minus_infinity.xlsx"
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(target, "w",
                                                       zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, count = re.subn(rb'(<c r="B%d"[^>]*>)<v>[^<]*</v>' % bad_row,
                                      lambda m: m.group(1) + b"<v>-1e309</v>", data)
                assert count == 1
            zout.writestr(item, data)
    return target


def test_s10_a_minus_infinity_date_cell_is_a_clear_message_not_a_panic(tmp_path) -> None:
    path = _workbook(tmp_path, rows=1500, bad_row=1400)  # after the header scan: a run exists
    env = dict(os.environ, HKSCREEN_DATA_DIR=str(tmp_path / "data"), HKSCREEN_BUNDLED_LISTS="0")
    env.pop("HKSCREEN_DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-m", "screening.cli", "screen", str(path),
                           "--quiet"], check=False, cwd=ROOT, env=env, capture_output=True,
                          text=True,
                          timeout=300)
    assert "Traceback" not in done.stderr and "PanicException" not in done.stderr, \
        done.stderr[-400:]
    assert done.returncode == 2, (done.returncode, done.stderr[-400:])
    import sqlite3
    conn = sqlite3.connect(tmp_path / "data" / "hkscreen.sqlite3")
    try:
        runs = conn.execute("SELECT id, status, message FROM runs").fetchall()
    finally:
        conn.close()
    assert all(status != "failed" or message for _id, status, message in runs), runs
