"""Review dialog: one disposition, with its reason / licence number, for the lines it names.
A decision that goes against a line's findings (an exception they say is suspended or not
available confirmed, a PROHIBITED line cleared) needs an explicit override with a reason."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from screening.model import Verdict
from screening.store.reviews import Conflict, Disposition
from ui import labels

#: The lines' (row, line id), in table order.
Lines = Sequence[tuple[int, str]]
ConflictCheck = Callable[[Disposition, str], list[Conflict]]


@dataclass(frozen=True)
class ReviewInput:
    disposition: Disposition
    reason: str
    license_number: str
    license_exception: str
    reviewer: str
    override_reason: str = ""


class ReviewDialog(QDialog):
    def __init__(self, lines: Lines, reviewer: str, disposition: Disposition,
                 parent: QWidget | None = None, suggested_exception: str = "",
                 conflicts: ConflictCheck | None = None,
                 core_check: Callable[[ReviewInput], str] | None = None):
        """``core_check``: the core's refusal of a value (``reviews.review_problem``), asked
        before the dialog closes so a refused value stays in it to correct."""
        super().__init__(parent)
        self._core_check = core_check
        self.setWindowTitle(self.tr("Review"))
        self.setMinimumWidth(580)
        self._reviewer = reviewer.strip()
        self._check = conflicts
        self._conflicts: list[Conflict] = []
        layout = QVBoxLayout(self)
        self.lines_label = QLabel(self._describe_lines(lines))
        self.lines_label.setWordWrap(True)
        layout.addWidget(self.lines_label)
        form = QFormLayout()
        self.disposition = QComboBox()
        for d in Disposition:
            self.disposition.addItem(labels.disposition(d), d)
        self.disposition.setCurrentIndex(list(Disposition).index(disposition))
        self.license_number = QLineEdit()
        self.license_number.setPlaceholderText(self.tr("e.g. D1234567 (required for "
                                                       "'Licence obtained')"))
        self.license_exception = QLineEdit(suggested_exception)
        self.license_exception.setPlaceholderText(self.tr("e.g. ENC"))
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText(self.tr("Why: required to clear a line or confirm an "
                                               "exception"))
        self.reviewer = QLabel(self._reviewer or self.tr("(no name: set it in Settings)"))
        self.reviewer.setToolTip(self.tr("The reviewer name from Settings; every review "
                                         "records it."))
        form.addRow(self.tr("&Disposition"), self.disposition)
        form.addRow(self.tr("Licence &number"), self.license_number)
        form.addRow(self.tr("Licence e&xception"), self.license_exception)
        form.addRow(self.tr("&Reason / note"), self.reason)
        form.addRow(self.tr("Reviewer"), self.reviewer)
        layout.addLayout(form)

        self.override_box = QGroupBox(self.tr("This decision goes against the findings"))
        box = QVBoxLayout(self.override_box)
        self.conflict_label = QLabel()
        self.conflict_label.setWordWrap(True)
        self.conflict_label.setStyleSheet("color: #B00020")
        self.override = QCheckBox(self.tr("&Override the findings and record this decision"))
        self.override.setToolTip(self.tr("Marked as an override, with its reason, in the "
                                         "review history and the reports."))
        self.override_reason = QLineEdit()
        self.override_reason.setPlaceholderText(self.tr("Reason for overriding (required), "
                                                        "e.g. the advisory opinion relied on"))
        box.addWidget(self.conflict_label)
        box.addWidget(self.override)
        box.addWidget(self.override_reason)
        layout.addWidget(self.override_box)

        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #B00020")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        # From the keyboard (s29 review: the reason box took Tab and Enter, and nothing
        # saved but the mouse): Tab leaves the reason box, Ctrl+Enter saves from any field.
        # (Enter in a one-line field presses Save, the default button, already.)
        self.reason.setTabChangesFocus(True)
        self.reason.installEventFilter(self)
        self.disposition.currentIndexChanged.connect(self._focus_field)
        self.disposition.currentIndexChanged.connect(self._refresh_conflicts)
        self.license_exception.textChanged.connect(self._refresh_conflicts)
        self.override.toggled.connect(self.override_reason.setEnabled)
        # An error shown by Save follows the fields: it goes once its condition is met (or
        # says what is still missing).
        for changed in (self.disposition.currentIndexChanged, self.override.toggled,
                        self.override_reason.textChanged, self.license_number.textChanged,
                        self.license_exception.textChanged, self.reason.textChanged):
            changed.connect(self._recheck_error)
        self._focus_field()
        self._refresh_conflicts()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.reason and event.type() == QEvent.Type.KeyPress and isinstance(
                event, QKeyEvent) and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.accept()
            return True
        return super().eventFilter(watched, event)

    def _describe_lines(self, lines: Lines) -> str:
        named = [self.tr("%1 (row %2)").replace("%1", line_id or "?").replace("%2", str(row))
                 for row, line_id in lines]
        if len(named) == 1:
            return self.tr("Decision for %1.").replace("%1", named[0])
        if len(named) <= 3:
            return self.tr("One decision, recorded for each of %n line(s): %1.", "",
                           len(named)).replace("%1", ", ".join(named))
        first, last = lines[0][1] or str(lines[0][0]), lines[-1][1] or str(lines[-1][0])
        return self.tr("One decision, recorded for each of %n line(s): %1 \u2026 %2.", "",
                       len(named)).replace("%1", first).replace("%2", last)

    def _refresh_conflicts(self) -> None:
        d = self.value_disposition()
        self._conflicts = self._check(d, self.license_exception.text()) if self._check else []
        shown = [self._describe_conflict(c) for c in self._conflicts[:6]]
        if len(self._conflicts) > 6:
            shown.append(self.tr("and %n more line(s)", "", len(self._conflicts) - 6))
        self.conflict_label.setText("\n".join(shown))
        self.override_box.setVisible(bool(self._conflicts))
        self.override_reason.setEnabled(self.override.isChecked())
        self.adjustSize()  # room for the wrapped conflict text

    def _describe_conflict(self, conflict: Conflict) -> str:
        line = self.tr("%1 (row %2)").replace("%1", conflict.line_id or "?") \
            .replace("%2", str(conflict.row))
        if conflict.finding == Verdict.PROHIBITED.value:
            return self.tr("%1 is PROHIBITED: clearing it goes against its findings.") \
                .replace("%1", line)
        return self.tr("%1: its finding %2 says this licence exception cannot be used.") \
            .replace("%1", line).replace("%2", conflict.finding)

    @property
    def conflicts(self) -> list[Conflict]:
        return list(self._conflicts)

    def _focus_field(self) -> None:
        d = self.value_disposition()
        self.license_number.setEnabled(d is Disposition.LICENSE_OBTAINED)
        self.license_exception.setEnabled(d is Disposition.EXCEPTION_CONFIRMED)
        (self.license_number if d is Disposition.LICENSE_OBTAINED else self.reason).setFocus()

    def value_disposition(self) -> Disposition:
        return Disposition(self.disposition.currentData())

    def value(self) -> ReviewInput:
        d = self.value_disposition()
        override = self.override_reason.text().strip() \
            if self._conflicts and self.override.isChecked() else ""
        return ReviewInput(d, self.reason.toPlainText().strip(),
                           self.license_number.text().strip() if d is
                           Disposition.LICENSE_OBTAINED else "",
                           self.license_exception.text().strip() if d is
                           Disposition.EXCEPTION_CONFIRMED else "",
                           self._reviewer, override)

    def problem(self) -> str:
        """What stops the decision being recorded, in the officer's language ('' if nothing).
        The same rules as the core's ``validate``, which stays the last word."""
        v = self.value()
        if not v.reviewer:
            return self.tr("A reviewer name is required: set it in Settings.")
        if v.disposition is Disposition.LICENSE_OBTAINED and not v.license_number:
            return self.tr("'Licence obtained' needs the licence number.")
        if v.disposition is Disposition.EXCEPTION_CONFIRMED and not (
                v.license_exception and v.reason):
            return self.tr("'Licence exception confirmed' needs the exception and a reason.")
        if v.disposition in (Disposition.CLEARED, Disposition.NOTE) and not v.reason:
            return self.tr("'%1' needs a reason.").replace("%1",
                                                           labels.disposition(v.disposition))
        if self._conflicts and not self.override.isChecked():
            return self.tr("This decision goes against the findings: tick Override and give "
                           "the reason, or choose another decision.")
        if self._conflicts and not v.override_reason:
            return self.tr("An override needs the reason for overriding.")
        return ""

    def _recheck_error(self) -> None:
        if self.error.text():
            self.error.setText(self.problem())
            self.adjustSize()

    def accept(self) -> None:
        problem = self.problem()
        if not problem and self._core_check is not None:
            said = self._core_check(self.value())
            problem = said[:1].upper() + said[1:] + "." if said else ""
        if problem:
            self.error.setText(problem)
            self.adjustSize()
            return
        super().accept()
