"""Read-only rules browser: Country Chart row for a destination on a date, ECCNs, licence
exception availability, regime changes with citations."""

from __future__ import annotations

import json

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from screening.db import Database
from screening.rules.edit import (
    RuleConflict,
    RuleEditError,
    add_rule_row,
    change_log,
    get_rule_value,
    parse_key,
    remove_rule_row,
    set_rule_value,
)
from screening.rules.files import RULE_FILES
from screening.rules.ruleset import RuleSet
from screening.rules.schema import CHART_COLUMNS
from ui.models.simple import RowsModel


def _table(model: RowsModel, stretch: int | None = None) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSortingEnabled(False)
    if stretch is not None:
        view.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return view


class RulesDialog(QDialog):
    def __init__(self, rules: RuleSet, parent: QWidget | None = None, *,
                 db: Database | None = None, editor: str = ""):
        super().__init__(parent)
        self.rules, self.db, self.editor = rules, db, editor
        self.setWindowTitle(self.tr("Rules browser (read-only) · version %1").replace(
            "%1", rules.version[:16] + "…"))
        self.resize(1100, 600)
        tabs = QTabWidget()
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)

        chart = QWidget()
        chart_layout = QVBoxLayout(chart)
        row = QHBoxLayout()
        self.country = QComboBox()
        for code in sorted(rules.chart, key=rules.country_name):
            self.country.addItem(f"{rules.country_name(code)} ({code})", code)
        self.country.setCurrentIndex(max(self.country.findData("HK"), 0))
        self.date = QDateEdit(QDate(2021, 1, 4))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        row.addWidget(QLabel(self.tr("Destination")))
        row.addWidget(self.country)
        row.addWidget(QLabel(self.tr("Export date")))
        row.addWidget(self.date)
        row.addStretch()
        chart_layout.addLayout(row)
        self.chart_text = QLabel()
        self.chart_text.setWordWrap(True)
        chart_layout.addWidget(self.chart_text)
        self.chart_model = RowsModel([
            self.tr("Row"), self.tr("Valid from"), self.tr("Valid to"), *CHART_COLUMNS,
            self.tr("Verification"), self.tr("Citation")])
        chart_layout.addWidget(_table(self.chart_model))
        tabs.addTab(chart, self.tr("Country Chart"))
        self.country.currentIndexChanged.connect(self._chart)
        self.date.dateChanged.connect(self._chart)
        self._chart()

        eccns = RowsModel([self.tr("ECCN"), self.tr("Description"), self.tr("Reasons"),
                           self.tr("Supp. No. 2 (744.21)"), self.tr("Verification"),
                           self.tr("Notes")],
                          [[e.eccn, e.description, " ".join(e.reasons), e.supp2,
                            e.verification, e.notes] for e in rules.eccns.values()])
        tabs.addTab(_table(eccns, 1), self.tr("ECCNs"))
        exceptions = RowsModel(
            [self.tr("Exception"), self.tr("Destination"), self.tr("Status"),
             self.tr("Valid from"), self.tr("Valid to"), self.tr("Note"), self.tr("Citation"),
             self.tr("Verification")],
            [[r.code, r.country, r.status, r.valid_from, r.valid_to, r.note, r.citation,
              r.verification] for rs in rules.exception_rules.values() for r in rs])
        tabs.addTab(_table(exceptions, 5), self.tr("Licence exceptions"))
        changes = RowsModel([self.tr("Effective"), self.tr("Citation"), self.tr("Title"),
                             self.tr("Summary"), self.tr("Verification")],
                            [[c.effective, c.citation, c.title, c.summary, c.verification]
                             for c in rules.regime_changes])
        tabs.addTab(_table(changes, 3), self.tr("Regime changes"))
        if db is not None:
            tabs.addTab(RuleEditor(db, editor, self), self.tr("Edit a rule"))
            self.log_model = RowsModel([
                self.tr("When (UTC)"), self.tr("By"), self.tr("File"), self.tr("Row"),
                self.tr("Column"), self.tr("Old"), self.tr("New"), self.tr("Reason"),
                self.tr("Citation"), self.tr("Version after")])
            tabs.addTab(_table(self.log_model, 7), self.tr("Change log"))
            self.refresh_log()

    def refresh_log(self) -> None:
        if self.db is None:
            return
        with self.db.sessions() as session:
            log = change_log(session)
        self.log_model.set_rows([[str(c.changed_at)[:19], c.changed_by, c.rule_file,
                                  json.dumps(c.row_key), c.column, c.old_value, c.new_value,
                                  c.reason, c.citation, c.version_after[:12]] for c in log])

    def _chart(self) -> None:
        code = self.country.currentData()
        date = self.date.date().toPython()
        mapping = self.rules.mapping_on(code, date)
        licensing = mapping.licensed_as if mapping else code
        row = self.rules.chart_row(licensing, date)
        none = self.tr("none")
        text = self.tr("%1 on %2: ").replace("%1", self.rules.country_name(code)) \
            .replace("%2", str(date))
        if mapping:
            text += self.tr("licensed as %1 (%2). ").replace(
                "%1", self.rules.country_name(licensing)).replace("%2", mapping.citation)
        if row:
            groups = ", ".join(sorted(self.rules.groups_on(licensing, date)))
            text += self.tr("row %1, X in %2; country groups %3. ").replace(
                "%1", row.row_key).replace("%2", " ".join(sorted(row.columns)) or none) \
                .replace("%3", groups or none) + row.date_basis
        else:
            text += self.tr("no Country Chart row in the rules database.")
        self.chart_text.setText(text)
        self.chart_model.set_rows([[r.row_key, r.valid_from, r.valid_to,
                                    *("X" if c in r.columns else "" for c in CHART_COLUMNS),
                                    r.verification, r.citation]
                                   for r in self.rules.chart.get(code, ())
                                   + (self.rules.chart.get(licensing, ())
                                      if licensing != code else ())])


class RuleEditor(QWidget):
    """Change one rule cell: shows the value as read, refuses a change if someone else
    changed it meanwhile (optimistic lock), and needs a reason and a citation."""

    def __init__(self, db: Database, editor: str, dialog: RulesDialog):
        super().__init__()
        self.db, self.editor, self.dialog = db, editor, dialog
        self.seen: str | None = None
        form = QFormLayout(self)
        self.file = QComboBox()
        for spec in RULE_FILES:
            self.file.addItem(spec.filename)
        self.key = QLineEdit()
        self.key.setPlaceholderText(self.tr("key columns, e.g. row_key=HK_PRE2020 or "
                                            "eccn=3A001"))
        self.column = QLineEdit()
        self.column.setPlaceholderText(self.tr("column, e.g. NP2 or supp2"))
        load = QPushButton(self.tr("&Read current value"))
        load.clicked.connect(self.read)
        self.current = QLabel()
        self.value = QLineEdit()
        self.reason = QLineEdit()
        self.citation = QLineEdit()
        self.citation.setPlaceholderText(self.tr("Federal Register or CFR cite (required)"))
        save = QPushButton(self.tr("&Save change"))
        save.clicked.connect(self.save)
        self.row_values = QLineEdit()
        self.row_values.setPlaceholderText(self.tr("new row: column=value,column=value,..."))
        add = QPushButton(self.tr("&Add this row"))
        add.clicked.connect(self.add_row)
        remove = QPushButton(self.tr("Re&move the row with this key"))
        remove.clicked.connect(self.remove_row)
        self.status = QLabel()
        self.status.setWordWrap(True)
        for label, widget in ((self.tr("Rule file"), self.file), (self.tr("Row key"), self.key),
                              (self.tr("Column"), self.column), ("", load),
                              (self.tr("Current value"), self.current),
                              (self.tr("New value"), self.value),
                              (self.tr("Reason"), self.reason),
                              (self.tr("Citation"), self.citation), ("", save),
                              (self.tr("Add a row"), self.row_values), ("", add),
                              ("", remove), ("", self.status)):
            form.addRow(label, widget)

    def read(self) -> None:
        try:
            with self.db.sessions() as session:
                self.seen = get_rule_value(session, self.file.currentText(),
                                           parse_key(self.key.text()),
                                           self.column.text().strip())
        except (RuleEditError, KeyError) as exc:
            self.seen = None
            self.status.setText(str(exc))
            return
        self.current.setText(repr(self.seen))
        self.value.setText(self.seen)
        self.status.setText("")

    def add_row(self) -> None:
        self._apply(lambda session: add_rule_row(
            session, self.file.currentText(), parse_key(self.row_values.text()),
            reason=self.reason.text(),
            citation=self.citation.text(), changed_by=self.editor))

    def remove_row(self) -> None:
        self._apply(lambda session: remove_rule_row(
            session, self.file.currentText(), parse_key(self.key.text()),
            reason=self.reason.text(),
            citation=self.citation.text(), changed_by=self.editor))

    def _apply(self, edit) -> None:  # type: ignore[no-untyped-def]
        try:
            with self.db.sessions.begin() as session:
                change = edit(session)
        except RuleEditError as exc:
            self.status.setText(str(exc))
            return
        self.status.setText(self.tr("Saved (%1). Rules version is now %2.")
                            .replace("%1", change.column)
                            .replace("%2", change.version_after[:16]))
        self.dialog.refresh_log()

    def save(self) -> None:
        if self.seen is None:
            self.status.setText(self.tr("Read the current value first."))
            return
        try:
            with self.db.sessions.begin() as session:
                change = set_rule_value(session, self.file.currentText(),
                                         parse_key(self.key.text()),
                                         self.column.text().strip(), self.value.text(),
                                         expected=self.seen, reason=self.reason.text(),
                                         citation=self.citation.text(),
                                         changed_by=self.editor)
        except RuleConflict as exc:
            QMessageBox(QMessageBox.Icon.Warning, self.tr("Changed by someone else"), str(exc),
                        parent=self).exec()
            self.read()
            return
        except RuleEditError as exc:
            self.status.setText(str(exc))
            return
        self.seen = change.new_value
        self.current.setText(repr(self.seen))
        self.status.setText(self.tr("Saved. Rules version is now %1; new runs use it, earlier "
                                    "runs keep theirs.").replace("%1",
                                                                 change.version_after[:16]))
        self.dialog.refresh_log()
