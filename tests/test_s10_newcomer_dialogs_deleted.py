"""Every dialog the main window opens is deleted on the GUI thread when it closes: nothing of
it is left as cyclic garbage holding a live Qt object, which the collector would delete on
whatever thread it runs on (a background job's: the app dies with a segmentation fault; see
test_s10_newcomer_rules_dialog_gc.py for the crash itself)."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator

import pytest
import shiboken6
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from screening.service import ScreenOptions, run_screening
from screening.store.reviews import Disposition
from tests.conftest import SAMPLE_XLSX
from ui.dialogs.messages import warn
from ui.main_window import MainWindow
from ui.settings import Settings


@pytest.fixture
def window(qtbot, db, tmp_path) -> MainWindow:  # type: ignore[no-untyped-def]
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    win = MainWindow(db, settings, synchronous_jobs=True)
    qtbot.addWidget(win)
    win.show()
    run = run_screening(db, SAMPLE_XLSX, ScreenOptions(), rules=win.rules).run
    win.load_run(run.id)
    win.select_row(12)
    return win


def _close_the_modal_dialog() -> None:
    dialog = QApplication.activeModalWidget()
    if dialog is None:
        QTimer.singleShot(20, _close_the_modal_dialog)
        return
    dialog.close()


@pytest.fixture
def live_qt_garbage() -> Iterator[Callable[[], list[str]]]:
    """The live Qt objects that only Python's cyclic collector would free."""
    gc.collect()

    def collect() -> list[str]:
        gc.set_debug(gc.DEBUG_SAVEALL)
        try:
            gc.collect()
            return [type(o).__name__ for o in gc.garbage
                    if isinstance(o, shiboken6.Object) and shiboken6.isValid(o)]
        finally:
            gc.set_debug(0)
            gc.garbage.clear()

    yield collect


@pytest.mark.parametrize("open_dialog", [
    pytest.param(lambda w: w.show_rules(), id="rules browser"),
    pytest.param(lambda w: w.show_runs(), id="run history"),
    pytest.param(lambda w: w.review_selected(Disposition.HOLD), id="review"),
    pytest.param(lambda w: w.open_file(SAMPLE_XLSX), id="import wizard"),
    pytest.param(lambda w: warn(w, "a warning", "details"), id="warning"),
])
def test_a_closed_dialog_leaves_no_live_qt_object_to_the_collector(
        window, live_qt_garbage, open_dialog) -> None:  # type: ignore[no-untyped-def]
    QTimer.singleShot(20, _close_the_modal_dialog)
    open_dialog(window)
    assert live_qt_garbage() == []


def test_a_replaced_rescreen_window_is_deleted(window, live_qt_garbage) -> None:  # type: ignore[no-untyped-def]
    first = window.run
    window.rescreen(first.id)
    shown = window.rescreen_dialog
    window.rescreen(first.id)
    assert window.rescreen_dialog is not shown and not shiboken6.isValid(shown)
    assert live_qt_garbage() == []
