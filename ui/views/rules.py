"""Read-only rules browser: Country Chart row for a destination on a date, ECCNs, licence
exception availability, regime changes with citations."""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

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
    def __init__(self, rules: RuleSet, parent: QWidget | None = None):
        super().__init__(parent)
        self.rules = rules
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
        self.chart_model = RowsModel(["Row", "Valid from", "Valid to", *CHART_COLUMNS,
                                      "Verification", "Citation"])
        chart_layout.addWidget(_table(self.chart_model))
        tabs.addTab(chart, self.tr("Country Chart"))
        self.country.currentIndexChanged.connect(self._chart)
        self.date.dateChanged.connect(self._chart)
        self._chart()

        eccns = RowsModel(["ECCN", "Description", "Reasons", "Supp. No. 2 (744.21)",
                           "Verification", "Notes"],
                          [[e.eccn, e.description, " ".join(e.reasons), e.supp2,
                            e.verification, e.notes] for e in rules.eccns.values()])
        tabs.addTab(_table(eccns, 1), self.tr("ECCNs"))
        exceptions = RowsModel(
            ["Exception", "Destination", "Status", "Valid from", "Valid to", "Note",
             "Citation", "Verification"],
            [[r.code, r.country, r.status, r.valid_from, r.valid_to, r.note, r.citation,
              r.verification] for rs in rules.exception_rules.values() for r in rs])
        tabs.addTab(_table(exceptions, 5), self.tr("Licence exceptions"))
        changes = RowsModel(["Effective", "Citation", "Title", "Summary", "Verification"],
                            [[c.effective, c.citation, c.title, c.summary, c.verification]
                             for c in rules.regime_changes])
        tabs.addTab(_table(changes, 3), self.tr("Regime changes"))

    def _chart(self) -> None:
        code = self.country.currentData()
        date = self.date.date().toPython()
        mapping = self.rules.mapping_on(code, date)
        licensing = mapping.licensed_as if mapping else code
        row = self.rules.chart_row(licensing, date)
        text = f"{self.rules.country_name(code)} on {date}: "
        if mapping:
            text += (f"licensed as {self.rules.country_name(licensing)} "
                     f"({mapping.citation}). ")
        if row:
            groups = ", ".join(sorted(self.rules.groups_on(licensing, date)))
            text += (f"row {row.row_key}, X in {' '.join(sorted(row.columns)) or 'none'}; "
                     f"country groups {groups or 'none'}. {row.date_basis}")
        else:
            text += "no Country Chart row in the rules database."
        self.chart_text.setText(text)
        self.chart_model.set_rows([[r.row_key, r.valid_from, r.valid_to,
                                    *("X" if c in r.columns else "" for c in CHART_COLUMNS),
                                    r.verification, r.citation]
                                   for r in self.rules.chart.get(code, ())
                                   + (self.rules.chart.get(licensing, ())
                                      if licensing != code else ())])
