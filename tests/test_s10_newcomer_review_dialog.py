"""Defects (newcomer check, s10) in the review dialog: the red "tick Override" error stayed
after Override was ticked and its reason given; a review opened from the workbench did not
fill in the licence exception the line claims (the README's screenshot shows it filled)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from screening.service import ScreenOptions, run_screening
from screening.store.reviews import Conflict, Disposition
from tests.conftest import SAMPLE_XLSX
from ui.dialogs.review import ReviewDialog
from ui.main_window import MainWindow
from ui.settings import Settings


def test_the_error_goes_once_its_condition_is_met(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    conflict = Conflict(8, "HK-1004", "LICENSE_EXCEPTION_SUSPENDED")
    dialog = ReviewDialog([(8, "HK-1004")], "ann", Disposition.EXCEPTION_CONFIRMED,
                          suggested_exception="GBS",
                          conflicts=lambda _d, _e: [conflict])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reason.setPlainText("advisory opinion 2021-07")
    dialog.accept()
    assert "tick Override" in dialog.error.text() and not dialog.result()
    dialog.override.setChecked(True)
    assert dialog.error.text() == "An override needs the reason for overriding."
    dialog.override_reason.setText("BIS advisory opinion of 2021-07-01")
    assert dialog.error.text() == ""
    dialog.grab().save(str(tmp_path / "review.png"))
    dialog.accept()
    assert dialog.result() and dialog.value().override_reason


def test_no_error_before_save_is_pressed(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = ReviewDialog([(5, "HK-1001")], "ann", Disposition.CLEARED)
    qtbot.addWidget(dialog)
    dialog.reason.setPlainText("x")
    dialog.reason.setPlainText("")
    assert dialog.error.text() == ""


@pytest.fixture
def window(qtbot, db, tmp_path) -> MainWindow:  # type: ignore[no-untyped-def]
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    settings.set(Settings.REVIEWER, "ann")
    win = MainWindow(db, settings, synchronous_jobs=True)
    qtbot.addWidget(win)
    run = run_screening(db, SAMPLE_XLSX, ScreenOptions(), rules=win.rules).run
    win.load_run(run.id)
    return win


def test_review_from_the_workbench_fills_in_the_claimed_exception(window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    shown: list[str] = []

    def look(dialog: ReviewDialog) -> int:
        shown.append(dialog.license_exception.text())
        return 0

    monkeypatch.setattr(ReviewDialog, "exec", look)
    window.select_row(6)  # HK-1002 claims GBS
    window.review_selected(Disposition.EXCEPTION_CONFIRMED)
    window.select_row(5)  # HK-1001 claims NLR
    window.review_selected(Disposition.EXCEPTION_CONFIRMED)
    window.select_row(17)  # HK-1013 claims none
    window.review_selected(Disposition.EXCEPTION_CONFIRMED)
    window.table.selectAll()  # lines claiming different exceptions: none is filled in
    window.review_selected(Disposition.EXCEPTION_CONFIRMED)
    assert shown == ["GBS", "NLR", "", ""]
