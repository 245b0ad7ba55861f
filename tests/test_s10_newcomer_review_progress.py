"""Defect (newcomer check, s10): Hold and Note were counted as decisions. After putting every
flagged line of the sample on Hold the workbench said "Unreviewed: 0", the decided gauge was
full ("Flagged lines with a decision: 25 of 25") and Run history said "Reviewed 25 / 25".
A line on hold has been looked at, not decided: it stays in the unreviewed figure and is
counted apart ("on hold"); a note never decides a line."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from screening.service import ScreenOptions, run_screening
from screening.store.reviews import Disposition
from tests.conftest import SAMPLE_XLSX
from ui.dialogs.review import ReviewInput
from ui.main_window import MainWindow
from ui.settings import Settings
from ui.views.runs import RunsDialog


@pytest.fixture
def window(qtbot, db, tmp_path) -> MainWindow:  # type: ignore[no-untyped-def]
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    win = MainWindow(db, settings, synchronous_jobs=True)
    qtbot.addWidget(win)
    run = run_screening(db, SAMPLE_XLSX, ScreenOptions(), rules=win.rules).run
    win.load_run(run.id)
    return win


def _flagged_rows(window: MainWindow) -> list[int]:
    results = window.results
    return [results.lines.row(i) for i in range(len(results.lines)) if results.is_flagged(i)]


def _history_cell(window: MainWindow, qtbot) -> str:  # type: ignore[no-untyped-def]
    dialog = RunsDialog(window.db)
    qtbot.addWidget(dialog)
    row = next(r for r in dialog.model.rows if r[0] == window.run.id)
    return str(row[9])


def test_lines_on_hold_are_not_decided(window, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    flagged = _flagged_rows(window)
    n = len(flagged)
    assert n > 20
    window.record_review(flagged, ReviewInput(Disposition.HOLD, "waiting for the customer",
                                              "", "", "ann"))
    assert window.unreviewed_button.text() == f"Unreviewed: {n} ({n} on hold)"
    chart = window.verdict_chart
    assert (chart.reviewed, chart.on_hold, chart.flagged) == (0, n, n)
    assert f"Flagged lines with a decision: 0 of {n}" in chart.toolTip()
    assert f"On hold, not yet decided: {n}" in chart.toolTip()
    assert _history_cell(window, qtbot) == f"0 / {n} ({n} on hold)"
    # The Unreviewed filter and Ctrl+U find the lines on hold.
    window.unreviewed_button.setChecked(True)
    assert window.model.rowCount() == n
    window.unreviewed_button.setChecked(False)
    assert window.results.is_unreviewed(window.results.line_of_row(flagged[0]))
    window.grab().save(str(tmp_path / "on_hold.png"))

    # A decision on one of them counts; a note on another leaves it on hold.
    window.record_review(flagged[:1], ReviewInput(Disposition.LICENSE_OBTAINED, "", "D1", "",
                                                  "ann"))
    window.record_review(flagged[1:2], ReviewInput(Disposition.NOTE, "called them", "", "",
                                                   "ann"))
    assert window.unreviewed_button.text() == f"Unreviewed: {n - 1} ({n - 1} on hold)"
    assert (chart.reviewed, chart.on_hold) == (1, n - 1)
    assert _history_cell(window, qtbot) == f"1 / {n} ({n - 1} on hold)"
    window.review_filter.setCurrentIndex(window.review_filter.findData("reviewed"))
    assert window.model.rowCount() == 1


def test_a_note_alone_leaves_a_line_unreviewed(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    flagged = _flagged_rows(window)
    n = len(flagged)
    window.record_review(flagged[:3], ReviewInput(Disposition.NOTE, "seen", "", "", "ann"))
    assert window.unreviewed_button.text() == f"Unreviewed: {n}"
    assert window.verdict_chart.reviewed == 0
    assert _history_cell(window, qtbot) == f"0 / {n}"
