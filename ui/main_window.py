"""Main window: empty state, import, the workbench (summary, filters, table, detail, review),
run history, rules browser and exports. The logic lives in ``screening``; this only drives it."""

from __future__ import annotations

import logging
from dataclasses import replace
from html import escape
from pathlib import Path

from PySide6.QtCore import QByteArray, QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from screening.db import Database
from screening.errors import user_message
from screening.ingest import IngestError
from screening.model import VERDICT_ORDER
from screening.paths import bundled_sample
from screening.rules.ruleset import load_ruleset
from screening.service import (
    Cancelled,
    Progress,
    ScreenOptions,
    diff_runs,
    rescreen_options,
    run_screening,
)
from screening.store import runs as run_store
from screening.store.profiles import save_profile
from screening.store.reviews import (
    Conflict,
    Disposition,
    ReviewRecord,
    review_conflicts,
    review_problem,
    run_reviews,
)
from ui import labels, report_export, review_saving
from ui.dialogs import preferences
from ui.dialogs.import_wizard import ImportChoice, ImportWizard
from ui.dialogs.lifetime import delete_now, deleted_after
from ui.dialogs.messages import warn
from ui.dialogs.review import ReviewDialog, ReviewInput
from ui.loaded_run import InputCells, LoadedRun, load_run_data
from ui.memory import return_big_blocks
from ui.models.order_server import OrderServer
from ui.models.ordering import Col, Filters
from ui.models.proxy import ASYNC_LIMIT, LineOrderProxy
from ui.models.results import ResultsModel
from ui.models.run_lines import LoadCancelled, RunLines
from ui.settings import Settings
from ui.views import columns, party_actions
from ui.views.detail import line_html
from ui.views.verdict_chart import VerdictChart
from ui.workers import Job

log = logging.getLogger(__name__)
PROGRESS_STEPS = 1000
REVIEW_KEYS = {Disposition.LICENSE_OBTAINED: "Ctrl+1", Disposition.EXCEPTION_CONFIRMED: "Ctrl+2",
               Disposition.CLEARED: "Ctrl+3", Disposition.HOLD: "Ctrl+4",
               Disposition.ESCALATE: "Ctrl+5", Disposition.NOTE: "Ctrl+6"}


class MainWindow(QMainWindow):
    def __init__(self, db: Database, settings: Settings, *, synchronous_jobs: bool = False):
        super().__init__()
        return_big_blocks()  # a big run's orders are freed with every sort: give them back
        self.db, self.settings = db, settings
        self.synchronous_jobs = synchronous_jobs
        with db.sessions() as session:
            self.rules = load_ruleset(session)
        self.run: run_store.RunInfo | None = None
        self.job: Job | None = None
        self._closing = False
        self.export_job: Job | None = None
        self.review_job: Job | None = None
        self.progress: QProgressDialog | None = None
        self.rescreen_dialog: QDialog | None = None  # the last re-screen comparison shown
        self.setWindowTitle("hkscreen")
        self.setAcceptDrops(True)
        self.resize(1400, 850)
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.stack.addWidget(self._empty_page())
        self.stack.addWidget(self._workbench())
        self._menus()
        self.rules_label = QLabel()
        self.statusBar().addPermanentWidget(self.rules_label)
        self._show_rules_version()
        self._restore()

    # -- layout ----------------------------------------------------------------------------
    def _empty_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch()
        title = QLabel(self.tr("<h2>Screen a shipment spreadsheet</h2>"
                               "<p>Find every line bound for Hong Kong that now needs China's "
                               "licensing under the EAR (85 FR 83765), decide each one, and "
                               "export an audit report.</p>"))
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        row = QHBoxLayout()
        row.addStretch()
        open_button = QPushButton(self.tr("Open a file… (Ctrl+O)"))
        open_button.clicked.connect(self.choose_file)
        sample = QPushButton(self.tr("Open the bundled sample"))
        sample.clicked.connect(self.open_sample)
        history = QPushButton(self.tr("Run history…"))
        history.clicked.connect(self.show_runs)
        for b in (open_button, sample, history):
            row.addWidget(b)
        row.addStretch()
        layout.addLayout(row)
        hint = QLabel(self.tr("You can also drop an .xlsx or .csv file on this window."))
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(hint)
        layout.addStretch()
        return page

    def _workbench(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.run_label = QLabel()
        layout.addWidget(self.run_label)
        # Restricted-party screening not performed, or a stale list: stated on every run.
        self.party_label = QLabel()
        self.party_label.setWordWrap(True)
        self.party_label.setStyleSheet("color: #a40000; font-weight: bold;")
        self.party_label.setTextFormat(Qt.TextFormat.PlainText)  # headers may hold "<", "&"
        self.party_label.setVisible(False)
        layout.addWidget(self.party_label)
        bar = QHBoxLayout()
        self.verdict_buttons: dict[str, QPushButton] = {}
        for verdict in VERDICT_ORDER:
            button = QPushButton()
            button.setCheckable(True)
            button.toggled.connect(self.apply_filters)
            bar.addWidget(button)
            self.verdict_buttons[verdict.value] = button
        self.newly_button = QPushButton()
        self.newly_button.setCheckable(True)
        self.newly_button.toggled.connect(self.apply_filters)
        self.unreviewed_button = QPushButton()
        self.unreviewed_button.setCheckable(True)
        self.unreviewed_button.toggled.connect(self.apply_filters)
        bar.addWidget(self.newly_button)
        bar.addWidget(self.unreviewed_button)
        self.verdict_chart = VerdictChart()
        self.verdict_chart.verdict_clicked.connect(
            lambda verdict: self.verdict_buttons[verdict].toggle())
        bar.addWidget(self.verdict_chart, 1)
        layout.addLayout(bar)
        filters = QHBoxLayout()
        self.quick = QLineEdit()
        self.quick.setPlaceholderText(self.tr("Quick filter (Ctrl+F): any column — customer, "
                                              "ECCN, line id…"))
        self.quick.setClearButtonEnabled(True)
        self._quick_timer = QTimer(self, singleShot=True, interval=200)
        self._quick_timer.timeout.connect(self.apply_filters)
        self.quick.textChanged.connect(lambda _t: self._quick_timer.start())
        self.destination = QComboBox()
        self.finding = QComboBox()
        self.review_filter = QComboBox()
        for combo in (self.destination, self.finding):
            combo.currentIndexChanged.connect(self.apply_filters)
        # The Review choice and the Unreviewed toggle are one filter: choosing one sets the
        # other aside (s29 review: with both, the toggle won without a word).
        self.review_filter.currentIndexChanged.connect(self._review_filter_chosen)
        self.unreviewed_button.toggled.connect(self._unreviewed_toggled)
        clear = QPushButton(self.tr("Clear filters"))
        clear.clicked.connect(self.clear_filters)
        filters.addWidget(self.quick, 3)
        filters.addWidget(QLabel(self.tr("Destination")))
        filters.addWidget(self.destination, 1)
        filters.addWidget(QLabel(self.tr("Finding")))
        filters.addWidget(self.finding, 2)
        filters.addWidget(QLabel(self.tr("Review")))
        filters.addWidget(self.review_filter, 1)
        filters.addWidget(clear)
        layout.addLayout(filters)
        self.results = ResultsModel(self)
        self.model = LineOrderProxy(self.results, self, synchronous=self.synchronous_jobs)
        self.model.busy.connect(lambda busy: self.statusBar().showMessage(
            self.tr("Sorting and filtering…")) if busy else None)
        self.model.reordered.connect(self._reordered)
        self.model.searching.connect(lambda fraction: self.statusBar().showMessage(
            self.tr("%1 lines found so far; still reading the input file's columns to search "
                    "them too (%2%)…").replace("%1", f"{self.model.rowCount():,}")
            .replace("%2", str(int(100 * fraction)))))
        self.model.failed.connect(self.error)
        self._reselect: int | None = None  # input row to select again after a re-order
        self._loading = False
        self.model.modelAboutToBeReset.connect(self._remember_selection)
        self.table = QTableView()
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(
            lambda pos: self.columns_menu().exec(header.mapToGlobal(pos)))
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Col.ROW, Qt.SortOrder.AscendingOrder)  # input order first
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(self.show_detail)
        # A filter or sort resets the view's rows and drops the selection without saying so:
        # the detail pane follows, never showing a line no longer selected (s29 review).
        self.model.modelReset.connect(self.show_detail)
        self.model.layoutChanged.connect(self.show_detail)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        self.detail.anchorClicked.connect(QDesktopServices.openUrl)
        right_layout.addWidget(self.detail)
        buttons = QGridLayout()  # two columns: one row of six would crowd out the table
        self.review_buttons: dict[Disposition, QPushButton] = {}
        for n, (disposition, key) in enumerate(REVIEW_KEYS.items()):
            button = QPushButton(f"{labels.disposition(disposition)} ({key})")
            button.clicked.connect(lambda _c=False, d=disposition: self.review_selected(d))
            buttons.addWidget(button, n // 2, n % 2)
            self.review_buttons[disposition] = button
        right_layout.addLayout(buttons)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(right)
        self.detail.setMinimumWidth(320)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self._splitter_set = False  # sized when first shown (hidden widgets have no size)
        # Sized so that at the default 1400 x 850 every column, Review status included, is
        # readable beside the detail pane: never narrower than its header (in the window's
        # language) or, for the verdict, its longest value.
        header = self.table.horizontalHeader()
        verdict = self.table.fontMetrics().horizontalAdvance("LICENSE_REQUIRED") + 14
        for col, width in ((Col.ROW, 44), (Col.LINE_ID, 78), (Col.SHIPPED_TO, 60),
                           (Col.LICENSED_AS, 60), (Col.ECCN, 74), (Col.EXCEPTION, 60),
                           (Col.VERDICT, verdict), (Col.NEWLY, 60)):
            text = self.results.headerData(col, Qt.Orientation.Horizontal)
            header.resizeSection(col, max(width, header.fontMetrics().horizontalAdvance(
                str(text)) + 16))
        layout.addWidget(self.splitter, 1)
        return page

    def _menus(self) -> None:
        def action(menu, text: str, slot, shortcut: str | QKeySequence | None = None) -> QAction:  # type: ignore[no-untyped-def]
            a = QAction(text, self)
            if shortcut:
                a.setShortcut(QKeySequence(shortcut))
            a.triggered.connect(slot)
            menu.addAction(a)
            return a

        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        action(file_menu, self.tr("&Open…"), self.choose_file, QKeySequence.StandardKey.Open)
        action(file_menu, self.tr("Open &Sample"), self.open_sample)
        self.recent_menu = file_menu.addMenu(self.tr("&Recent Files"))
        self._fill_recent()
        file_menu.addSeparator()
        export = file_menu.addMenu(self.tr("&Export"))
        self.export_actions = [
            action(export, self.tr("Audit report (&XLSX)…"), lambda: self.export("xlsx"),
                   "Ctrl+E"),
            action(export, self.tr("Audit report (&PDF)…"), lambda: self.export("pdf")),
            action(export, self.tr("Lines (&CSV)…"), lambda: self.export("csv")),
            action(export, self.tr("Results (&JSON)…"), lambda: self.export("json")),
        ]
        file_menu.addSeparator()
        action(file_menu, self.tr("&Quit"), self.close, QKeySequence.StandardKey.Quit)
        nav = bar.addMenu(self.tr("&Navigate"))
        action(nav, self.tr("&Next flagged line"), lambda: self.jump(1, self.results.is_flagged),
               "F8")
        action(nav, self.tr("&Previous flagged line"),
               lambda: self.jump(-1, self.results.is_flagged), "Shift+F8")
        action(nav, self.tr("Next &unreviewed line"),
               lambda: self.jump(1, self.results.is_unreviewed), "Ctrl+U")
        action(nav, self.tr("&Quick filter"), self.focus_quick, QKeySequence.StandardKey.Find)
        review = bar.addMenu(self.tr("&Review"))
        for disposition, key in REVIEW_KEYS.items():
            action(review, labels.disposition(disposition) + "…",
                   lambda _c=False, d=disposition: self.review_selected(d), key)
        view = bar.addMenu(self.tr("&View"))
        action(view, self.tr("&Run history…"), self.show_runs, "Ctrl+R")
        action(view, self.tr("Rules &browser…"), self.show_rules, "Ctrl+B")
        columns_menu = view.addMenu(self.tr("&Columns"))
        columns_menu.aboutToShow.connect(lambda: self.columns_menu(columns_menu))
        review.addSeparator()
        action(review, self.tr("Mark a party match as a &false positive…"),
               self.mark_false_positive)
        lists_menu = bar.addMenu(self.tr("&Lists"))
        action(lists_menu, self.tr("&Import screening list…"), self.import_list)
        settings = bar.addMenu(self.tr("&Settings"))
        action(settings, self.tr("&Reviewer name…"), self.edit_reviewer)
        action(settings, self.tr("&Database…"), self.edit_database)
        action(settings, self.tr("&Language…"), self.edit_language)

    # -- files and runs ------------------------------------------------------------------
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open shipment file"), "",
            self.tr("Spreadsheets (*.xlsx *.xlsm *.csv *.txt);;All files (*)"))
        if path:
            self.open_file(Path(path))

    def open_sample(self) -> None:
        self.open_file(bundled_sample())

    def screen_sample(self) -> None:
        """Screen the bundled sample straight away (``hkscreen gui --sample``): its columns
        are recognised without a mapping."""
        self.start_screening(ImportChoice(bundled_sample(), ScreenOptions()))

    def open_file(self, path: Path, choice: ImportChoice | None = None) -> None:
        """Open ``path`` through the import wizard (or with a ready ``choice``)."""
        if choice is None:
            try:
                wizard = ImportWizard(path, self.db, self.rules, self)
            except IngestError as exc:
                self.error(str(exc))
                return
            with deleted_after(wizard):
                if not wizard.exec():
                    return
                choice = wizard.choice()
        self.settings.add_recent(str(path))
        self._fill_recent()
        self.start_screening(choice)

    def start_screening(self, choice: ImportChoice,
                        compare_with: run_store.RunInfo | None = None) -> None:
        if choice.save_profile and choice.options.mapping:
            from screening.ingest.columns import header_signature
            with self.db.sessions.begin() as session:
                save_profile(session, choice.save_profile, choice.options.mapping,
                             header_signature(choice.headers), self.settings.reviewer())
        db, rules = self.db, self.rules

        def work(progress, cancelled) -> LoadedRun:  # type: ignore[no-untyped-def]
            result = run_screening(db, choice.path, choice.options, progress=progress,
                                   cancelled=cancelled, rules=rules)
            loaded = load_run_data(db, result.run.id, helper_above=ASYNC_LIMIT,
                                   progress=lambda n, total: progress((n, total)),
                                   cancelled=cancelled)
            if compare_with is None or loaded is None:
                return loaded
            try:
                return replace(loaded, compared_with=compare_with,
                               changes=diff_runs(db, compare_with.id, result.run.id))
            except BaseException:
                loaded.discard()
                raise

        self._start_job(work, self.tr("Screening %1…").replace("%1", choice.path.name))

    def _start_job(self, work, label: str) -> None:  # type: ignore[no-untyped-def]
        """Screen or open a run in the background, with a progress dialog (its Cancel
        stops the work) once it takes a while; the run is shown when its lines are read. A
        job still running is cancelled: only the newest one's run is shown."""
        if self.job is not None and self.job.running:
            self.job.cancel()
        if self.progress is not None:
            self.progress.reset()
        self.progress = QProgressDialog(label, self.tr("Cancel"), 0, 0, self)
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(600)  # only for work that is not instant
        job = self.job = Job(work, self, synchronous=self.synchronous_jobs, keep_result=True)
        self.progress.canceled.connect(job.cancel)
        job.progress.connect(lambda p: self._on_progress(p) if job is self.job else None)
        job.done.connect(lambda loaded: self._job_done(job, loaded))
        job.failed.connect(lambda exc, details: self._on_failed(exc, details)
                           if job is self.job else None)
        job.finished.connect(lambda: self._job_finished() if job is self.job else None)
        job.start()

    def _job_done(self, job: Job, loaded: LoadedRun | None) -> None:
        if job is not self.job or self._closing:  # superseded, or the window is closing
            if loaded is not None:
                loaded.discard()
            return
        self.show_run(loaded)

    def _on_progress(self, p: Progress | tuple[int, int]) -> None:
        if self.progress is None:
            return
        if isinstance(p, tuple):  # the lines of the run being opened
            read, total = p
            self.progress.setLabelText(self.tr("Opening the results: %1 of %2 lines")
                                       .replace("%1", f"{read:,}").replace("%2", f"{total:,}"))
            if self.progress.maximum() != PROGRESS_STEPS:
                self.progress.setRange(0, PROGRESS_STEPS)
            self.progress.setValue(min(PROGRESS_STEPS - 1,
                                       read * PROGRESS_STEPS // max(total, 1)))
            return
        self.progress.setLabelText(self.tr("%1 lines screened (%2 lines/s)")
                                   .replace("%1", f"{p.lines:,}")
                                   .replace("%2", f"{p.rate:,.0f}"))
        if p.fraction is not None:  # a percentage once the reader knows how far it got
            if self.progress.maximum() != PROGRESS_STEPS:
                self.progress.setRange(0, PROGRESS_STEPS)
            # Never the maximum while running: that would close the dialog early.
            self.progress.setValue(min(PROGRESS_STEPS - 1, round(p.fraction * PROGRESS_STEPS)))

    def _on_failed(self, exc: BaseException, details: str) -> None:
        if isinstance(exc, LoadCancelled):  # Cancel pressed while the lines were read
            if not self._closing:
                self.statusBar().showMessage(self.tr("Opening the run was cancelled."), 8000)
            return
        if isinstance(exc, Cancelled):
            self.statusBar().showMessage(self.tr("Screening cancelled; the run is recorded as "
                                                 "cancelled."), 8000)
            return
        known = user_message(exc)  # a file, disk or database problem: one line, no traceback
        self.error(known or str(exc), "" if known else details)

    def _job_finished(self) -> None:
        if self.progress is not None:
            self.progress.reset()
            self.progress = None

    def load_run(self, run_id: int) -> None:
        """Open a recorded run; its lines are read in the background (with a progress
        dialog when that takes a while, its Cancel stops the reading)."""
        db = self.db

        def work(progress, cancelled) -> LoadedRun | None:  # type: ignore[no-untyped-def]
            return load_run_data(db, run_id, helper_above=ASYNC_LIMIT,
                                 progress=lambda n, total: progress((n, total)),
                                 cancelled=cancelled)

        self._start_job(work, self.tr("Opening run %1…").replace("%1", str(run_id)))

    def show_run(self, loaded: LoadedRun | None) -> None:
        if loaded is None:
            self.error(self.tr("That run is not in the database."))
            return
        run, lines, reviews = loaded.run, loaded.lines, loaded.reviews
        self.run = run
        db = self.db
        cells = InputCells(db, run.id)
        # Big runs are sorted and filtered by a helper process (it reads the run itself,
        # usually started while the lines were read for this window).
        big = len(lines) > ASYNC_LIMIT and db.shareable
        server = loaded.server
        if server is not None and not big:
            server.close()
            server = None
        self.model.set_server(server if server is not None or not big
                              else OrderServer(db.url, run.id))
        # The filter lists are refilled for this run (a destination or finding code chosen for
        # the last run may not exist here); the proxy filters by what they now show.
        self._fill_filters(lines)
        self.model.filters = self.current_filters()  # applied by the reset below
        self._loading, self._reselect = True, None  # a new run: nothing to keep
        try:
            self.results.load(lines, reviews, run.headers, cells.block, cells.stream)
        finally:
            self._loading = False
        self._show_original_columns()
        self._update_summary()
        self.stack.setCurrentIndex(1)
        if not self._splitter_set:  # first time, no saved layout: the table gets 62%
            self._splitter_set = True
            QTimer.singleShot(0, self._initial_split)  # once the page is laid out
        self.setWindowTitle(self.tr("hkscreen — %1 (run %2)").replace("%1", run.input_name)
                            .replace("%2", str(run.id)))
        self.run_label.setText(
            self.tr("<b>%1</b> · sheet %2 · %3 lines · SHA-256 %4… · run %5 by %6 · %7")
            .replace("%1", escape(run.input_name)).replace("%2", escape(run.sheet or "-"))
            .replace("%3", f"{run.line_count:,}").replace("%4", run.input_sha256[:16])
            .replace("%5", str(run.id)).replace("%6", escape(run.user))
            .replace("%7", labels.run_status(run.status)))
        warnings = run.party_warnings  # English, like findings: part of the audit record
        if run.unmapped_columns:  # a party under a header hkscreen does not know
            warnings = [*warnings,
                        f"Columns not read (no field mapped): {run.unmapped_text(8)}"]
        self.party_label.setText(" · ".join(warnings))
        self.party_label.setVisible(bool(warnings))
        self.select_first_flagged()
        if loaded.compared_with is not None and loaded.changes is not None:
            from ui.views.rescreen import RescreenDialog
            if self.rescreen_dialog is not None:  # the previous comparison's window
                delete_now(self.rescreen_dialog)
            self.rescreen_dialog = RescreenDialog(loaded.compared_with, run, loaded.changes,
                                                  self)
            self.rescreen_dialog.line_chosen.connect(self.select_row)
            self.rescreen_dialog.show()

    def columns_menu(self, menu: QMenu | None = None) -> QMenu:
        """Show or hide columns (header right-click and View > Columns)."""
        return columns.fill_menu(menu if menu is not None else QMenu(self),
                                 self.table.horizontalHeader(), self.results, self.settings)

    def _show_original_columns(self) -> None:
        columns.show_saved(self.table.horizontalHeader(), self.results, self.settings)

    def _initial_split(self) -> None:
        total = sum(self.splitter.sizes())
        self.splitter.setSizes([total * 62 // 100, total - total * 62 // 100])

    def _fill_filters(self, lines: RunLines) -> None:
        for combo in (self.destination, self.finding, self.review_filter):
            combo.blockSignals(True)
            combo.clear()
        self.destination.addItem(self.tr("All"), "")
        for code in sorted((lines.destinations.distinct() | lines.licensing.distinct())
                           - {None, ""}):
            self.destination.addItem(f"{code} {self.rules.country_name(code)}", code)
        self.finding.addItem(self.tr("All"), "")
        for code in sorted({c for codes in lines.set_codes.values() for c in codes}):
            self.finding.addItem(code, code)
        self.review_filter.addItem(self.tr("All"), "")
        self.review_filter.addItem(self.tr("Unreviewed"), "unreviewed")
        self.review_filter.addItem(self.tr("Reviewed"), "reviewed")
        for d in Disposition:
            if d is not Disposition.NOTE:
                self.review_filter.addItem(labels.disposition(d), d.label)
        for combo in (self.destination, self.finding, self.review_filter):
            combo.blockSignals(False)

    def _update_summary(self) -> None:
        if self.run is None:
            return
        counts = self.run.counts
        for verdict, button in self.verdict_buttons.items():
            button.setText(f"{verdict.replace('_', ' ')}: {counts.get(verdict, 0):,}")
        unreviewed = self.results.unreviewed_count()  # lines on hold included
        decided, on_hold = self.results.review_progress()
        self.newly_button.setText(self.tr("Newly licensable: %1").replace(
            "%1", f"{self.run.newly_licensable:,}"))
        self.unreviewed_button.setText(
            (self.tr("Unreviewed: %1 (%2 on hold)") if on_hold else self.tr("Unreviewed: %1"))
            .replace("%1", f"{unreviewed:,}").replace("%2", f"{on_hold:,}"))
        flagged = sum(counts.values()) - counts.get("CLEAR", 0)
        self.verdict_chart.set_counts(counts, self.run.newly_licensable, flagged, decided,
                                      on_hold)

    # -- filters, navigation, detail -----------------------------------------------------
    def current_filters(self) -> Filters:
        verdicts = frozenset(v for v, b in self.verdict_buttons.items() if b.isChecked())
        return Filters(verdicts=verdicts, destination=self.destination.currentData() or "",
                       finding_code=self.finding.currentData() or "",
                       review="unreviewed" if self.unreviewed_button.isChecked()
                       else self.review_filter.currentData() or "",
                       newly_only=self.newly_button.isChecked(), text=self.quick.text().strip())

    def apply_filters(self) -> None:
        self.model.set_filters(self.current_filters())

    def _review_filter_chosen(self, _index: int) -> None:
        if self.review_filter.currentData() and self.unreviewed_button.isChecked():
            self.unreviewed_button.blockSignals(True)
            self.unreviewed_button.setChecked(False)
            self.unreviewed_button.blockSignals(False)
        self.apply_filters()

    def _unreviewed_toggled(self, checked: bool) -> None:
        if checked and self.review_filter.currentIndex() > 0:
            self.review_filter.blockSignals(True)
            self.review_filter.setCurrentIndex(0)
            self.review_filter.blockSignals(False)

    def _remember_selection(self) -> None:
        """Before any re-order (sort, filter): the line the officer is on."""
        if self._loading or self._reselect is not None:
            return
        selected = self.selected_rows()
        self._reselect = selected[0] if selected else None

    def _reordered(self) -> None:
        """A new order is shown: keep the officer on the line they were on."""
        if self.run is None:  # the start screen: no lines to count yet
            return
        self.statusBar().showMessage(self.tr("%1 of %2 lines shown").replace(
            "%1", f"{self.model.rowCount():,}").replace("%2", f"{len(self.results.lines):,}"))
        if self._reselect is not None:
            self.select_row(self._reselect)
            self._reselect = None

    def clear_filters(self) -> None:
        for button in [*self.verdict_buttons.values(), self.newly_button,
                       self.unreviewed_button]:
            button.blockSignals(True)
            button.setChecked(False)
            button.blockSignals(False)
        for combo in (self.destination, self.finding, self.review_filter):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.quick.blockSignals(True)
        self.quick.clear()
        self.quick.blockSignals(False)
        self.apply_filters()

    def focus_quick(self) -> None:
        self.quick.setFocus()
        self.quick.selectAll()

    def selected_rows(self) -> list[int]:
        return sorted(self.model.row_at(i.row())
                      for i in self.table.selectionModel().selectedRows())

    def select_row(self, row: int) -> None:
        view_row = self.model.view_row_of(row)
        if view_row is not None:
            self.table.selectRow(view_row)
            self.table.scrollTo(self.model.index(view_row, 0))

    def select_first_flagged(self) -> None:
        """Open a run on the first line that needs attention (the first line if none)."""
        if not self.model.rowCount():
            return
        self.table.selectRow(0)
        if not self.results.is_flagged(self.results.line_of_row(self.model.row_at(0)) or 0):
            self.jump(1, self.results.is_flagged)

    def jump(self, step: int, predicate) -> None:  # type: ignore[no-untyped-def]
        if not self.model.rowCount():
            return
        current = self.table.currentIndex().row() if self.table.currentIndex().isValid() \
            else -1
        target = self.model.next_matching(current, step, predicate)
        if target is not None:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(target, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
            self.table.scrollTo(self.model.index(target, 0))

    def show_detail(self) -> None:
        rows = self.selected_rows()
        if not rows or self.run is None:
            self.detail.clear()
            return
        with self.db.sessions() as session:
            line = run_store.get_line(session, self.run.id, rows[0])
            history = run_reviews(session, self.run.id, rows[0])
        if line is None:
            return
        extra = ("<p><i>" + self.tr("%n lines selected; review buttons apply to all of them.",
                                    "", len(rows)) + "</i></p>" if len(rows) > 1 else "")
        self.detail.setHtml(extra + line_html(line, self.run.headers, self.run.sheet, history,
                                              self.run.mapping))

    # -- review ------------------------------------------------------------------------------
    def review_selected(self, disposition: Disposition) -> None:
        rows = self.selected_rows()
        if not rows or self.run is None:
            return
        run_id = self.run.id
        ids = self.results.lines.line_ids
        lines = [(row, ids[i] if (i := self.results.line_of_row(row)) is not None else "")
                 for row in rows]

        def conflicts(chosen: Disposition, exception: str) -> list[Conflict]:
            with self.db.sessions() as session:
                return review_conflicts(session, run_id, rows, chosen, exception)

        # The licence exception the lines claim (when they all claim the same one) is the
        # one a confirmation names: filled in, the officer checks it rather than types it.
        exceptions = self.results.lines.exceptions
        claimed = {exceptions[i] or "" if (i := self.results.line_of_row(row)) is not None
                   else "" for row in rows}
        suggested = claimed.pop() if len(claimed) == 1 else ""

        def core_check(value: ReviewInput) -> str:
            with self.db.sessions() as session:
                return review_problem(session, value.disposition, reason=value.reason,
                                      license_number=value.license_number,
                                      license_exception=value.license_exception,
                                      reviewer=value.reviewer)

        with deleted_after(ReviewDialog(lines, self.settings.reviewer(), disposition, self,
                                        suggested_exception=suggested,
                                        conflicts=conflicts,
                                        core_check=core_check)) as dialog:
            if not dialog.exec():
                return
            value = dialog.value()
        self.record_review(rows, value)

    def record_review(self, rows: list[int], value: ReviewInput) -> None:
        """Committed at once: a crash right after the click loses nothing."""
        assert self.run is not None

        def saved(changed: dict[int, ReviewRecord]) -> None:
            self.results.set_reviews({**self.results.reviews, **changed})
            self.model.reviews_changed()
            self._update_summary()
            self.show_detail()
            self.statusBar().showMessage(
                self.tr("Review saved for %n line(s).", "", len(rows)), 5000)

        self.review_job = review_saving.save(
            self, self.db, self.run.id, rows, value, synchronous=self.synchronous_jobs,
            done=saved, failed=self.error) or self.review_job

    # -- dialogs and exports -------------------------------------------------------------
    def show_runs(self) -> None:
        from ui.views.runs import RunsDialog
        with deleted_after(RunsDialog(self.db, self)) as dialog:
            dialog.open_run.connect(self.load_run)
            dialog.rescreen_run.connect(self.rescreen)
            dialog.exec()

    def rescreen(self, run_id: int) -> None:
        """Screen a run's stored input again under the current rules; list what changed."""
        with self.db.sessions() as session:
            old = run_store.get_run(session, run_id)
            self.rules = load_ruleset(session)  # current: someone may have edited them
        if old is None:
            return
        try:
            path, options = rescreen_options(old)
        except FileNotFoundError as exc:
            self.error(str(exc))
            return
        self.start_screening(ImportChoice(path, options), compare_with=old)

    def show_rules(self) -> None:
        from ui.views.rules import RulesDialog
        with deleted_after(RulesDialog(self.rules, self, db=self.db,
                                       editor=self.settings.reviewer())) as dialog:
            dialog.rules_changed.connect(self.rules_edited)
            dialog.exec()

    def rules_edited(self, _version: str = "") -> None:
        """The rules changed (an edit in the rules browser): new runs use the new version,
        the status bar says so at once."""
        with self.db.sessions() as session:
            self.rules = load_ruleset(session)
        self._show_rules_version()

    def _show_rules_version(self) -> None:
        self.rules_label.setText(self.tr("Rules version %1 · %2").replace(
            "%1", self.rules.version[:12] + "…").replace("%2", self.db.backend))

    # -- lists and preferences (their dialogs live in their own modules) ------------------
    def import_list(self, path: Path | None = None) -> None:
        """Import a Consolidated Screening List (CSV/JSON) or a custom watch list."""
        self._say(party_actions.import_list(self, self.db, self.settings, path))

    def mark_false_positive(self) -> None:
        """For the selected line's party matches: this party is not that list entry."""
        rows = self.selected_rows()
        if rows and self.run is not None:
            self._say(party_actions.mark_false_positive(self, self.db, self.settings,
                                                        self.run.id, rows[0]))
            self.show_detail()

    def edit_language(self) -> None:
        self._say(preferences.ask_language(self, self.settings))

    def edit_database(self) -> None:
        self._say(preferences.ask_database(self, self.settings))

    def edit_reviewer(self) -> None:
        preferences.ask_reviewer(self, self.settings)

    def _say(self, message: str | None) -> None:
        if message:
            self.statusBar().showMessage(message, 8000)

    def export(self, fmt: str, target: Path | None = None) -> None:
        """Write a report of the open run (File > Export), off the GUI thread."""
        if self.run is None:
            self.error(self.tr("Open or screen a file first."))
            return
        self.export_job = report_export.start(
            self, self.db, self.run, fmt, target, self.settings.reviewer(),
            synchronous=self.synchronous_jobs,
            done=lambda path: self.statusBar().showMessage(
                self.tr("Exported %1").replace("%1", str(path)), 8000),
            failed=self.error) or self.export_job

    def error(self, message: str, details: str = "") -> None:
        warn(self, message, details)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.settings.get(Settings.RECENT_FILES):
            a = self.recent_menu.addAction(path)
            a.triggered.connect(lambda _c=False, p=path: self.open_file(Path(p)))

    # -- drag and drop, state ----------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        urls = [u for u in event.mimeData().urls() if u.isLocalFile()]
        if urls:
            self.open_file(Path(urls[0].toLocalFile()))

    def _restore(self) -> None:
        s = self.settings
        for key, apply in ((Settings.WINDOW_GEOMETRY, self.restoreGeometry),
                           (Settings.WINDOW_STATE, self.restoreState),
                           (Settings.SPLITTER, self.splitter.restoreState),
                           (Settings.TABLE_HEADER, self.table.horizontalHeader().restoreState)):
            value = s.get(key)
            if isinstance(value, QByteArray) and not value.isEmpty():
                apply(value)
                self._splitter_set = self._splitter_set or key is Settings.SPLITTER

    def save_state(self) -> None:
        s = self.settings
        s.set(Settings.WINDOW_GEOMETRY, self.saveGeometry())
        s.set(Settings.WINDOW_STATE, self.saveState())
        s.set(Settings.SPLITTER, self.splitter.saveState())
        s.set(Settings.TABLE_HEADER, self.table.horizontalHeader().saveState())
        s.q.sync()

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        # A run still being screened or opened is cancelled, and the helper process started
        # for it stopped: also when its lines were read but not yet shown.
        self._closing = True
        if self.job is not None:
            self.job.cancel()
            self.job.wait(10_000)
            if isinstance(self.job.result, LoadedRun):
                self.job.result.discard()
        for job in (self.export_job, self.review_job):
            if job is not None:
                job.wait(120_000)  # let a report or a bulk review being written finish
        self.model.close()
        self.save_state()
        super().closeEvent(event)
