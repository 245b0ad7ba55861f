"""Review 2 (s10): the rows above the header row and hidden sheets, after the review fix.

1. Hole (GUI): the import wizard always passes the header row it shows (the detected one,
   unless changed) as ``ScreenOptions.header_row``, and ``prepare_input`` skips the
   shipment-above-the-header check whenever a header row is given ("one the officer chose
   is taken as chosen"). A sheet sorted with its header row inside the range, opened with
   the wizard and screened as detected, still loses the rows above without a word: rows 1-2
   (2A290 and 3A001.a.2 to Hong Kong, licence required) vanish, the run is one CLEAR line.
2. Regression (CLI): an ordinary report whose title block gives its parameters in two
   columns ("Country:" / "Hong Kong" in the column the destination has below) is refused
   as "row 3 ... holds a shipment". The CLI has no --header-row to say where the header
   is; the officer must edit the file.
3. Hole (GUI): the wizard's sheet page preselects the first sheet with a recognised header
   row, hidden ones included: a workbook whose visible sheet has headers hkscreen does not
   know opens on the hidden stale copy, and Next, Next, Screen screens it (the CLI refuses
   the same workbook, naming the hidden sheet).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from screening.db import open_database
from screening.service import ScreenOptions, run_screening
from screening.store import runs as run_store
from tests.conftest import open_wizard


@pytest.fixture
def sqlite_db(tmp_path: Path):  # type: ignore[no-untyped-def]
    database = open_database(f"sqlite:///{tmp_path / 'hk.sqlite3'}")
    yield database
    database.dispose()


def test_s10_review2_the_wizard_does_not_drop_shipments_above_the_header(
        qtbot, sqlite_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from screening.ingest import IngestError

    path = tmp_path / "sorted.csv"
    path.write_text("HK-1001,2021-03-02,Hong Kong,2A290,HK Power\n"
                    "HK-1002,2021-03-02,Hong Kong,3A001.a.2,HK Power\n"
                    "Line ID,Ship Date,Ship-to Country,ECCN,End User\n"
                    "SG-2001,2021-03-01,Singapore,EAR99,Acme\n", encoding="utf-8")
    wizard = open_wizard(qtbot, sqlite_db, path)
    while wizard.currentPage() is not wizard.mapping_page:
        wizard.next()
    assert wizard.header_page.header_row() == 3  # detected, not chosen
    try:
        run = run_screening(sqlite_db, path, wizard.choice().options).run
    except IngestError:
        return  # refused, naming the rows: nothing lost
    with sqlite_db.sessions() as session:
        rows = [line.row for line in run_store.iter_lines(session, run.id)]
    assert {1, 2} <= set(rows), (
        f"rows 1-2 (shipments to Hong Kong) dropped: lines for rows {rows}, {run.counts}")


def test_s10_review2_a_report_title_block_naming_a_country_is_not_refused(sqlite_db,
                                                                         tmp_path) -> None:
    path = tmp_path / "report.csv"
    path.write_text("Export shipments report,\n"
                    "Company:,Acme Ltd\n"
                    "Country:,Hong Kong\n"
                    "Period:,2021-03\n"
                    "\n"
                    "Line ID,Ship-to Country,Ship Date,ECCN,End User\n"
                    "L1,Hong Kong,2021-03-02,2A290,HK Power\n"
                    "L2,Singapore,2021-03-02,EAR99,Acme\n", encoding="utf-8")
    run = run_screening(sqlite_db, path, ScreenOptions()).run  # refused today
    assert run.counts.get("LICENSE_REQUIRED") == 1, run.counts


def test_s10_review2_the_wizard_does_not_preselect_a_hidden_sheet(qtbot, sqlite_db,
                                                                  tmp_path) -> None:  # type: ignore[no-untyped-def]
    book = openpyxl.Workbook()
    shown = book.active
    shown.title = "Shipments"
    shown.append(["Item", "Dispatched", "Deliver-to", "Class"])
    shown.append(["N1", dt.datetime(2021, 3, 2), "Iran", "5A002.a"])
    hidden = book.create_sheet("old_copy")
    hidden.sheet_state = "hidden"
    hidden.append(["Line ID", "Ship Date", "Ship-to Country", "ECCN"])
    hidden.append(["O1", dt.datetime(2021, 3, 2), "Germany", "EAR99"])
    path = tmp_path / "hidden.xlsx"
    book.save(path)
    wizard = open_wizard(qtbot, sqlite_db, path)
    assert wizard.currentPage() is wizard.sheet_page
    assert wizard.sheet_page.combo.currentData() != "old_copy", (
        "the wizard opens on the hidden sheet: Next, Next, Screen screens the stale copy")
