"""Rules browser: Country Chart row for a destination on a date, ECCNs, licence exception
availability, regime changes with citations; with a database, the rule editor and the change
log too."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDate, Qt, Signal
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
    QTableWidget,
    QTableWidgetItem,
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
    remove_rule_row,
    set_rule_value,
)
from screening.rules.files import RULE_FILES
from screening.rules.ruleset import RuleSet, load_ruleset
from screening.rules.schema import CHART_COLUMNS
from ui.models.simple import RowsModel
from ui.views.eccn_browser import EccnBrowser


def edition_text(rules: RuleSet) -> str:
    """"Commerce Control List: eCFR edition 2026-08-07 (637 entries) ..." for the browser."""
    editions: dict[str, int] = {}
    for entry in rules.eccns.values():
        if entry.edition:
            editions[entry.edition] = editions.get(entry.edition, 0) + 1
    chart = sorted({r.row_key for rows in rules.chart.values() for r in rows
                    if r.date_basis.startswith("eCFR edition")})
    text = "; ".join(
        QCoreApplication.translate("RulesDialog", "Commerce Control List: eCFR edition %1 "
                                   "(%2 entries)").replace("%1", e).replace("%2", str(n))
        for e, n in sorted(editions.items()))
    if chart:
        text += QCoreApplication.translate(
            "RulesDialog", "; Country Chart of the same edition (%1 destinations)").replace(
            "%1", str(len(chart)))
    return text or QCoreApplication.translate("RulesDialog", "No Control List edition loaded")


def _table(model: RowsModel, stretch: int | None = None) -> QTableView:
    """Columns as wide as their content (an X column stays narrow, headers are not
    clipped), the ``stretch`` column taking the rest."""
    view = QTableView()
    view.setModel(model)
    view.setSortingEnabled(False)
    view.setWordWrap(False)
    header = view.horizontalHeader()
    header.setMinimumSectionSize(28)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return view


class RulesDialog(QDialog):
    """The rules as this database holds them. With a database it also edits them; after an
    edit every tab, the title and ``rules_changed`` reflect the new rules version."""

    rules_changed = Signal(str)  # the new rules version

    def __init__(self, rules: RuleSet, parent: QWidget | None = None, *,
                 db: Database | None = None, editor: str = ""):
        super().__init__(parent)
        self.rules, self.db, self.editor = rules, db, editor
        self.resize(1200, 640)
        tabs = QTabWidget()
        layout = QVBoxLayout(self)
        self.edition = QLabel()
        self.edition.setWordWrap(True)
        layout.addWidget(self.edition)
        layout.addWidget(tabs)

        chart = QWidget()
        chart_layout = QVBoxLayout(chart)
        row = QHBoxLayout()
        self.country = QComboBox()
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
            self.tr("Verification"), self.tr("Citation")], parent=self)
        self.chart_view = _table(self.chart_model, len(CHART_COLUMNS) + 4)
        chart_layout.addWidget(self.chart_view)
        tabs.addTab(chart, self.tr("Country Chart"))

        self.eccns = EccnBrowser()
        self.eccn_model = self.eccns.model
        tabs.addTab(self.eccns, self.tr("ECCNs"))
        self.exception_model = RowsModel(
            [self.tr("Exception"), self.tr("Destination"), self.tr("Status"),
             self.tr("Valid from"), self.tr("Valid to"), self.tr("Note"), self.tr("Citation"),
             self.tr("Verification")], parent=self)
        tabs.addTab(_table(self.exception_model, 5), self.tr("Licence exceptions"))
        self.change_model = RowsModel([self.tr("Effective"), self.tr("Citation"),
                                       self.tr("Title"), self.tr("Summary"),
                                       self.tr("Verification")], parent=self)
        tabs.addTab(_table(self.change_model, 3), self.tr("Regime changes"))
        if db is not None:
            tabs.addTab(RuleEditor(db, editor, self), self.tr("Edit a rule"))
            self.log_model = RowsModel([
                self.tr("When (UTC)"), self.tr("By"), self.tr("File"), self.tr("Row"),
                self.tr("Column"), self.tr("Old"), self.tr("New"), self.tr("Reason"),
                self.tr("Citation"), self.tr("Version after")], parent=self)
            tabs.addTab(_table(self.log_model, 7), self.tr("Change log"))
        self.country.currentIndexChanged.connect(self._chart)
        self.date.dateChanged.connect(self._chart)
        self.show_rules(rules)

    def show_rules(self, rules: RuleSet) -> None:
        """Fill every tab and the title from ``rules`` (again after an edit)."""
        self.rules = rules
        title = self.tr("Rules · version %1") if self.db is not None else \
            self.tr("Rules browser (read-only) · version %1")
        self.setWindowTitle(title.replace("%1", rules.version[:16] + "…"))
        chosen = self.country.currentData() or "HK"
        self.country.blockSignals(True)
        self.country.clear()
        for code in sorted(rules.chart, key=rules.country_name):
            self.country.addItem(f"{rules.country_name(code)} ({code})", code)
        self.country.setCurrentIndex(max(self.country.findData(chosen), 0))
        self.country.blockSignals(False)
        self._chart()
        self.edition.setText(edition_text(rules))
        self.eccns.show_rules(rules)
        self.exception_model.set_rows(
            [[r.code, r.country, r.status, r.valid_from, r.valid_to, r.note, r.citation,
              r.verification] for rs in rules.exception_rules.values() for r in rs])
        self.change_model.set_rows([[c.effective, c.citation, c.title, c.summary,
                                     c.verification] for c in rules.regime_changes])
        self.refresh_log()

    def rules_edited(self) -> None:
        """After an edit: reload the rules, refresh every tab, tell the window."""
        assert self.db is not None
        with self.db.sessions() as session:
            rules = load_ruleset(session)
        self.show_rules(rules)
        self.rules_changed.emit(rules.version)

    def refresh_log(self) -> None:
        if self.db is None:
            return
        with self.db.sessions() as session:
            log = change_log(session)
        self.log_model.set_rows([[str(c.changed_at)[:19], c.changed_by, c.rule_file,
                                  row_text(c.row_key), c.column, c.old_value, c.new_value,
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
            text += self.tr("licensed as %1 under %2. ").replace(
                "%1", self.rules.country_name(licensing)).replace("%2", mapping.citation)
        if row:
            groups = ", ".join(sorted(self.rules.groups_on(licensing, date)))
            text += self.tr("Row %1: X in %2; Country Groups %3. ").replace(
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


_FILE_NAMES = {
    "country_chart.csv": QT_TRANSLATE_NOOP("RuleEditor", "Country Chart rows"),
    "country_groups.csv": QT_TRANSLATE_NOOP("RuleEditor", "Country Group memberships"),
    "country_aliases.csv": QT_TRANSLATE_NOOP("RuleEditor", "Country names and aliases"),
    "destination_mappings.csv": QT_TRANSLATE_NOOP("RuleEditor", "Destination mappings"),
    "eccns.csv": QT_TRANSLATE_NOOP("RuleEditor", "ECCNs"),
    "eccn_controls.csv": QT_TRANSLATE_NOOP("RuleEditor", "ECCN licence requirements"),
    "special_controls.csv": QT_TRANSLATE_NOOP("RuleEditor", "Special controls"),
    "license_exceptions.csv": QT_TRANSLATE_NOOP("RuleEditor", "Licence exceptions"),
    "license_exception_rules.csv": QT_TRANSLATE_NOOP("RuleEditor",
                                                     "Licence exception availability"),
    "end_use_rules.csv": QT_TRANSLATE_NOOP("RuleEditor", "End-use and end-user rules"),
    "eei_rules.csv": QT_TRANSLATE_NOOP("RuleEditor", "EEI filing rules"),
    "savings_clauses.csv": QT_TRANSLATE_NOOP("RuleEditor", "Savings clauses"),
    "regime_changes.csv": QT_TRANSLATE_NOOP("RuleEditor", "Regime changes"),
}


def row_text(key: dict[str, str]) -> str:
    """A rule row's key as people read it: ``eccn 3A991``, ``country_code HK, group B``."""
    return ", ".join(f"{column} {value}" for column, value in key.items())


class RuleEditor(QWidget):
    """Change one rule cell: pick the table, the row (one field per key column) and the
    column; shows the value as read, refuses a change if someone else changed it meanwhile
    (optimistic lock), and needs a reason and a citation. Adds a row (a value per column)
    or removes the row the key names."""

    def __init__(self, db: Database, editor: str, dialog: RulesDialog):
        super().__init__()
        self.db, self.editor, self.dialog = db, editor, dialog
        self.seen: str | None = None
        self.key_fields: dict[str, QLineEdit] = {}
        outer = QVBoxLayout(self)
        form = QFormLayout()
        outer.addLayout(form)
        self.file = QComboBox()
        for spec in RULE_FILES:
            name = QCoreApplication.translate("RuleEditor", _FILE_NAMES.get(spec.filename,
                                                                            spec.filename))
            self.file.addItem(name, spec.filename)
            self.file.setItemData(self.file.count() - 1, spec.filename,
                                  Qt.ItemDataRole.ToolTipRole)
        self.key_box = QWidget()
        self.key_form = QFormLayout(self.key_box)
        self.key_form.setContentsMargins(0, 0, 0, 0)
        self.column = QComboBox()
        load = QPushButton(self.tr("&Read current value"))
        load.clicked.connect(self.read)
        self.current = QLabel()
        self.value = QLineEdit()
        self.reason = QLineEdit()
        self.citation = QLineEdit()
        self.citation.setPlaceholderText(self.tr("Federal Register or CFR cite (required)"))
        save = QPushButton(self.tr("&Save change"))
        save.clicked.connect(self.save)
        self.new_row = QTableWidget(0, 2)
        self.new_row.setHorizontalHeaderLabels([self.tr("Column"), self.tr("Value")])
        self.new_row.horizontalHeader().setStretchLastSection(True)
        self.new_row.verticalHeader().setVisible(False)
        self.new_row.setMinimumHeight(120)
        add = QPushButton(self.tr("&Add this row"))
        add.clicked.connect(self.add_row)
        remove = QPushButton(self.tr("Re&move the row named above"))
        remove.clicked.connect(self.remove_row)
        self.status = QLabel()
        self.status.setWordWrap(True)
        for label, widget in ((self.tr("Rule table"), self.file),
                              (self.tr("Row"), self.key_box),
                              (self.tr("Column"), self.column), ("", load),
                              (self.tr("Current value"), self.current),
                              (self.tr("New value"), self.value),
                              (self.tr("Reason"), self.reason),
                              (self.tr("Citation"), self.citation), ("", save),
                              (self.tr("New row"), self.new_row), ("", add),
                              ("", remove), ("", self.status)):
            form.addRow(label, widget)
        self.file.currentIndexChanged.connect(self._file_chosen)
        self._file_chosen()

    def choose_file(self, filename: str) -> None:
        self.file.setCurrentIndex(self.file.findData(filename))

    def _spec(self):  # type: ignore[no-untyped-def]
        return next(s for s in RULE_FILES if s.filename == self.file.currentData())

    def _file_chosen(self) -> None:
        spec = self._spec()
        while self.key_form.rowCount():
            self.key_form.removeRow(0)
        self.key_fields = {}
        for column in spec.key:
            field = QLineEdit()
            self.key_fields[column] = field
            self.key_form.addRow(column, field)
        self.column.clear()
        self.column.addItems([c for c in spec.header if c not in spec.key])
        self.new_row.setRowCount(len(spec.header))
        for r, column in enumerate(spec.header):
            name = QTableWidgetItem(column)
            name.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.new_row.setItem(r, 0, name)
            self.new_row.setItem(r, 1, QTableWidgetItem(""))
        self.seen = None
        self.current.setText("")

    def set_key(self, **values: str) -> None:
        for column, value in values.items():
            self.key_fields[column].setText(value)

    def key(self) -> dict[str, str]:
        return {column: field.text().strip() for column, field in self.key_fields.items()}

    def new_row_values(self) -> dict[str, str]:
        values = {}
        for r in range(self.new_row.rowCount()):
            name, value = self.new_row.item(r, 0), self.new_row.item(r, 1)
            if name is not None and value is not None and value.text().strip():
                values[name.text()] = value.text().strip()
        return values

    def read(self) -> None:
        try:
            with self.db.sessions() as session:
                self.seen = get_rule_value(session, self.file.currentData(), self.key(),
                                           self.column.currentText())
        except (RuleEditError, KeyError) as exc:
            self.seen = None
            self.status.setText(str(exc))
            return
        self.current.setText(repr(self.seen))
        self.value.setText(self.seen)
        self.status.setText("")

    def add_row(self) -> None:
        self._apply(lambda session: add_rule_row(
            session, self.file.currentData(), self.new_row_values(),
            reason=self.reason.text(),
            citation=self.citation.text(), changed_by=self.editor))

    def remove_row(self) -> None:
        self._apply(lambda session: remove_rule_row(
            session, self.file.currentData(), self.key(),
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
        self.dialog.rules_edited()

    def save(self) -> None:
        if self.seen is None:
            self.status.setText(self.tr("Read the current value first."))
            return
        try:
            with self.db.sessions.begin() as session:
                change = set_rule_value(session, self.file.currentData(), self.key(),
                                         self.column.currentText(), self.value.text(),
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
        self.dialog.rules_edited()
