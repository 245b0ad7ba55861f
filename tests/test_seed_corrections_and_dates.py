"""Review 2 (s10): fixes that do not reach the officer.

1. 'Congo' was removed from resources/rules/country_aliases.csv only. The rules live in the
   database, seeded from that folder once (``ensure_seeded``: "otherwise leave them alone"),
   and no migration or logged rule change removes the alias: every database created before
   the fix still reads "Congo" as the Republic of the Congo (CG), and 9A991 to "Congo" stays
   CLEAR (REVIEW to the Democratic Republic of the Congo). ``rules update-ccl`` keeps the
   database's aliases too.
2. A numeric date with a two-digit year that also reads year-first ("21-03-02") is now
   AMBIGUOUS, and the message and the import wizard ask for the date order, but the only
   orders offered are DMY and MDY (wizard, --date-order, mapping files): a file written
   year-first (East Asia, Sweden) cannot be read as it is written. The wizard's note says the
   dates "read differently day-first and month-first", which is untrue for "21-03-02" (no
   month 21): the officer picks day-first, and 2A290 to Hong Kong is read as 2002-03-21,
   before the Hong Kong rules changed.
3. (High.) The wizard's date order is not a DateOrder: ``MappingPage.date_order()`` returns
   ``QComboBox.currentData()``, which PySide6 hands back as a plain ``str`` ("DMY"). A run
   started from the wizard with a date order chosen fails with AttributeError ('str' object
   has no attribute 'value', service.run_screening recording the run), and ``parse_date``
   compares the order by identity (``order is DateOrder.DMY``), so the preview ignores it.
   The review fix makes this prompt appear for every file with two-digit-year dates.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from screening.db import open_database
from screening.normalize import DateOrder, parse_date
from screening.paths import seed_rules_dir
from screening.service import ScreenOptions, run_screening
from screening.store import runs as run_store


def test_s10_review2_a_database_seeded_before_the_fix_no_longer_reads_congo_as_cg(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import screening.rules.store as rule_store

    old = tmp_path / "rules_before_fix"
    shutil.copytree(seed_rules_dir(), old)
    with (old / "country_aliases.csv").open("a", encoding="utf-8") as f:
        f.write("Congo,CG,ISO 3166-1 (pycountry)\n")  # the row the fix deleted
    url = f"sqlite:///{tmp_path / 'hk.sqlite3'}"
    with monkeypatch.context() as patch:
        patch.setattr(rule_store, "seed_rules_dir", lambda: old)
        open_database(url).dispose()  # an install made before the fix
    path = tmp_path / "congo.csv"
    path.write_text("Line ID,Ship Date,Ship-to Country,ECCN,End User\n"
                    "CONGO,2021-03-01,Congo,9A991,Acme\n", encoding="utf-8")
    db = open_database(url)  # the fixed app opening the existing database
    try:
        run = run_screening(db, path, ScreenOptions()).run
        with db.sessions() as session:
            (line,) = list(run_store.iter_lines(session, run.id))
    finally:
        db.dispose()
    assert line.verdict.value != "CLEAR", (
        f"'Congo' still read as {line.destination} on an existing database: "
        f"{line.verdict.value}")


def test_s10_review2_a_year_first_file_can_be_read_as_written(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import advance_to, open_wizard

    path = tmp_path / "yymmdd.csv"
    path.write_text("Line ID,Ship Date,Ship-to Country,ECCN,End User\n"
                    "Y1,21-03-02,Hong Kong,2A290,HK Power\n", encoding="utf-8")
    db = open_database(f"sqlite:///{tmp_path / 'hk.sqlite3'}")
    try:
        wizard = open_wizard(qtbot, db, path)
        advance_to(wizard, wizard.mapping_page)
        page = wizard.mapping_page
        assert page.ambiguous_rows == [2]  # flagged
        orders = [DateOrder(data) if data else None
                  for data in map(page.order.itemData, range(page.order.count()))]
        readings = {order: parse_date("21-03-02", order)[0] for order in orders}
        assert dt.date(2021, 3, 2) in readings.values(), (
            f"the date orders offered read 21-03-02 as {readings}, never as written "
            f"(2021-03-02); note shown: {page.order_note.text()!r}")
    finally:
        db.dispose()


def test_s10_review2_a_date_order_chosen_in_the_wizard_is_applied(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import advance_to, open_wizard

    path = tmp_path / "dmy.csv"
    path.write_text("Line ID,Ship Date,Ship-to Country,ECCN,End User\n"
                    "D1,03/04/2021,Hong Kong,2A290,HK Power\n", encoding="utf-8")
    db = open_database(f"sqlite:///{tmp_path / 'hk.sqlite3'}")
    try:
        wizard = open_wizard(qtbot, db, path)
        advance_to(wizard, wizard.mapping_page)
        page = wizard.mapping_page
        page.order.setCurrentIndex(page.order.findData(DateOrder.DMY))
        run = run_screening(db, path, wizard.choice().options).run  # AttributeError today
        with db.sessions() as session:
            (line,) = list(run_store.iter_lines(session, run.id))
        assert line.export_date == dt.date(2021, 4, 3), [f.code for f in line.findings]
    finally:
        db.dispose()
