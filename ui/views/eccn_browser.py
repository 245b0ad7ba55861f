"""The rules browser's ECCN tab: every entry of the Control List edition, and for the one
selected its licence-requirement rows (the regulation's words and how they are applied) and
its paragraph text."""

from __future__ import annotations

import html

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from screening.rules.ruleset import EccnRule, RuleSet
from ui.models.simple import RowsModel


class EccnBrowser(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rules: RuleSet | None = None
        layout = QVBoxLayout(self)
        self.find = QLineEdit()
        self.find.setPlaceholderText(self.tr("Find an ECCN or words in its heading (e.g. 3A090, "
                                             "cameras)"))
        self.find.setClearButtonEnabled(True)
        layout.addWidget(self.find)
        self.model = RowsModel([self.tr("ECCN"), self.tr("Heading"), self.tr("Reasons"),
                                self.tr("Supp. No. 2 (744.21)"), self.tr("In force from"),
                                self.tr("Edition")], parent=self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.setColumnWidth(0, 70)
        self.table.setColumnWidth(1, 520)
        self.table.setColumnWidth(3, 150)
        self.requirements = RowsModel([
            self.tr("Reason"), self.tr("Requirement"), self.tr("Paragraphs"),
            self.tr("Scope (the regulation's words)"), self.tr("From"), self.tr("To"),
            self.tr("Citation")], parent=self)
        self.req_table = QTableView()
        self.req_table.setModel(self.requirements)
        self.req_table.setWordWrap(False)
        self.req_table.setColumnWidth(1, 260)
        self.req_table.setColumnWidth(2, 160)
        self.req_table.setColumnWidth(3, 420)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.heading.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.paragraphs = QTextBrowser()
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.heading)
        inner = QSplitter(Qt.Orientation.Horizontal)
        inner.addWidget(self.req_table)
        inner.addWidget(self.paragraphs)
        inner.setSizes([700, 400])
        detail_layout.addWidget(inner)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(detail)
        split.setSizes([260, 300])
        layout.addWidget(split)
        self.find.textChanged.connect(self.proxy.setFilterFixedString)
        self.table.selectionModel().currentRowChanged.connect(self._selected)

    def show_rules(self, rules: RuleSet) -> None:
        chosen = self.current_eccn()
        self.rules = rules
        entries = sorted(rules.eccns.values(), key=lambda e: e.eccn)
        self.model.set_rows([[e.eccn, e.description, " ".join(e.reasons),
                              e.supp2 + (f" ({e.supp2_since})" if e.supp2_since else ""),
                              e.valid_from or "", e.edition] for e in entries])
        self.select(chosen or "3A001")

    def current_eccn(self) -> str | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return str(self.proxy.index(index.row(), 0).data())

    def select(self, eccn: str) -> None:
        for row in range(self.proxy.rowCount()):
            if self.proxy.index(row, 0).data() == eccn:
                self.table.selectRow(row)
                self.table.scrollTo(self.proxy.index(row, 0))
                self._show(eccn)
                return

    def _selected(self, current, _previous) -> None:  # type: ignore[no-untyped-def]
        if current.isValid():
            self._show(str(self.proxy.index(current.row(), 0).data()))

    def _show(self, eccn: str) -> None:
        assert self.rules is not None
        entry = self.rules.eccns.get(eccn)
        if entry is None:
            return
        note = self.tr(" Points to the USML (ITAR).") if entry.points_to_itar else ""
        self.heading.setText(_bold(eccn) + " " + html.escape(entry.description + note))
        self.requirements.set_rows(_requirement_rows(entry))
        parts = []
        for paragraph, depth, text in self.rules.paragraphs.get(eccn, ()):
            label = f"<b>.{html.escape(paragraph)}</b> " if paragraph else ""
            parts.append(f"<p style='margin-left:{12 * depth}px'>{label}{html.escape(text)}</p>")
        flags = self.rules.exception_flags.get(eccn, {})
        if flags:
            parts.append("<hr/><p><b>" + html.escape(self.tr("List based license exceptions"))
                         + "</b></p>")
            parts.extend(f"<p><b>{html.escape(code)}</b>: {html.escape(text)}</p>"
                         for code, text in flags.items())
        self.paragraphs.setHtml("".join(parts) or html.escape(
            self.tr("No paragraph text in the edition for this entry.")))


def _bold(text: str) -> str:
    return "".join(("<b>", html.escape(text), "</b>"))


def _requirement_rows(entry: EccnRule) -> list[list[object]]:
    rows: list[list[object]] = []
    for c in entry.controls:
        paragraphs = c.scope_text(entry.eccn) + (" (with a condition)" if c.condition else "")
        rows.append([c.reason, f"Country Chart {c.column}", paragraphs, c.scope,
                     c.valid_from or "", c.valid_to or "", c.citation])
    for s in entry.specials:
        where = ", ".join("any destination" if d == "*" else d for d in s.destinations)
        if s.groups:
            where += (" + " if where else "") + "groups " + "/".join(s.groups)
        if s.except_groups or s.except_destinations:
            where += " except " + "/".join((*s.except_groups, *s.except_destinations))
        kind = "licence" if s.severity == "license" else "review"
        requirement = f"{kind}: {where}" if where else kind
        paragraphs = s.scope_text(entry.eccn) + (" (with a condition)" if s.condition else "")
        rows.append([s.reason, requirement, paragraphs, s.requirement or s.summary,
                     s.valid_from or "", s.valid_to or "", s.citation])
    return rows
