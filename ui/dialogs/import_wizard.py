"""Import wizard: sheet, header row, column mapping (with date order and profiles), preview.

The wizard only decides; screening then runs in a worker with the same core functions as
the CLI (``screening.service``)."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from screening.affiliates import load_affiliate_rules
from screening.background import Background
from screening.db import Database
from screening.engine import screen_line
from screening.ingest import IngestError
from screening.ingest.columns import (
    REQUIRED,
    Field,
    auto_mapping,
    detect_header,
    header_signature,
)
from screening.ingest.pipeline import HEADER_SCAN_ROWS, MappingSpec, prepare_input
from screening.ingest.readers import (
    column_letter,
    list_sheets,
    open_csv,
    open_xlsx,
    sniff_kind,
)
from screening.normalize import DateOrder, clean_text
from screening.party_screen import PartyScreen, lists_findings, with_findings
from screening.rules.ruleset import RuleSet
from screening.service import ScreenOptions, maps_parties
from screening.store import parties as party_store
from screening.store.profiles import load_profile, profile_names, profiles_for_headers
from ui import labels
from ui.models.results import VERDICT_COLOURS
from ui.models.simple import RowsModel

MAPPING_SCAN_ROWS = 2_000  # rows the mapping page checks for ambiguous dates


@dataclass(frozen=True)
class ImportChoice:
    path: Path
    options: ScreenOptions
    save_profile: str = ""
    headers: tuple[str, ...] = ()  # the header row, for a saved profile's signature


def _party_screen(db: Database, rules: RuleSet
                  ) -> tuple[PartyScreen | None, list[str], list[party_store.ListInfo]]:
    """The restricted-party check a run started now makes, its lists' names, and the lists
    (what every line gets from them depends on the file too: ``lists_findings``)."""
    with db.sessions() as session:
        index, lists = party_store.load_index(session)
        screen = PartyScreen(index, party_store.suppressed_pairs(session),
                             load_affiliate_rules(session),
                             military_countries=rules.end_user_countries) if index else None
    return screen, [f"{item.name} ({item.list_date})" if item.list_date else item.name
                    for item in lists], lists


class ImportWizard(QWizard):
    def __init__(self, path: Path, db: Database, rules: RuleSet, parent: QWidget | None = None):
        super().__init__(parent)
        self.path, self.db, self.rules = Path(path), db, rules
        self.setWindowTitle(self.tr("Import %1").replace("%1", self.path.name))
        self.setMinimumSize(900, 600)
        # Refuse unreadable files before any page shows (IngestError goes to the caller).
        self.kind = sniff_kind(self.path)
        self.head: list[tuple[int, list[object]]] = []
        self.sheet: str | None = None
        self._sample_rows: list[tuple[int, list[object]]] | None = None
        self._sample_sheet: str | None = None
        self._parties: Background[tuple[PartyScreen | None, list[str]]] | None = None
        if self.kind == "xlsx":
            list_sheets(self.path)
        else:
            self.load_head(None)
        self.sheet_page = SheetPage(self)
        self.header_page = HeaderPage(self)
        self.mapping_page = MappingPage(self)
        self.preview_page = PreviewPage(self)
        if self.kind == "xlsx":
            self.addPage(self.sheet_page)
        for page in (self.header_page, self.mapping_page, self.preview_page):
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("&Screen"))

    # -- helpers shared by pages -------------------------------------------------------
    def load_head(self, sheet: str | None) -> None:
        self.sheet = sheet
        source = open_xlsx(self.path, sheet) if sheet else open_csv(self.path)
        self.head = list(itertools.islice(source.rows(), HEADER_SCAN_ROWS))

    def sample_rows(self) -> list[tuple[int, list[object]]]:
        """The first ``MAPPING_SCAN_ROWS`` rows, for the mapping page's checks (an ambiguous
        date in row 32 must not be missed: the header scan reads only 30)."""
        if self._sample_rows is None or self._sample_sheet != self.sheet:
            source = open_xlsx(self.path, self.sheet) if self.sheet else open_csv(self.path)
            self._sample_rows = list(itertools.islice(source.rows(), MAPPING_SCAN_ROWS))
            self._sample_sheet = self.sheet
        return self._sample_rows

    def load_parties(self) -> None:
        """Start loading the restricted-party check off the GUI thread (the mapping page
        does, so the preview finds it ready): building the index after a list import or an
        upgrade takes a second or two."""
        if self._parties is None:
            self._parties = Background("hkscreen-wizard-parties", _party_screen, self.db,
                                       self.rules)

    def party_screen(self) -> tuple[PartyScreen | None, list[str], list[party_store.ListInfo]]:
        """The restricted-party check a run started now makes (None: no list loaded), the
        names of its lists and the lists; loaded once per wizard."""
        self.load_parties()
        assert self._parties is not None
        return self._parties.result()

    def done(self, result: int) -> None:
        if self._parties is not None:
            self._parties.wait()  # no database work left behind the closed wizard
        super().done(result)

    def spec(self) -> MappingSpec:
        return MappingSpec(self.mapping_page.columns(), self.mapping_page.date_order(),
                           self.sheet, "wizard")

    def choice(self) -> ImportChoice:
        mapping = self.spec()
        as_of = self.mapping_page.as_of()
        options = ScreenOptions(sheet=self.sheet, mapping=mapping,
                                mapping_profile=self.mapping_page.applied_profile,
                                date_order=mapping.date_order, as_of=as_of,
                                header_row=self.header_page.header_row())
        return ImportChoice(self.path, options, self.mapping_page.profile_to_save(),
                            tuple(self.mapping_page.headers))


class SheetPage(QWizardPage):
    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self.w = wizard
        self.setTitle(self.tr("Choose the sheet"))
        layout = QVBoxLayout(self)
        self.combo = QComboBox()
        layout.addWidget(QLabel(self.tr("Worksheets in this workbook (rows per sheet):")))
        layout.addWidget(self.combo)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #B00020")
        layout.addWidget(self.error)
        layout.addStretch()

    def initializePage(self) -> None:
        self.combo.clear()
        sheets = list_sheets(self.w.path, with_rows=True)
        # A hidden sheet is offered but never chosen for the officer: a stale copy kept out
        # of sight is not the data (the command line screens one only when named, too).
        shown = [i for i, info in enumerate(sheets) if info.visible]
        best = shown[0] if shown else 0
        found = False
        for i, info in enumerate(sheets):
            hidden = "" if info.visible else self.tr(", hidden")
            self.combo.addItem(self.tr("%1 (%2 rows%3)").replace("%1", info.name)
                               .replace("%2", f"{info.rows:,}").replace("%3", hidden),
                               info.name)
            try:
                source = open_xlsx(self.w.path, info.name)
                head = [r for _, r in itertools.islice(source.rows(), HEADER_SCAN_ROWS)]
            except IngestError:  # said when the sheet is chosen
                continue
            if not found and info.visible and detect_header(head) is not None:
                best, found = i, True
        self.combo.setCurrentIndex(best)

    def validatePage(self) -> bool:
        try:
            self.w.load_head(self.combo.currentData())
        except IngestError as exc:
            self.error.setText(str(exc))
            return False
        self.error.setText("")
        return True


class HeaderPage(QWizardPage):
    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self.w = wizard
        self.setTitle(self.tr("Confirm the header row"))
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Header row:")))
        self.spin = QSpinBox()
        self.spin.setRange(1, HEADER_SCAN_ROWS)
        row.addWidget(self.spin)
        self.note = QLabel()
        row.addWidget(self.note)
        row.addStretch()
        layout.addLayout(row)
        self.model = RowsModel([], background=self._background, parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(True)  # the sheet's own row numbers
        layout.addWidget(self.table)
        self.spin.valueChanged.connect(lambda _: self.table.viewport().update())

    def _background(self, i: int) -> str | None:
        return "#D9E1F2" if self.w.head and self.w.head[i][0] == self.spin.value() else None

    def initializePage(self) -> None:
        if not self.w.head:
            self.w.load_head(self.w.sheet)
        width = max((len(r) for _, r in self.w.head), default=0)
        headers = [column_letter(i) for i in range(width)]
        self.model.set_rows([[clean_text(v) for v in r] for _, r in self.w.head], headers,
                            [str(number) for number, _ in self.w.head])
        found = detect_header([r for _, r in self.w.head])
        if found is not None:
            self.spin.setValue(self.w.head[found][0])
            self.note.setText(self.tr("(detected automatically)"))
        else:
            self.note.setText(self.tr("No header recognised: choose it, then map the columns."))

    def header_row(self) -> int:
        return self.spin.value()

    def header_cells(self) -> list[object]:
        for number, cells in self.w.head:
            if number == self.spin.value():
                return cells
        return []

    def samples(self, column: int) -> list[str]:
        out = []
        for number, cells in self.w.head:
            if number > self.spin.value() and column < len(cells):
                text = clean_text(cells[column])
                if text:
                    out.append(text)
            if len(out) == 3:
                break
        return out


class MappingPage(QWizardPage):
    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self.w = wizard
        self.applied_profile = ""
        self.setTitle(self.tr("Map the columns"))
        self.setSubTitle(self.tr("Required: destination, export date (or an as-of date) and "
                                 "ECCN. Guessed from the header names; change any guess."))
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.profile_combo = QComboBox()
        # Resized with every refill (profile names differ per file and per language); a
        # floor because Qt measures fallback-font (e.g. Chinese) text too narrow.
        self.profile_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.profile_combo.setMinimumContentsLength(14)
        top.addWidget(QLabel(self.tr("Apply profile:")))
        top.addWidget(self.profile_combo)
        top.addStretch()
        layout.addLayout(top)
        # Fields more than one column matches: the officer must pick one (never guessed).
        self.unresolved: set[Field] = set()
        self.duplicates = QLabel()
        self.duplicates.setWordWrap(True)
        self.duplicates.setStyleSheet("color: #B00020")
        layout.addWidget(self.duplicates)
        # One grid: one label column, drop-downs of one width, then status and samples.
        grid = QGridLayout()
        grid.setColumnStretch(3, 1)
        grid.setHorizontalSpacing(10)
        self.combos: dict[Field, QComboBox] = {}
        self.samples: dict[Field, QLabel] = {}
        self.status: dict[Field, QLabel] = {}
        for r, f in enumerate(Field):
            combo = QComboBox()
            combo.setMinimumWidth(300)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(22)
            status = QLabel()
            status.setMinimumWidth(70)
            sample = QLabel()
            sample.setStyleSheet("color: #555")
            # Samples take the width left (cut at the edge, whole in the tooltip): they never
            # widen the page past the wizard.
            sample.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            label = QLabel(labels.field(f))
            label.setBuddy(combo)
            grid.addWidget(label, r, 0)
            grid.addWidget(combo, r, 1)
            grid.addWidget(status, r, 2)
            grid.addWidget(sample, r, 3)
            combo.currentIndexChanged.connect(lambda _i, f=f: self._chosen(f))
            self.combos[f], self.status[f], self.samples[f] = combo, status, sample
        self.order = QComboBox()
        self.order.addItem(self.tr("Not set (ambiguous numeric dates become errors)"), None)
        self.order.addItem(self.tr("Day first (31/12/2021)"), DateOrder.DMY)
        self.order.addItem(self.tr("Month first (12/31/2021)"), DateOrder.MDY)
        self.order.addItem(self.tr("Year first, two-digit year (21/12/31)"), DateOrder.YMD)
        self.order_note = QLabel()
        self.order_note.setStyleSheet("color: #B00020")
        self.order_note.setWordWrap(True)
        self.ambiguous_rows: list[int] = []
        self.as_of_edit = QDateEdit(QDate.currentDate())
        self.as_of_edit.setCalendarPopup(True)
        self.as_of_edit.setDisplayFormat("yyyy-MM-dd")
        self.save = QCheckBox(self.tr("Save this mapping as a profile named"))
        self.save_name = QLineEdit()
        r = len(Field)
        grid.addWidget(QLabel(self.tr("Date order")), r, 0)
        grid.addWidget(self.order, r, 1)
        grid.addWidget(self.order_note, r, 2, 1, 2)
        grid.addWidget(QLabel(self.tr("As-of export date (no date column)")), r + 1, 0)
        grid.addWidget(self.as_of_edit, r + 1, 1)
        grid.addWidget(self.save, r + 2, 0)
        grid.addWidget(self.save_name, r + 2, 1)
        # The rows scroll when the wizard is smaller than they need (it opens at 900 x 600,
        # a laptop's 1366 x 768 screen has little more): every drop-down keeps its height and
        # nothing is drawn over another; squeezed, they were 13 px high with their text cut.
        rows = QWidget()
        rows.setLayout(grid)
        grid.setRowStretch(r + 3, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(rows)
        layout.addWidget(scroll, 1)
        self.profile_combo.activated.connect(self._apply_profile)

    def initializePage(self) -> None:
        self.w.load_parties()
        headers = [clean_text(h) for h in self.w.header_page.header_cells()]
        self.headers = headers
        mapping = auto_mapping(headers, self.w.header_page.header_row())
        self.unresolved = {f for f, _ in mapping.duplicates}
        self.duplicates.setText(self._duplicates_text(mapping.duplicates))
        self.duplicates.setVisible(bool(mapping.duplicates))
        for f, combo in self.combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.tr("(not mapped)"), None)
            for i, h in enumerate(headers):
                combo.addItem(h or f"(column {i + 1})", i)
            index = None if f in self.unresolved else mapping.columns.get(f)
            combo.setCurrentIndex(0 if index is None else index + 1)
            combo.blockSignals(False)
            self._update(f)
        self.profile_combo.clear()
        self.profile_combo.addItem(self.tr("(none)"), "")
        with self.w.db.sessions() as session:
            names = profile_names(session)
            matching = set(profiles_for_headers(session, header_signature(headers)))
        for name in names:
            self.profile_combo.addItem(name + (self.tr("  (matches these headers)")
                                               if name in matching else ""), name)
        if matching:  # offered automatically when the headers match
            self.profile_combo.setCurrentIndex(names.index(sorted(matching)[0]) + 1)
            self._apply_profile()
        self._flag_ambiguous_dates()

    def _duplicates_text(self, duplicates: tuple[tuple[Field, tuple[int, ...]], ...]) -> str:
        parts = [self.tr("%1: %2").replace("%1", labels.field(f)).replace(
                 "%2", self.tr(" and ").join(f"'{self.headers[i]}' ({column_letter(i)})"
                                             for i in indices))
                 for f, indices in duplicates]
        return self.tr("Ambiguous columns: more than one column matches the same field, and "
                       "hkscreen will not pick one. Choose the column to use for each: "
                       "%1").replace("%1", "; ".join(parts))

    def _chosen(self, f: Field) -> None:
        """The officer (or a profile) picked a column for ``f``."""
        if f in self.unresolved:
            self.unresolved.discard(f)
            if not self.unresolved:
                self.duplicates.setVisible(False)
        self._update(f)

    def _apply_profile(self) -> None:
        name = self.profile_combo.currentData()
        self.applied_profile = name or ""
        if not name:
            return
        with self.w.db.sessions() as session:
            spec = load_profile(session, name)
        if spec is None:
            return
        keys = [h.casefold() for h in self.headers]
        for field_name, header in spec.columns.items():
            f = Field(field_name)
            if header and header.casefold() in keys:
                self.combos[f].setCurrentIndex(keys.index(header.casefold()) + 1)
        if spec.date_order:
            self.order.setCurrentIndex(self.order.findData(spec.date_order))

    def _flag_ambiguous_dates(self) -> None:
        from screening.normalize import DateProblem, parse_date
        index = self.combos[Field.EXPORT_DATE].currentData()
        if index is None:
            return
        self.ambiguous_rows = [
            number for number, cells in self.w.sample_rows()
            if number > self.w.header_page.header_row() and index < len(cells)
            and parse_date(cells[index])[1] is DateProblem.AMBIGUOUS]
        if self.ambiguous_rows:
            shown = ", ".join(str(n) for n in self.ambiguous_rows[:5])
            self.order.setStyleSheet("background: #FFE599")
            self.order.setToolTip(self.tr("Some dates read differently day-first and "
                                          "month-first (rows %1): choose the order.")
                                  .replace("%1", shown))
            note = self.tr("Ambiguous date in row %1: choose the order.") \
                if len(self.ambiguous_rows) == 1 else \
                self.tr("Ambiguous dates in rows %1: choose the order.")
            self.order_note.setText(note.replace("%1", shown))
        else:
            self.order.setStyleSheet("")
            self.order_note.setText("")

    def _update(self, f: Field) -> None:
        index = self.combos[f].currentData()
        required = f in REQUIRED
        if f in self.unresolved:
            self.status[f].setText(self.tr("choose one"))
            self.status[f].setStyleSheet("color: #B00020")
            self.samples[f].setText("")
        elif index is None:
            self.status[f].setText(self.tr("missing") if required else "")
            self.status[f].setStyleSheet("color: #B00020" if required else "")
            self.samples[f].setText("")
        else:
            self.status[f].setText(self.tr("mapped") if required else "")
            self.status[f].setStyleSheet("color: #1A7F37")
            self.samples[f].setText(", ".join(self.w.header_page.samples(index)))
        self.samples[f].setToolTip(self.samples[f].text())
        if f is Field.EXPORT_DATE:
            self.as_of_edit.setEnabled(index is None)
            self._flag_ambiguous_dates()
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        if self.unresolved:
            return False
        return all(self.combos[f].currentData() is not None for f in REQUIRED
                   if f is not Field.EXPORT_DATE) and (
            self.combos[Field.EXPORT_DATE].currentData() is not None or
            self.as_of_edit.isEnabled())

    def columns(self) -> dict[str, str]:
        out = {}
        for f, combo in self.combos.items():
            index = combo.currentData()
            out[f.value] = self.headers[index] if index is not None and \
                self.headers[index] else ("" if index is None else column_letter(index))
        return out

    def date_order(self) -> DateOrder | None:
        return self.order.currentData()

    def as_of(self) -> dt.date | None:
        if self.combos[Field.EXPORT_DATE].currentData() is not None:
            return None
        return self.as_of_edit.date().toPython()  # type: ignore[no-any-return]

    def profile_to_save(self) -> str:
        return self.save_name.text().strip() if self.save.isChecked() else ""



class PreviewPage(QWizardPage):
    HEADERS = (QT_TRANSLATE_NOOP("PreviewPage", "Row"),
               QT_TRANSLATE_NOOP("PreviewPage", "Line ID"),
               QT_TRANSLATE_NOOP("PreviewPage", "Destination"),
               QT_TRANSLATE_NOOP("PreviewPage", "Export date"),
               QT_TRANSLATE_NOOP("PreviewPage", "ECCN"),
               QT_TRANSLATE_NOOP("PreviewPage", "Exception"),
               QT_TRANSLATE_NOOP("PreviewPage", "Verdict"),
               QT_TRANSLATE_NOOP("PreviewPage", "Problems"))

    VERDICT, PROBLEMS = 6, 7

    def _cell_colour(self, i: int, col: int) -> str | None:
        if col == self.VERDICT and i < len(self.model.rows):
            return VERDICT_COLOURS.get(str(self.model.rows[i][col]))
        return "#F4B6B6" if i in self.problem_rows and col == self.PROBLEMS else None

    def __init__(self, wizard: ImportWizard):
        super().__init__()
        self.w = wizard
        self.setTitle(self.tr("Preview the first lines"))
        self.setSubTitle(self.tr("Normalised values as they will be screened; problems in "
                                 "red. Press Screen to screen every line."))
        layout = QVBoxLayout(self)
        self.error = QLabel()
        self.error.setStyleSheet("color: #B00020")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        self.party_note = QLabel()  # whether the verdicts include the restricted-party check
        self.party_note.setWordWrap(True)
        layout.addWidget(self.party_note)
        self.problem_rows: set[int] = set()
        self.model = RowsModel([self.tr(h) for h in self.HEADERS],
                               cell_background=self._cell_colour, parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setWordWrap(True)  # a problem is read whole: it says how to fix the cell
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.PROBLEMS, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setVisible(False)
        layout.addWidget(self.table)
        self.ok = False

    def initializePage(self) -> None:
        choice = self.w.choice()
        rows, self.problem_rows = [], set()
        # The verdict a line gets in the run: rules and restricted-party lists alike (a
        # consignee on the SDN List is never previewed as CLEAR).
        parties, list_names, lists = self.w.party_screen()
        if list_names:
            self.party_note.setText(self.tr("Verdicts include restricted-party screening "
                                            "against %1, as the run will.")
                                    .replace("%1", "; ".join(list_names)))
        else:
            self.party_note.setText(self.tr("No restricted-party list is loaded: neither these "
                                            "verdicts nor the run check any consignee, end "
                                            "user or owner (Lists > Import screening list)."))
        try:
            prepared = prepare_input(
                self.w.path, aliases=self.w.rules.aliases,
                exception_codes=frozenset(self.w.rules.exceptions), sheet=self.w.sheet,
                mapping=choice.options.mapping, as_of=choice.options.as_of,
                header_row=choice.options.header_row)
            party_columns = maps_parties(prepared.mapping)
            if parties is not None:  # as the run: a line naming no party is not checked
                parties.party_columns = party_columns
            # No list, none dated, or a file without a party column: no line is CLEAR.
            every_line = lists_findings(lists, dt.datetime.now(dt.UTC).date(),
                                        party_columns=party_columns)
            for i, line in enumerate(itertools.islice(prepared.lines(), 50)):
                result = screen_line(line, self.w.rules)
                if parties is not None:
                    result = parties.screen(result, line)
                if every_line:  # as in the run
                    result = with_findings(result, every_line)
                problems = "; ".join(p.message for p in line.problems)
                if problems:
                    self.problem_rows.add(i)
                rows.append([line.row, line.line_id, line.destination, line.export_date,
                             line.eccn.text if line.eccn else "", line.license_exception,
                             result.verdict.value, problems])
            self.error.setText("")
            self.ok = True
        except IngestError as exc:
            self.error.setText(str(exc))
            self.ok = False
        self.model.set_rows(rows)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.ok
