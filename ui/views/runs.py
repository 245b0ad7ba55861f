"""Run history: every recorded run; reopen to continue reviewing; archive (never delete)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import func, select

from screening.db import Database
from screening.store import runs as run_store
from screening.store.reviews import Disposition
from screening.store.schema import Review, RunLine
from ui import labels
from ui.models.simple import RowsModel

HEADERS = [  # literal by literal: pyside6-lupdate only collects literals
    QT_TRANSLATE_NOOP("RunsDialog", "Run"), QT_TRANSLATE_NOOP("RunsDialog", "Started (UTC)"),
    QT_TRANSLATE_NOOP("RunsDialog", "Status"), QT_TRANSLATE_NOOP("RunsDialog", "Input file"),
    QT_TRANSLATE_NOOP("RunsDialog", "SHA-256"), QT_TRANSLATE_NOOP("RunsDialog", "By"),
    QT_TRANSLATE_NOOP("RunsDialog", "Rules version"), QT_TRANSLATE_NOOP("RunsDialog", "Lines"),
    QT_TRANSLATE_NOOP("RunsDialog", "Needs attention"),
    QT_TRANSLATE_NOOP("RunsDialog", "Reviewed"), QT_TRANSLATE_NOOP("RunsDialog", "Archived")]


class RunsDialog(QDialog):
    open_run = Signal(int)
    rescreen_run = Signal(int)  # screen the stored input again under the current rules

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(self.tr("Run history"))
        self.resize(1200, 520)
        layout = QVBoxLayout(self)
        self.model = RowsModel([self.tr(h) for h in HEADERS], parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Every column as wide as its content and header (dates on one line, the file name
        # whole); the file name takes what is left, never less than its text.
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.doubleClicked.connect(lambda _i: self._open())
        layout.addWidget(self.table)
        buttons = QHBoxLayout()
        self.show_archived = QCheckBox(self.tr("Show archived runs"))
        self.show_archived.toggled.connect(self.refresh)
        open_button = QPushButton(self.tr("&Open and continue reviewing"))
        open_button.clicked.connect(self._open)
        self.archive_button = QPushButton(self.tr("&Archive / unarchive"))
        self.archive_button.clicked.connect(self._archive)
        rescreen = QPushButton(self.tr("Re-&screen with current rules"))
        rescreen.setToolTip(self.tr("Screen this run's stored copy of the input again and "
                                    "list every line whose verdict or findings changed"))
        rescreen.clicked.connect(self._rescreen)
        buttons.addWidget(self.show_archived)
        buttons.addStretch()
        buttons.addWidget(self.archive_button)
        buttons.addWidget(rescreen)
        buttons.addWidget(open_button)
        layout.addLayout(buttons)
        self.runs: list[run_store.RunInfo] = []
        self.refresh()

    def refresh(self) -> None:
        rows = []
        with self.db.sessions() as session:
            self.runs = run_store.list_runs(session, 1000,
                                            include_archived=self.show_archived.isChecked())
            # A flagged line's disposition in force is its latest non-note review (later ones
            # supersede, never remove); it is decided unless that is Hold. Counted for all
            # runs in one query: decided and on hold per run.
            latest = (select(func.max(Review.id).label("id"))
                      .where(Review.disposition != Disposition.NOTE.value)
                      .group_by(Review.run_id, Review.row).subquery())
            on_hold = Review.disposition == Disposition.HOLD.value
            progress = {run_id: (decided, held) for run_id, decided, held in session.execute(
                select(Review.run_id,
                       func.count().filter(~on_hold), func.count().filter(on_hold))
                .join(latest, latest.c.id == Review.id)
                .join(RunLine, (RunLine.run_id == Review.run_id) & (RunLine.row == Review.row))
                .where(RunLine.verdict != "CLEAR")
                .group_by(Review.run_id)).all()}
            for run in self.runs:
                attention = run.line_count - run.counts.get("CLEAR", 0)
                reviewed, held = progress.get(run.id, (0, 0))
                rows.append([run.id, run.started_at.strftime("%Y-%m-%d %H:%M"),
                             labels.run_status(run.status),
                             run.input_name, run.input_sha256[:16] + "…", run.user,
                             run.rules_version[:12] + "…", f"{run.line_count:,}",
                             f"{attention:,}",
                             (self.tr("%1 / %2 (%3 on hold)") if held else "%1 / %2")
                             .replace("%1", f"{reviewed:,}").replace("%2", f"{attention:,}")
                             .replace("%3", f"{held:,}"),
                             self.tr("yes") if run.archived else ""])
        self.model.set_rows(rows)
        if rows:
            self.table.selectRow(0)

    def _selected(self) -> run_store.RunInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.runs[rows[0].row()] if rows else None

    def _open(self) -> None:
        run = self._selected()
        if run is not None:
            self.open_run.emit(run.id)
            self.accept()

    def _rescreen(self) -> None:
        run = self._selected()
        if run is not None:
            self.rescreen_run.emit(run.id)
            self.accept()

    def _archive(self) -> None:
        run = self._selected()
        if run is None:
            return
        with self.db.sessions.begin() as session:
            run_store.set_archived(session, run.id, not run.archived)
        self.refresh()

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._open()
            return
        super().keyPressEvent(event)
