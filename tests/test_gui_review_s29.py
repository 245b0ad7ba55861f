"""s29 GUI review: a licence number the core refuses ("see email") closed the review dialog
behind an error box, and what the officer typed was gone. The dialog now asks the core
before it closes and keeps the value to correct."""

from __future__ import annotations

import pytest

from screening.store.reviews import Disposition, run_reviews
from tests import test_s10_newcomer_review_dialog
from ui.dialogs.review import ReviewDialog

#: The workbench on the screened sample, as the s10 review-dialog tests open it.
window = test_s10_newcomer_review_dialog.window


@pytest.mark.parametrize(("number", "says"), [
    ("see email", "says no licence is held"), ("LVS", "is a licence exception code"),
    ("approved", "is not a licence number")])
def test_a_refused_licence_number_stays_in_the_dialog(window, monkeypatch, db, number,
                                                     says) -> None:  # type: ignore[no-untyped-def]
    seen: dict[str, object] = {}
    errors: list[str] = []
    monkeypatch.setattr(window, "error", lambda *args: errors.append(str(args)))

    def typed_then_saved(dialog: ReviewDialog) -> int:
        dialog.license_number.setText(number)
        dialog.accept()  # refused: stays open, the number kept, the core's reason shown
        seen["open"] = not dialog.result()
        seen["error"] = dialog.error.text()
        seen["kept"] = dialog.license_number.text()
        dialog.license_number.setText("D765432")  # corrected, then saved
        dialog.accept()
        return int(dialog.result())

    monkeypatch.setattr(ReviewDialog, "exec", typed_then_saved)
    window.select_row(6)
    window.review_selected(Disposition.LICENSE_OBTAINED)
    assert seen["open"] and seen["kept"] == number, seen
    assert says in str(seen["error"]), seen
    assert not errors
    with db.sessions() as session:
        recorded = run_reviews(session, window.run.id)
    assert [(r.row, r.license_number) for r in recorded] == [(6, "D765432")]


def test_the_detail_pane_follows_a_filter_that_drops_the_selection(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.select_row(9)
    assert "HK-1005" in window.detail.toPlainText()
    window.quick.setText("zzzz-no-such-line")
    window.apply_filters()
    qtbot.waitUntil(lambda: window.model.rowCount() == 0)
    assert window.selected_rows() == []
    assert window.detail.toPlainText() == ""


def test_the_review_choice_and_the_unreviewed_toggle_set_each_other_aside(window) -> None:  # type: ignore[no-untyped-def]
    window.unreviewed_button.setChecked(True)
    assert window.current_filters().review == "unreviewed"
    chosen = next(i for i in range(window.review_filter.count())
                  if window.review_filter.itemData(i) == Disposition.LICENSE_OBTAINED.label)
    window.review_filter.setCurrentIndex(chosen)
    assert not window.unreviewed_button.isChecked()
    assert window.current_filters().review == Disposition.LICENSE_OBTAINED.label
    window.unreviewed_button.setChecked(True)
    assert window.review_filter.currentIndex() == 0
    assert window.current_filters().review == "unreviewed"


def test_the_review_dialog_saves_and_moves_on_from_the_keyboard(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent

    dialog = ReviewDialog([(5, "HK-1001")], "ann", Disposition.CLEARED)
    qtbot.addWidget(dialog)  # (not shown: a shown dialog keeps the focus from later tests)
    dialog.reason.setPlainText("Not subject: EAR99 per CCATS G123456")
    assert dialog.reason.tabChangesFocus()
    # Given to the dialog's filter of the reason box's keys, not sent through the
    # application: it would keep Ctrl held down for the tests after this one.
    assert not dialog.eventFilter(dialog.reason, QKeyEvent(  # Enter alone: a new line
        QEvent.Type.KeyPress, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier))
    assert dialog.result() == 0
    assert dialog.eventFilter(dialog.reason, QKeyEvent(
        QEvent.Type.KeyPress, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier))
    assert dialog.result() == 1
    assert dialog.value().reason == "Not subject: EAR99 per CCATS G123456"
