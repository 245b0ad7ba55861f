"""Review dialog: one disposition, with its reason / licence number, for the selected lines."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from screening.store.reviews import Disposition, ReviewError, validate
from ui import labels


@dataclass(frozen=True)
class ReviewInput:
    disposition: Disposition
    reason: str
    license_number: str
    license_exception: str
    reviewer: str


class ReviewDialog(QDialog):
    def __init__(self, count: int, reviewer: str, disposition: Disposition,
                 parent: QWidget | None = None, suggested_exception: str = ""):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Review"))
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        what = self.tr("%n line(s) selected: one decision, recorded for each.", "", count)
        layout.addWidget(QLabel(what))
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
        self.reviewer = QLineEdit(reviewer)
        form.addRow(self.tr("&Disposition"), self.disposition)
        form.addRow(self.tr("Licence &number"), self.license_number)
        form.addRow(self.tr("Licence e&xception"), self.license_exception)
        form.addRow(self.tr("&Reason / note"), self.reason)
        form.addRow(self.tr("Reviewer"), self.reviewer)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setStyleSheet("color: #B00020")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.disposition.currentIndexChanged.connect(self._focus_field)
        self._focus_field()

    def _focus_field(self) -> None:
        d = self.value_disposition()
        self.license_number.setEnabled(d is Disposition.LICENSE_OBTAINED)
        self.license_exception.setEnabled(d is Disposition.EXCEPTION_CONFIRMED)
        (self.license_number if d is Disposition.LICENSE_OBTAINED else self.reason).setFocus()

    def value_disposition(self) -> Disposition:
        return Disposition(self.disposition.currentData())

    def value(self) -> ReviewInput:
        d = self.value_disposition()
        return ReviewInput(d, self.reason.toPlainText().strip(),
                           self.license_number.text().strip() if d is
                           Disposition.LICENSE_OBTAINED else "",
                           self.license_exception.text().strip() if d is
                           Disposition.EXCEPTION_CONFIRMED else "",
                           self.reviewer.text().strip())

    def accept(self) -> None:
        v = self.value()
        try:
            validate(v.disposition, v.reason, v.license_number, v.license_exception,
                     v.reviewer)
        except ReviewError as exc:
            self.error.setText(str(exc))
            return
        super().accept()
