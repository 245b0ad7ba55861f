"""The result of re-screening a run under the current rules: every line whose verdict or
findings changed, next to the run it was compared with."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from screening.service import LineChange
from screening.store.runs import RunInfo
from ui.models.simple import RowsModel

HEADERS = [  # literal by literal: pyside6-lupdate only collects literals
    QT_TRANSLATE_NOOP("RescreenDialog", "Row"), QT_TRANSLATE_NOOP("RescreenDialog", "Line ID"),
    QT_TRANSLATE_NOOP("RescreenDialog", "Verdict before"),
    QT_TRANSLATE_NOOP("RescreenDialog", "Verdict now"),
    QT_TRANSLATE_NOOP("RescreenDialog", "Findings added"),
    QT_TRANSLATE_NOOP("RescreenDialog", "Findings removed")]


class RescreenDialog(QDialog):
    line_chosen = Signal(int)  # an input row to show in the workbench

    def __init__(self, before: RunInfo, after: RunInfo, changes: list[LineChange],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Re-screen: what changed"))
        self.resize(900, 480)
        layout = QVBoxLayout(self)
        summary = QLabel(self.tr(
            "Run %1 (rules %2) screened again as run %3 (rules %4): %5 of %6 lines changed. "
            "The new run is open in the workbench; double-click a line to show it.")
            .replace("%1", str(before.id)).replace("%2", before.rules_version[:12])
            .replace("%3", str(after.id)).replace("%4", after.rules_version[:12])
            .replace("%5", f"{len(changes):,}").replace("%6", f"{after.line_count:,}"))
        summary.setWordWrap(True)
        layout.addWidget(summary)
        self.model = RowsModel([self.tr(h) for h in HEADERS],
                               [[c.row, c.line_id, c.before, c.after, " ".join(c.added),
                                 " ".join(c.removed)] for c in changes], parent=self)
        self.changes = changes
        table = QTableView()
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        table.doubleClicked.connect(lambda index: self.line_chosen.emit(
            self.changes[index.row()].row))
        layout.addWidget(table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
