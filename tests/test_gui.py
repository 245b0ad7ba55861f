"""Desktop app, driven through the real widgets (pytest-qt, offscreen)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox, QWizard

from screening.model import Verdict
from screening.service import Cancelled, ScreenOptions, run_screening
from screening.store import runs as run_store
from screening.store.reviews import Disposition, run_reviews
from tests.conftest import SAMPLE_XLSX, reviews_of, run_then_kill
from ui.dialogs.import_wizard import ImportWizard
from ui.dialogs.review import ReviewDialog, ReviewInput
from ui.loaded_run import InputCells
from ui.main_window import MainWindow
from ui.models.ordering import Col, Filters
from ui.models.proxy import LineOrderProxy
from ui.models.results import ResultsModel
from ui.models.simple import RowsModel
from ui.settings import Settings
from ui.workers import Job


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def window(qtbot, db, settings) -> MainWindow:
    win = MainWindow(db, settings, synchronous_jobs=True)
    qtbot.addWidget(win)
    return win


@pytest.fixture
def messages(monkeypatch) -> list[str]:
    shown: list[str] = []

    def fake_exec(box) -> int:  # type: ignore[no-untyped-def]
        shown.append(box.text())
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    return shown


def _screen_sample(window: MainWindow) -> None:
    run = run_screening(window.db, SAMPLE_XLSX, ScreenOptions(), rules=window.rules).run
    window.load_run(run.id)


def test_results_model_and_proxy_pass_qtmodeltester(qtmodeltester, db) -> None:
    run = run_screening(db, SAMPLE_XLSX, ScreenOptions()).run
    model = ResultsModel()
    proxy = LineOrderProxy(model)
    with db.sessions() as session:
        model.load(run_store.load_line_table(session, run.id), {}, run.headers,
                   InputCells(db, run.id).block)
    assert model.rowCount() == proxy.rowCount() == 34
    assert model.columnCount() == len(Col) + len(run.headers)
    qtmodeltester.check(model)
    qtmodeltester.check(proxy)
    proxy.sort(Col.VERDICT, Qt.SortOrder.AscendingOrder)
    assert proxy.data(proxy.index(0, Col.VERDICT)) == "LICENSE_REQUIRED"
    qtmodeltester.check(proxy)
    proxy.set_filters(Filters(verdicts=frozenset({"CLEAR"})))
    assert proxy.rowCount() == sum(1 for v in model.lines.verdicts if v == "CLEAR")
    first = proxy.mapToSource(proxy.index(0, Col.ROW))
    assert proxy.mapFromSource(first).row() == 0
    qtmodeltester.check(proxy)


def test_cells_beyond_the_header_show_in_columns_of_their_own(qtmodeltester, db,
                                                                tmp_path) -> None:
    """A CSV row wider than its header: its extra cells show under "Column N"."""
    data = tmp_path / "wide.csv"
    data.write_text("Line ID,Ship Date,Ship-to Country,ECCN\n"
                    "L1,2021-03-01,Hong Kong,5A992.c,extra,more\n", encoding="utf-8")
    run = run_screening(db, data, ScreenOptions()).run
    model = ResultsModel()
    with db.sessions() as session:
        model.load(run_store.load_line_table(session, run.id), {}, run.headers,
                   InputCells(db, run.id).block)
    qtmodeltester.check(model)
    titles = [model.headerData(len(Col) + k, Qt.Orientation.Horizontal) for k in range(6)]
    assert titles == ["Line ID", "Ship Date", "Ship-to Country", "ECCN", "Column 5",
                      "Column 6"]
    assert [model.data(model.index(0, len(Col) + k)) for k in (4, 5)] == ["extra", "more"]


def test_original_columns_are_read_from_the_database(db) -> None:
    run = run_screening(db, SAMPLE_XLSX, ScreenOptions()).run
    model = ResultsModel()
    calls: list[tuple[int, int]] = []

    def fetch_raw(first: int, last: int) -> dict[int, list[str]]:
        calls.append((first, last))
        return InputCells(db, run.id).block(first, last)

    with db.sessions() as session:
        model.load(run_store.load_line_table(session, run.id), {}, run.headers, fetch_raw)
        first_line = run_store.get_line(session, run.id, model.lines.row(0))
    assert first_line is not None
    for k, name in enumerate(run.headers):
        assert model.headerData(len(Col) + k, Qt.Orientation.Horizontal) == name
        assert model.data(model.index(0, len(Col) + k)) == first_line.raw[k]
    assert calls == [(model.lines.row(0), model.lines.row(-1))]  # one block, read once


def test_rows_model_passes_qtmodeltester(qtmodeltester) -> None:
    qtmodeltester.check(RowsModel(["a", "b"], [[1, "x"], [2, None]]))


def test_wizard_end_to_end_on_the_sample(qtbot, window, db) -> None:
    wizard = ImportWizard(SAMPLE_XLSX, db, window.rules, window)
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.sheet_page.combo.currentData() == "Shipments"
    assert "rows" in wizard.sheet_page.combo.currentText()
    wizard.next()
    assert wizard.header_page.header_row() == 4
    head = wizard.header_page.model  # the sheet's row numbers down the side
    assert [head.headerData(i, Qt.Orientation.Vertical) for i in range(3)] == ["1", "2", "3"]
    wizard.next()
    page = wizard.mapping_page
    assert page.status[page.combos.__iter__().__next__()].text() == ""  # line id: optional
    # The sample's ambiguous "03/04/2021" is in row 32, past the 30-row header scan.
    assert 32 in page.ambiguous_rows and "32" in page.order_note.text()
    widths = {combo.width() for combo in page.combos.values()}
    assert len(widths) == 1  # one column of drop-downs, even right edges
    from screening.ingest.columns import Field
    assert page.combos[Field.DESTINATION].currentText() == "Ship-to Country"
    assert page.status[Field.ECCN].text() == "mapped"
    assert "Hong Kong" in page.samples[Field.DESTINATION].text()
    wizard.next()
    assert wizard.preview_page.isComplete()
    preview = wizard.preview_page.model
    assert preview.rowCount() == 34
    problems = [preview.rows[i][7] for i in sorted(wizard.preview_page.problem_rows)]
    assert any("31/02/2021" in p for p in problems)
    from PySide6.QtCore import Qt as _Qt
    verdict = preview.index(next(i for i, r in enumerate(preview.rows)
                                 if r[6] == "LICENSE_REQUIRED"), 6)
    assert preview.data(verdict, _Qt.ItemDataRole.BackgroundRole).color().name() == "#f4b6b6"
    table = wizard.preview_page.table
    assert table.columnWidth(6) >= table.fontMetrics().horizontalAdvance("LICENSE_REQUIRED")
    longest = max(sorted(wizard.preview_page.problem_rows),
                  key=lambda i: len(preview.rows[i][7]))
    assert table.rowHeight(longest) > table.rowHeight(0) or \
        table.columnWidth(7) >= table.fontMetrics().horizontalAdvance(preview.rows[longest][7])
    choice = wizard.choice()
    window.start_screening(choice)
    assert window.stack.currentIndex() == 1
    assert window.model.rowCount() == 34
    assert "LICENSE REQUIRED: 10" in window.verdict_buttons["LICENSE_REQUIRED"].text()


def test_mapping_a_renamed_column_by_hand(qtbot, window, db, tmp_path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["Ref", "Where it goes", "Ship Date", "ECCN"])
    wb.active.append(["A1", "香港", "2021-03-01", "2A290"])
    wb.save(tmp_path / "renamed.xlsx")
    wizard = ImportWizard(tmp_path / "renamed.xlsx", db, window.rules, window)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    wizard.next()
    from screening.ingest.columns import Field
    page = wizard.mapping_page
    assert page.status[Field.DESTINATION].text() == "missing" and not page.isComplete()
    page.combos[Field.DESTINATION].setCurrentIndex(page.combos[Field.DESTINATION]
                                                   .findText("Where it goes"))
    assert page.isComplete()
    page.combos[Field.LINE_ID].setCurrentIndex(page.combos[Field.LINE_ID].findText("Ref"))
    page.save.setChecked(True)
    page.save_name.setText("renamed-columns")
    wizard.next()
    assert wizard.preview_page.model.rows[0][2] == "HK"
    window.start_screening(wizard.choice())
    assert window.model.rowCount() == 1
    assert window.model.data(window.model.index(0, Col.LICENSED_AS)) == "CN"
    # The saved profile is offered automatically for the same headers next time.
    again = ImportWizard(tmp_path / "renamed.xlsx", db, window.rules, window)
    qtbot.addWidget(again)
    again.show()
    again.next()
    again.next()
    assert again.mapping_page.applied_profile == "renamed-columns"
    assert again.mapping_page.isComplete()


def test_filters_and_navigation(window) -> None:
    _screen_sample(window)
    window.verdict_buttons["LICENSE_REQUIRED"].setChecked(True)
    assert window.model.rowCount() == 10
    window.verdict_buttons["LICENSE_REQUIRED"].setChecked(False)
    window.quick.setText("HK-1008")
    window.apply_filters()
    assert window.model.rowCount() == 1
    window.clear_filters()
    assert window.model.rowCount() == 34
    window.finding.setCurrentIndex(window.finding.findData("SAVINGS_CLAUSE_EDGE"))
    assert [window.model.row_at(0)] == [13]
    window.clear_filters()
    window.destination.setCurrentIndex(window.destination.findData("SG"))
    assert window.model.rowCount() == 1
    window.clear_filters()
    window.newly_button.setChecked(True)
    assert window.model.rowCount() == 7
    window.clear_filters()
    window.table.selectRow(0)  # row 5 is CLEAR (HK-1001)
    window.jump(1, window.results.is_flagged)
    assert window.selected_rows() == [6]
    assert "HK-1002" in window.detail.toPlainText()
    assert "Original cells" in window.detail.toPlainText()


def test_review_saved_and_shown_after_reopening(qtbot, window, db, settings) -> None:
    _screen_sample(window)
    window.select_row(12)
    window.record_review([12], ReviewInput(Disposition.LICENSE_OBTAINED, "", "D765432", "",
                                           "ann"))
    assert window.model.data(window.model.index(window.model.view_row_of(12), Col.REVIEW)) \
        == "Licence obtained"
    run_id = window.run.id
    other = MainWindow(db, settings, synchronous_jobs=True)
    qtbot.addWidget(other)
    other.load_run(run_id)
    assert other.model.data(other.model.index(other.model.view_row_of(12), Col.REVIEW)) \
        == "Licence obtained"
    other.select_row(12)
    assert "D765432" in other.detail.toPlainText() and "ann" in other.detail.toPlainText()
    other.review_filter.setCurrentIndex(other.review_filter.findData("unreviewed"))
    assert 12 not in [other.model.row_at(i) for i in range(other.model.rowCount())]


def test_bulk_review_via_dialog(qtbot, window, monkeypatch) -> None:
    _screen_sample(window)
    window.verdict_buttons["ERROR"].setChecked(True)
    window.table.selectAll()
    rows = window.selected_rows()
    assert len(rows) == 8

    def accept(dialog) -> int:  # type: ignore[no-untyped-def]
        dialog.reason.setPlainText("bad source data: corrected in ERP")
        dialog.accept()
        return int(dialog.result())

    monkeypatch.setattr(ReviewDialog, "exec", accept)
    window.review_selected(Disposition.CLEARED)
    with window.db.sessions() as session:
        assert len(run_reviews(session, window.run.id)) == 8


def test_review_dialog_validation(qtbot) -> None:
    dialog = ReviewDialog([(5, "HK-1001"), (6, "HK-1002")], "ann", Disposition.LICENSE_OBTAINED)
    qtbot.addWidget(dialog)
    dialog.accept()
    assert "licence number" in dialog.error.text() and not dialog.result()
    dialog.license_number.setText("D1")
    dialog.accept()
    assert dialog.result() and dialog.value().license_number == "D1"
    assert dialog.value().reviewer == "ann" and dialog.reviewer.text() == "ann"


def test_review_dialog_names_the_lines(qtbot) -> None:
    one = ReviewDialog([(8, "HK-1004")], "ann", Disposition.HOLD)
    many = ReviewDialog([(5 + i, f"HK-{1001 + i}") for i in range(12)], "ann", Disposition.HOLD)
    for dialog in (one, many):
        qtbot.addWidget(dialog)
    assert one.lines_label.text() == "Decision for HK-1004 (row 8)."
    text = many.lines_label.text()  # "12 lines" once the English plurals are loaded
    assert text.startswith("One decision, recorded for each of 12 line")
    assert text.endswith(": HK-1001 \u2026 HK-1012.")


def test_review_override_needs_a_reason(qtbot, window) -> None:
    """Confirming GBS on HK-1004, whose findings say GBS is suspended, needs an override with
    a reason; the history and the detail pane mark it as an override."""
    _screen_sample(window)
    run_id = window.run.id
    from screening.store.reviews import review_conflicts

    def check(disposition, exception):  # type: ignore[no-untyped-def]
        with window.db.sessions() as session:
            return review_conflicts(session, run_id, [8], disposition, exception)

    dialog = ReviewDialog([(8, "HK-1004")], "ann", Disposition.EXCEPTION_CONFIRMED,
                          suggested_exception="GBS", conflicts=check)
    qtbot.addWidget(dialog)
    assert not dialog.override_box.isHidden()
    assert "LICENSE_EXCEPTION_SUSPENDED" in dialog.conflict_label.text()
    dialog.reason.setPlainText("eligible under GBS")
    dialog.accept()
    assert not dialog.result() and "Override" in dialog.error.text()
    dialog.override.setChecked(True)
    dialog.accept()
    assert not dialog.result() and "reason for overriding" in dialog.error.text()
    dialog.override_reason.setText("advisory opinion relied on")
    dialog.accept()
    assert dialog.result()
    dialog.disposition.setCurrentIndex(list(Disposition).index(Disposition.HOLD))
    assert dialog.override_box.isHidden()  # a hold goes against no finding
    dialog.disposition.setCurrentIndex(list(Disposition).index(
        Disposition.EXCEPTION_CONFIRMED))
    window.record_review([8], dialog.value())
    with window.db.sessions() as session:
        [record] = run_reviews(session, run_id, 8)
    assert record.override and record.override_reason == "advisory opinion relied on"
    window.select_row(8)
    assert "override" in window.detail.toPlainText().lower()


def test_cancel_mid_run(window, tmp_path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("Line,Destination,Export Date,ECCN\n")
        for i in range(12_000):
            out.write(f"{i},HK,2021-03-01,EAR99\n")
    from ui.dialogs.import_wizard import ImportChoice
    failures = []
    window.start_screening(ImportChoice(path, ScreenOptions()))  # warm: completes
    window.job = None
    original = window._on_progress

    progress_seen: list[tuple[int, int, str]] = []

    def cancel_on_progress(p) -> None:  # type: ignore[no-untyped-def]
        original(p)
        dialog = window.progress
        progress_seen.append((dialog.maximum(), dialog.value(), dialog.labelText()))
        window.job.cancel()

    window._on_progress = cancel_on_progress
    window._on_failed = lambda exc, details: failures.append(exc)
    window.start_screening(ImportChoice(path, ScreenOptions()))
    assert failures and isinstance(failures[0], Cancelled)
    assert progress_seen and progress_seen[0][0] == 1000  # a percentage bar, not busy
    assert 350 < progress_seen[0][1] < 500 and "5,000 lines screened" in progress_seen[0][2]
    with window.db.sessions() as session:
        runs = run_store.list_runs(session)
    assert runs[0].status == "cancelled" and runs[1].status == "complete"


def test_a_big_run_stored_by_a_child_process_cancels_and_completes(
        qtbot, db, settings, tmp_path, monkeypatch) -> None:
    """The GUI runs on a worker thread; with the store in a child process (as for files of
    8 MB and more) a cancel stops it with whole batches counted and no child left, and a
    run to the end completes with its JSON."""
    from screening.store import store_process
    from tests.conftest import big_csv
    from ui.dialogs.import_wizard import ImportChoice
    monkeypatch.setattr(store_process, "PROCESS_MIN_BYTES", 0)
    children: list = []
    real = store_process.StoreProcess.__init__

    def spy(self, *args):  # type: ignore[no-untyped-def]
        real(self, *args)
        children.append(self.proc)
    monkeypatch.setattr(store_process.StoreProcess, "__init__", spy)
    win = MainWindow(db, settings, synchronous_jobs=False)
    qtbot.addWidget(win)
    failures: list = []
    win._on_failed = lambda exc, details: failures.append(exc)
    original = win._on_progress

    def cancel_on_progress(p) -> None:  # type: ignore[no-untyped-def]
        original(p)
        if not isinstance(p, tuple) and p.lines >= 10_000:
            win.job.cancel()
    win._on_progress = cancel_on_progress
    data = big_csv(tmp_path / "big.csv", 40_000)
    out = tmp_path / "out"
    win.start_screening(ImportChoice(data, ScreenOptions(json_out=out / "cancelled.json")))
    # The job's thread ends before the window has handled its outcome (a queued signal):
    # wait for that.
    qtbot.waitUntil(lambda: not win.job.running and bool(failures), timeout=60_000)
    assert isinstance(failures[0], Cancelled), failures
    win._on_progress = original
    win.start_screening(ImportChoice(data, ScreenOptions(json_out=out / "done.json")))
    qtbot.waitUntil(lambda: not win.job.running and (len(failures) > 1 or (
        win.run is not None and win.run.line_count == 40_000)), timeout=60_000)
    assert len(failures) == 1, failures
    assert len(children) == 2 and all(child.poll() is not None for child in children)
    with db.sessions() as session:
        cancelled, done = sorted(run_store.list_runs(session), key=lambda r: r.id)
        stored = {r.id: sum(1 for _ in run_store.iter_lines(session, r.id))
                  for r in (cancelled, done)}
    assert cancelled.status == "cancelled" and cancelled.line_count % 5000 == 0
    assert cancelled.line_count == stored[cancelled.id] < 40_000
    assert done.status == "complete" and done.line_count == stored[done.id] == 40_000
    assert [p.name for p in out.iterdir()] == ["done.json"]
    win.close()


def test_input_file_columns_on_demand_and_remembered(qtbot, db, settings) -> None:
    first = MainWindow(db, settings, synchronous_jobs=True)
    qtbot.addWidget(first)
    _screen_sample(first)
    header = first.table.horizontalHeader()
    headers = first.results.headers
    assert headers and all(header.isSectionHidden(len(Col) + k) for k in range(len(headers)))
    menu = first.columns_menu()
    texts = [a.text() for a in menu.actions() if a.isCheckable()]
    assert texts[-len(headers):] == headers
    wanted = headers[1]
    next(a for a in menu.actions() if a.text() == wanted).setChecked(True)
    section = len(Col) + 1
    assert not header.isSectionHidden(section)
    shown_row = first.model.row_at(0)
    with db.sessions() as session:
        line = run_store.get_line(session, first.run.id, shown_row)
    assert first.model.data(first.model.index(0, section)) == line.raw[1]
    first.close()
    second = MainWindow(db, settings, synchronous_jobs=True)
    qtbot.addWidget(second)
    second.load_run(first.run.id)
    header = second.table.horizontalHeader()
    assert [k for k in range(len(headers)) if not header.isSectionHidden(len(Col) + k)] == [1]
    second.close()


def test_error_dialog_on_corrupt_file(window, tmp_path, messages) -> None:
    bad = tmp_path / "corrupt.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    window.open_file(bad)
    assert messages and str(bad) in messages[0]
    assert window.isVisible() is False or window.stack.currentIndex() == 0  # still usable


def test_settings_restored(qtbot, db, settings) -> None:
    """Window geometry, splitter, column widths and the sort come back on restart."""
    first = MainWindow(db, settings, synchronous_jobs=True)
    qtbot.addWidget(first)
    first.show()
    _screen_sample(first)
    qtbot.wait(10)  # the first layout of the workbench
    first.resize(780, 700)  # within the offscreen screen (800 x 800): restore clamps to it
    first.splitter.setSizes([450, 300])
    first.table.horizontalHeader().resizeSection(Col.LINE_ID, 211)
    first.table.sortByColumn(Col.VERDICT, Qt.SortOrder.DescendingOrder)
    sizes, geometry = first.splitter.sizes(), first.size()
    run_id = first.run.id
    first.close()  # saves the state
    settings.set(Settings.REVIEWER, "Ann Officer")
    second = MainWindow(db, settings, synchronous_jobs=True)
    qtbot.addWidget(second)
    second.show()
    second.load_run(run_id)
    qtbot.wait(10)
    assert second.size() == geometry
    assert second.splitter.sizes() == sizes
    assert second.table.horizontalHeader().sectionSize(Col.LINE_ID) == 211
    header = second.table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == \
        (Col.VERDICT, Qt.SortOrder.DescendingOrder)
    assert second.model.data(second.model.index(0, Col.VERDICT)) == "CLEAR"  # least severe
    assert second.settings.reviewer() == "Ann Officer"


def test_export_from_the_gui(window, tmp_path) -> None:
    _screen_sample(window)
    for fmt in ("xlsx", "pdf", "csv", "json"):
        window.export(fmt, tmp_path / f"out.{fmt}")  # a background job (synchronous here)
        assert (tmp_path / f"out.{fmt}").stat().st_size > 0
        assert str(tmp_path / f"out.{fmt}") in window.statusBar().currentMessage()
    book = openpyxl.load_workbook(tmp_path / "out.xlsx", read_only=True)
    assert book.sheetnames[0] == "Summary"


def test_runs_and_rules_dialogs(qtbot, window) -> None:
    from ui.views.rules import RulesDialog
    from ui.views.runs import RunsDialog
    _screen_sample(window)
    runs = RunsDialog(window.db, window)
    qtbot.addWidget(runs)
    assert runs.model.rowCount() == 1 and runs.model.rows[0][9] == "0 / 24"
    runs.show()
    qtbot.waitExposed(runs)
    header = runs.table.horizontalHeader()
    metrics = runs.table.fontMetrics()
    for col in range(runs.model.columnCount()):  # no header and no cell cut short
        title = runs.model.headerData(col, Qt.Orientation.Horizontal)
        assert header.sectionSize(col) >= header.fontMetrics().horizontalAdvance(title), title
        text = str(runs.model.rows[0][col])
        assert header.sectionSize(col) >= metrics.horizontalAdvance(text), (title, text)
    assert header.sectionViewportPosition(10) + header.sectionSize(10) <= \
        runs.table.viewport().width()  # the whole table fits the dialog
    for disposition, row in ((Disposition.HOLD, 12), (Disposition.CLEARED, 12),
                             (Disposition.NOTE, 6), (Disposition.CLEARED, 5)):  # 5 is CLEAR
        window.record_review([row], ReviewInput(disposition, "r", "", "", "ann"))
    runs.refresh()
    assert runs.model.rows[0][9] == "1 / 24"
    runs._archive()
    assert runs.model.rowCount() == 0
    runs.show_archived.setChecked(True)
    assert runs.model.rows[0][10] == "yes"
    rules = RulesDialog(window.rules, window)
    qtbot.addWidget(rules)
    assert "licensed as China" in rules.chart_text.text()  # HK on 2021-01-04
    from PySide6.QtCore import QDate
    rules.date.setDate(QDate(2019, 1, 4))
    assert "HK_PRE2020" in rules.chart_text.text()


def test_background_job_runs_in_a_thread(qtbot) -> None:
    import threading
    seen = {}

    def work(progress, cancelled):  # type: ignore[no-untyped-def]
        seen["thread"] = threading.current_thread() is threading.main_thread()
        progress(1)
        return 42

    job = Job(work)
    results = []
    job.done.connect(results.append)
    with qtbot.waitSignal(job.finished, timeout=5000):
        job.start()
    assert job.wait(5000)
    assert results == [42] and seen["thread"] is False


def test_crash_dialog_keeps_the_app_running(qtbot, messages) -> None:
    from ui.app import show_exception
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        show_exception(type(exc), exc, exc.__traceback__)
    assert "RuntimeError: boom" in messages[0] and "log" in messages[0]


def test_verdicts_shown_as_text_and_colour(window) -> None:
    _screen_sample(window)
    model = window.model
    index = model.index(0, Col.VERDICT)
    assert model.data(index) in {v.value for v in Verdict}
    assert model.data(index, Qt.ItemDataRole.BackgroundRole) is not None


def test_open_sample_from_empty_state(window, monkeypatch) -> None:
    def walk_through(wizard) -> int:  # type: ignore[no-untyped-def]
        wizard.show()
        while wizard.currentPage() is not wizard.preview_page:
            wizard.next()
        wizard.hide()
        return int(QWizard.DialogCode.Accepted)

    monkeypatch.setattr(ImportWizard, "exec", walk_through)
    window.open_sample()
    assert window.model.rowCount() == 34
    assert window.settings.get(Settings.RECENT_FILES)[0].endswith("hk_shipments_2020_2025.xlsx")


def test_gui_review_survives_kill_minus_nine(db_url, tmp_path) -> None:
    """The window commits a review as it is made: kill -9 straight after loses nothing."""
    import textwrap
    script = tmp_path / "gui_review.py"
    script.write_text(textwrap.dedent(f"""
        import os, sys, time
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtCore import QSettings
        from PySide6.QtWidgets import QApplication
        from screening.db import open_database
        from screening.service import ScreenOptions, run_screening
        from screening.store.reviews import Disposition
        from ui.dialogs.review import ReviewInput
        from ui.main_window import MainWindow
        from ui.settings import Settings
        app = QApplication([])
        db = open_database({db_url!r})
        run = run_screening(db, __import__("pathlib").Path({str(SAMPLE_XLSX)!r}),
                            ScreenOptions()).run
        window = MainWindow(db, Settings(QSettings({str(tmp_path / "s.ini")!r},
                                                   QSettings.Format.IniFormat)),
                            synchronous_jobs=True)
        window.load_run(run.id)
        window.record_review([12], ReviewInput(Disposition.HOLD, "kill test", "", "", "kim"))
        print("clicked", run.id, flush=True)
        time.sleep(60)
    """), encoding="utf-8")
    output = run_then_kill(script, 1, {"HKSCREEN_DATA_DIR": str(tmp_path / "d")})
    run_id = int(output[0].split()[1])
    assert reviews_of(db_url, run_id, 12) == [("kim", "kill test")]


def test_signal_emit_keeps_reference_counts(qtbot) -> None:
    """PySide6 6.12.0 dropped a reference to True on each emit() and crashed long sessions;
    pin the dependency and keep this guard."""
    import sys

    from PySide6.QtCore import QObject, Signal

    class Emitter(QObject):
        ping = Signal(object)

    emitter = Emitter()
    received = []
    emitter.ping.connect(received.append)
    before = sys.getrefcount(True)
    for i in range(2000):
        emitter.ping.emit(i)
    assert len(received) == 2000
    assert abs(sys.getrefcount(True) - before) < 50


def test_orderings_are_stable_and_complete() -> None:
    """Sorts keep input order for ties (both directions); filters keep input order."""
    from screening.store.runs import LineTable
    from ui.models.ordering import LineOrdering, Sort
    n = 150_000
    verdicts = ["CLEAR", "REVIEW", "LICENSE_REQUIRED", "ERROR"]
    table = LineTable(list(range(2, n + 2)), [f"L{(i * 7919) % n:07d}" for i in range(n)],
                      [verdicts[i % 4] for i in range(n)], ["HK"] * n, ["CN"] * n,
                      [i % 9 == 0 for i in range(n)], ["5A992.c"] * n, [None] * n, [1] * n,
                      {1: ("LICENSED_AS",)})
    ordering = LineOrdering(table)
    order = ordering.order(Filters(), Sort(Col.VERDICT))
    assert [table.verdicts[i] for i in order[:3]] == ["LICENSE_REQUIRED"] * 3
    assert list(order[:1000]) == sorted(order[:1000])  # ties keep input order
    down = ordering.order(Filters(), Sort(Col.VERDICT, descending=True))
    assert [table.verdicts[i] for i in down[:2]] == ["CLEAR"] * 2
    assert list(down[:1000]) == sorted(down[:1000])  # ties keep input order descending too
    by_id = ordering.order(Filters(), Sort(Col.LINE_ID, descending=True))
    assert [table.line_ids[i] for i in by_id] == sorted(table.line_ids, reverse=True)
    filtered = ordering.order(Filters(verdicts=frozenset({"ERROR"}), newly_only=True), Sort())
    assert list(filtered) == [i for i in range(n) if i % 4 == 3 and i % 9 == 0]


def test_big_runs_are_ordered_by_the_helper_process(qtbot, db, monkeypatch) -> None:
    """The helper process gives the same order as the window's own code, reviews included."""
    import ui.models.proxy as proxy_module
    from ui.models.order_server import OrderServer
    from ui.models.ordering import LineOrdering, Sort, inverse
    if not db.shareable:
        pytest.skip("needs a database another process can open")
    monkeypatch.setattr(proxy_module, "ASYNC_LIMIT", 10)
    run = run_screening(db, SAMPLE_XLSX, ScreenOptions()).run
    model = ResultsModel()
    proxy = LineOrderProxy(model)
    with db.sessions() as session:
        table = run_store.load_line_table(session, run.id)
    proxy.set_server(OrderServer(db.url, run.id))
    try:
        model.load(table, {})
        flagged_row = next(r for r, v in zip(table.rows, table.verdicts, strict=True)
                           if v != "CLEAR")
        with db.sessions.begin() as session:
            from screening.store.reviews import add_reviews
            add_reviews(session, run.id, [flagged_row], Disposition.HOLD, reason="check",
                        reviewer="ann")
        with db.sessions() as session:
            from screening.store.reviews import current_dispositions
            model.set_reviews(current_dispositions(session, run.id))
        proxy.reviews_changed()
        local = LineOrdering(table, model.review_labels(), InputCells(db, run.id).stream)
        value_column = len(Col) + run.headers.index("Value (USD)")
        cases = [(Filters(), Sort(Col.VERDICT)),
                 (Filters(), Sort(value_column, descending=True)),
                 (Filters(text="kowloon telecom"), Sort()),
                 (Filters(), Sort(Col.REVIEW, descending=True)),
                 (Filters(review="unreviewed"), Sort(Col.ECCN)),
                 (Filters(review=Disposition.HOLD.label), Sort()),
                 (Filters(text="hk", destination="HK"), Sort(Col.LINE_ID, descending=True))]
        for filters, sort in cases:
            # Until the complete answer (a quick filter may first show the lines found in
            # the workbench's columns while the helper reads the input file's).
            with qtbot.waitSignal(proxy.busy, timeout=30_000,
                                  check_params_cb=lambda busy: not busy):
                proxy.order_by = sort
                proxy.set_filters(filters)
            expected = local.order(filters, sort)
            assert [proxy.line_at(r) for r in range(proxy.rowCount())] == list(expected)
            assert list(proxy._pos) == list(inverse(expected, len(table)))
            if filters.review == Disposition.HOLD.label:  # the one line put on hold
                assert [proxy.row_at(0)] == [flagged_row]
                assert proxy.view_row_of(flagged_row) == 0
    finally:
        proxy.close()


@pytest.mark.usefixtures("no_lists")  # the test imports the lists it means
def test_import_list_and_false_positive_from_the_gui(window, monkeypatch, messages) -> None:
    from PySide6.QtWidgets import QInputDialog

    from screening.paths import resources_dir
    from screening.store import parties as party_store
    window.import_list(resources_dir() / "lists" / "synthetic_csl.csv")
    with window.db.sessions() as session:
        assert party_store.active_lists(session)[0].entry_count == 15
    _screen_sample(window)
    window.select_row(7)  # HK-1003: consignee Harbour Power Systems (Entity List)
    monkeypatch.setattr(QInputDialog, "getItem",
                        lambda *a, **k: (a[3][0] if len(a) > 3 else k["items"][0], True))
    monkeypatch.setattr(QInputDialog, "getText",
                        lambda *a, **k: ("different company: registry checked", True))
    window.mark_false_positive()
    with window.db.sessions() as session:
        assert party_store.suppressed_pairs(session)
        history = run_reviews(session, window.run.id, 7)
    assert history and "False positive" in history[0].reason
    bad = Path(window.db.url.split("///")[-1]).parent / "bad.csv" \
        if window.db.backend == "sqlite" else None
    if bad is not None:
        bad.write_text("name,country\n,HK\n", encoding="utf-8")
        window.import_list(bad)
        assert "not imported" in messages[-1]


def test_rules_editor_logs_changes_and_reports_conflicts(qtbot, window, messages) -> None:
    from ui.views.rules import RulesDialog
    dialog = RulesDialog(window.rules, window, db=window.db, editor="ann")
    qtbot.addWidget(dialog)
    from ui.views.rules import RuleEditor
    editor = dialog.findChildren(RuleEditor)[0]
    editor.choose_file("eccns.csv")
    assert editor.file.currentText() == "ECCNs" and list(editor.key_fields) == ["eccn"]
    editor.set_key(eccn="3A991")
    editor.column.setCurrentText("supp2")
    editor.read()
    assert editor.current.text() == "'yes'"
    editor.value.setText("unknown")
    editor.save()
    assert "reason and a citation" in editor.status.text()
    editor.reason.setText("under review")
    editor.citation.setText("85 FR 23459")
    # Someone else changes the same rule after we read it: our save is refused.
    from screening.rules.edit import set_rule_value
    with window.db.sessions.begin() as session:
        set_rule_value(session, "eccns.csv", {"eccn": "3A991"}, "supp2", "no", expected="yes",
                       reason="other editor", citation="c", changed_by="bob")
    editor.save()
    assert messages and "someone changed it" in messages[-1]
    assert editor.current.text() == "'no'"  # re-read after the conflict
    editor.value.setText("unknown")
    editor.save()
    assert "Saved" in editor.status.text()
    assert [row[1] for row in dialog.log_model.rows] == ["bob", "ann"]
    assert dialog.log_model.rows[-1][3] == "eccn 3A991"  # the row as people read it


def test_rule_edit_refreshes_every_view_of_the_rules_version(qtbot, window) -> None:
    """After an edit the rules browser's title and tabs and the window's status bar show
    the new version and value (they kept the old ones)."""
    from ui.views.rules import RuleEditor, RulesDialog
    old = window.rules.version
    assert old[:12] in window.rules_label.text()
    dialog = RulesDialog(window.rules, window, db=window.db, editor="ann")
    qtbot.addWidget(dialog)
    dialog.rules_changed.connect(window.rules_edited)
    assert "read-only" not in dialog.windowTitle() and old[:16] in dialog.windowTitle()
    editor = dialog.findChildren(RuleEditor)[0]
    editor.choose_file("eccns.csv")
    editor.set_key(eccn="3A991")
    editor.column.setCurrentText("description")
    editor.read()
    editor.value.setText("Electronic devices (edited)")
    editor.reason.setText("wording")
    editor.citation.setText("15 CFR 774")
    editor.save()
    new = window.rules.version
    assert new != old and "Saved" in editor.status.text()
    assert new[:16] in dialog.windowTitle() and old[:16] not in dialog.windowTitle()
    assert new[:12] in window.rules_label.text() and old[:12] not in window.rules_label.text()
    eccns = {row[0]: row for row in dialog.eccn_model.rows}
    assert eccns["3A991"][1] == "Electronic devices (edited)"
    assert RulesDialog(window.rules, window).windowTitle().startswith(
        "Rules browser (read-only)")  # without a database it is read-only


def test_database_setting_is_checked(window, monkeypatch, messages, tmp_path) -> None:
    from PySide6.QtWidgets import QInputDialog
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setattr(QInputDialog, "getText",
                        lambda *a, **k: (f"sqlite:///{blocker}/sub/y.db", True))
    window.edit_database()
    assert messages and "cannot open database" in messages[-1]
    assert not window.settings.get(Settings.DATABASE_URL)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (window.db.url, True))
    window.edit_database()
    assert window.settings.get(Settings.DATABASE_URL) == window.db.url


def test_rules_editor_adds_and_removes_rows(qtbot, window) -> None:
    from ui.views.rules import RuleEditor, RulesDialog
    dialog = RulesDialog(window.rules, window, db=window.db, editor="ann")
    qtbot.addWidget(dialog)
    editor = dialog.findChildren(RuleEditor)[0]
    editor.choose_file("country_groups.csv")
    editor.reason.setText("test membership")
    editor.citation.setText("99 FR 2")
    values = {"country_code": "SG", "group": "D:5", "valid_from": "2030-01-01",
              "citation": "99 FR 2", "verification": "VERIFIED"}
    for r in range(editor.new_row.rowCount()):
        column = editor.new_row.item(r, 0).text()
        if column in values:
            editor.new_row.item(r, 1).setText(values[column])
    editor.add_row()
    assert "row added" in editor.status.text()
    editor.set_key(country_code="SG", group="D:5", valid_from="2030-01-01")
    editor.remove_row()
    assert "row removed" in editor.status.text()
    assert [row[4] for row in dialog.log_model.rows] == ["(row added)", "(row removed)"]


def test_gui_without_a_display_says_what_to_do(monkeypatch, capsys) -> None:
    import sys

    from ui.entry import main
    if not sys.platform.startswith("linux"):
        pytest.skip("the check is for Linux desktops")
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    assert main(["gui"]) == 2
    err = capsys.readouterr().err
    assert "needs a desktop session" in err and "hkscreen screen" in err
    # The README's first command still screens the sample (exit 1: lines need attention).
    assert main(["gui", "--sample"]) == 1
    out, err = capsys.readouterr()
    assert "from the command line instead" in err
    from screening.db import default_database_url
    assert f"recorded in the database {default_database_url()}" in err  # says where
    assert "34 lines" in out and "LICENSE_REQUIRED" in out


def test_gui_sample_option_screens_the_sample(window) -> None:
    from ui.app import parse_args
    assert parse_args(["hkscreen-gui", "--sample", "-platform", "offscreen"]).sample
    assert parse_args(["hkscreen-gui", "x.xlsx"]).file == "x.xlsx"
    window.screen_sample()
    assert window.stack.currentIndex() == 1 and window.model.rowCount() == 34
    assert window.run is not None and window.run.input_name == "hk_shipments_2020_2025.xlsx"


def test_big_runs_start_their_ordering_helper_while_the_window_reads_the_lines(
        window, monkeypatch) -> None:
    """The helper of a big run is started before the window reads the lines (both load
    at once), handed to the workbench, and orders as the window's own code does."""
    import ui.main_window as main_window_module
    import ui.models.proxy as proxy_module
    from ui.loaded_run import load_run_data
    from ui.models.ordering import LineOrdering, Sort
    if not window.db.shareable:
        pytest.skip("needs a database another process can open")
    run = run_screening(window.db, SAMPLE_XLSX, ScreenOptions(), rules=window.rules).run
    assert load_run_data(window.db, run.id, helper_above=run.line_count).server is None
    monkeypatch.setattr(main_window_module, "ASYNC_LIMIT", 10)
    monkeypatch.setattr(proxy_module, "ASYNC_LIMIT", 10)
    started: list[object] = []
    original = load_run_data

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        loaded = original(*args, **kwargs)
        started.append(loaded.server)
        return loaded

    monkeypatch.setattr(main_window_module, "load_run_data", spy)
    window.load_run(run.id)
    assert started and started[0] is not None and window.model.server is started[0]
    window.table.sortByColumn(Col.VERDICT, Qt.SortOrder.DescendingOrder)
    expected = LineOrdering(window.results.lines.as_table()).order(Filters(),
                                                                   Sort(Col.VERDICT, True))
    assert [window.model.line_at(r) for r in range(window.model.rowCount())] == list(expected)
    assert window.model.server is started[0]  # answered by the helper, not the fallback
    window.model.close()


def test_ordering_helper_failure_is_reported_not_hidden(qtbot, db, monkeypatch) -> None:
    import ui.models.proxy as proxy_module
    from ui.models.order_server import OrderServer, OrderServerError
    from ui.models.ordering import Sort
    if not db.shareable:
        pytest.skip("needs a database another process can open")
    run = run_screening(db, SAMPLE_XLSX, ScreenOptions()).run
    server = OrderServer(db.url, run.id)
    server._proc.kill()
    server._proc.wait()
    with pytest.raises(OrderServerError):
        server.request(1, Filters(), Sort(Col.VERDICT), reload_reviews=False)
    server.close()
    # Through the proxy: the failure reaches the window as a message; the view stays usable.
    monkeypatch.setattr(proxy_module, "ASYNC_LIMIT", 10)
    model = ResultsModel()
    proxy = LineOrderProxy(model)
    with db.sessions() as session:
        model.load(run_store.load_line_table(session, run.id), {})
    dead = OrderServer(db.url, run.id)
    dead._proc.kill()
    dead._proc.wait()
    proxy.set_server(dead)
    with qtbot.waitSignal(proxy.failed, timeout=30_000) as failure:
        proxy.sort(Col.VERDICT, Qt.SortOrder.AscendingOrder)
    assert "ordering helper" in failure.args[0]
    assert proxy.server is None  # carried on in this process
    assert proxy.rowCount() == 34 and proxy.data(proxy.index(0, Col.VERDICT)) == \
        "LICENSE_REQUIRED"
    proxy.close()


def test_closing_during_a_request_does_not_wait_for_the_answer(db) -> None:
    from ui.models.order_server import OrderServer
    if not db.shareable:
        pytest.skip("needs a database another process can open")
    run = run_screening(db, SAMPLE_XLSX, ScreenOptions()).run
    server = OrderServer(db.url, run.id)
    server._lock.acquire()  # as if a worker thread were waiting for an answer
    try:
        server.close()
    finally:
        server._lock.release()
    assert server._proc.returncode is not None and server._proc.returncode < 0  # killed


def test_input_file_columns_sort_by_value_and_are_searched(window) -> None:
    """Sorting an input-file column orders numbers by value; the quick filter finds text
    that is only in the input file's own cells (here a customer name)."""
    from ui.models.ordering import natural_key
    assert sorted(["12,500", "9000", "", "abc", "Abd"], key=natural_key) == \
        ["9000", "12,500", "abc", "Abd", ""]
    _screen_sample(window)
    value = len(Col) + window.results.headers.index("Value (USD)")
    window.table.sortByColumn(value, Qt.SortOrder.DescendingOrder)
    shown = [window.model.data(window.model.index(r, value))
             for r in range(window.model.rowCount())]
    keys = [natural_key(v) for v in shown]
    assert keys == sorted(keys, reverse=True)
    assert sum(1 for k in keys if k[0] == 0) > 20  # most are numbers, ordered by value
    window.table.sortByColumn(Col.ROW, Qt.SortOrder.AscendingOrder)
    window.quick.setText("kowloon telecom")  # an end user, not a workbench column
    window.apply_filters()
    end_user = window.results.headers.index("End User")
    rows = [window.model.row_at(r) for r in range(window.model.rowCount())]
    assert rows
    with window.db.sessions() as session:
        for row in rows:
            line = run_store.get_line(session, window.run.id, row)
            assert "kowloon telecom" in " ".join(line.raw).casefold()
            assert line.raw[end_user] or line.raw[window.results.headers.index("Consignee")]


def test_rescreen_from_run_history_lists_what_changed(window) -> None:
    from screening.rules.edit import set_rule_value
    _screen_sample(window)
    first = window.run
    with window.db.sessions.begin() as session:
        set_rule_value(session, "country_chart.csv", {"row_key": "HK_PRE2020"}, "NP2", "X",
                       expected="", reason="test", citation="c", changed_by="ann")
    window.rescreen(first.id)
    assert window.run.id != first.id and window.run.rules_version != first.rules_version
    dialog = window.rescreen_dialog
    changed = {row[0]: row for row in dialog.model.rows}
    assert changed[7][2:4] == ["CLEAR", "LICENSE_REQUIRED"]  # HK-1003, 2A290 in 2020
    assert "CHART_LICENSE_REQUIRED" in changed[7][4]
    dialog.line_chosen.emit(7)
    assert window.selected_rows() == [7]


def test_sorting_and_filtering_keep_the_selected_line(window) -> None:
    _screen_sample(window)
    window.select_row(12)  # HK-1008, LICENSE_REQUIRED
    window.table.sortByColumn(Col.VERDICT, Qt.SortOrder.AscendingOrder)
    assert window.selected_rows() == [12]
    assert window.table.currentIndex().row() == window.model.view_row_of(12)
    window.verdict_buttons["LICENSE_REQUIRED"].setChecked(True)
    assert window.selected_rows() == [12]
    window.clear_filters()
    assert window.selected_rows() == [12] and window.model.rowCount() == 34


def test_export_failure_is_shown_and_nothing_half_written(window, tmp_path, messages) -> None:
    _screen_sample(window)
    target = tmp_path / "missing-folder" / "report.xlsx"
    window.export("xlsx", target)
    assert messages and "missing-folder" in messages[-1]
    assert not target.exists()


def test_bulk_review_of_thousands_of_lines_saved_in_the_background(window, tmp_path) -> None:
    """Above BULK_IN_BACKGROUND lines the review is written by a job (synchronous here);
    every line gets its decision, and only those lines are re-read."""
    from tests.conftest import big_csv
    from ui import review_saving
    run = run_screening(window.db, big_csv(tmp_path / "big.csv", 3_000), ScreenOptions()).run
    window.load_run(run.id)
    rows = [window.model.row_at(r) for r in range(window.model.rowCount())]
    assert len(rows) > review_saving.BULK_IN_BACKGROUND
    window.record_review(rows, ReviewInput(Disposition.CLEARED, "bulk check", "", "",
                                           "ann"))
    assert window.review_job is not None  # went through the background path
    assert set(window.results.reviews) == set(rows)
    assert window.results.unreviewed_count() == 0
    with window.db.sessions() as session:
        assert len(run_reviews(session, run.id)) == len(rows)


def test_filters_shown_are_the_filters_applied_after_opening_another_run(window) -> None:
    _screen_sample(window)
    window.destination.setCurrentIndex(window.destination.findData("CN"))
    filtered = window.model.rowCount()
    assert filtered < 34
    _screen_sample(window)  # a new run: the destination list is refilled with "All" chosen
    assert window.destination.currentData() == ""
    assert window.model.filters.destination == "" and window.model.rowCount() == 34


def test_review_dialog_speaks_chinese(qtbot, monkeypatch) -> None:
    """The validation message is in the window's language (it was English in zh_HK)."""
    from PySide6.QtCore import QCoreApplication, QTranslator

    from ui.translations import install_translator
    monkeypatch.setenv("HKSCREEN_LANG", "zh_HK")
    app = QCoreApplication.instance()
    before = set(app.findChildren(QTranslator))
    assert install_translator(app) == "zh_HK"
    try:
        dialog = ReviewDialog([(12, "HK-1008")], "ann", Disposition.LICENSE_OBTAINED)
        qtbot.addWidget(dialog)
        dialog.accept()
        assert dialog.error.text() == "「已取得許可證」須填寫許可證號碼。"
        assert dialog.lines_label.text() == "為 HK-1008（第 12 行） 作出決定。"
    finally:
        for translator in set(app.findChildren(QTranslator)) - before:
            app.removeTranslator(translator)
            translator.deleteLater()


def test_workbench_opens_on_the_first_flagged_line_with_a_verdict_chart(qtbot, window) -> None:
    _screen_sample(window)
    [row] = window.selected_rows()
    i = window.results.line_of_row(row)
    assert window.results.is_flagged(i)  # not the CLEAR line in the first row
    first_flagged = min(r for r, v in zip(window.results.lines.rows.tolist(),
                                          window.results.lines.verdicts, strict=True)
                        if v != "CLEAR")
    assert row == first_flagged
    chart = window.verdict_chart
    window.resize(1400, 850)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(50)  # the splitter is sized once the page is laid out
    counts = window.run.counts
    assert chart.counts == {v: counts.get(v, 0) for v in
                            ("PROHIBITED", "LICENSE_REQUIRED", "ERROR", "REVIEW", "CLEAR")}
    assert chart.newly == window.run.newly_licensable > 0
    assert chart.flagged == 34 - counts["CLEAR"] and chart.reviewed == 0
    segments = chart.segments()
    assert [s.verdict for s in segments] == [v for v, n in chart.counts.items() if n]
    assert segments[0].verdict == "LICENSE_REQUIRED"
    widths = {s.verdict: s.rect.width() for s in segments}
    ratio = counts["LICENSE_REQUIRED"] / counts["CLEAR"]
    assert abs(widths["LICENSE_REQUIRED"] / widths["CLEAR"] - ratio) < 0.05
    image = chart.grab().toImage()
    corner = segments[0].rect.topLeft()
    assert image.pixelColor(int(corner.x()) + 3, int(corner.y()) + 3).name() == "#f4b6b6"
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=segments[1].rect.center().toPoint())
    assert window.verdict_buttons[segments[1].verdict].isChecked()
    window.record_review([row], ReviewInput(Disposition.HOLD, "r", "", "", "ann"))
    assert chart.reviewed == 0 and chart.on_hold == 1  # hold is not a decision
    window.record_review([row], ReviewInput(Disposition.ESCALATE, "r", "", "", "ann"))
    assert chart.reviewed == 1 and chart.on_hold == 0
    # At the default size every column of the table is readable, Review status included.
    header = window.table.horizontalHeader()
    assert header.sectionViewportPosition(Col.REVIEW) + header.sectionSize(Col.REVIEW) <= \
        window.table.viewport().width()
    metrics = header.fontMetrics()
    assert header.sectionSize(Col.REVIEW) >= metrics.horizontalAdvance("Review status") + 12


def test_detail_pane_shows_values_as_written(qtbot, window) -> None:
    """Whole numbers without ".0", and a normalised value with the cell it came from."""
    _screen_sample(window)
    window.select_row(5)  # HK-1001: value 12500, quantity 50, end-user type "commercial"
    text = window.detail.toPlainText()
    assert "12500" in text and "12500.0" not in text and "50.0" not in text
    assert "civil (from the cell \u201ccommercial\u201d)" in text


def test_rules_browser_shows_the_edition_and_an_entrys_rows_and_paragraphs(qtbot,
                                                                         window) -> None:
    from ui.views.rules import RulesDialog
    dialog = RulesDialog(window.rules, window)
    qtbot.addWidget(dialog)
    assert "eCFR edition 2026-08-07 (637 entries)" in dialog.edition.text()
    browser = dialog.eccns
    assert browser.model.rowCount() == len(window.rules.eccns)
    browser.find.setText("3A090")
    assert browser.proxy.rowCount() >= 1
    browser.select("3A090")
    rows = browser.requirements.rows
    assert any(r[1] == "licence: any destination" and r[2] == "3A090.a" for r in rows)
    assert any("742.6(a)(6)(iii)(A)" in str(r[3]) for r in rows)
    assert "total processing performance" in browser.paragraphs.toPlainText()
    assert "3A090" in browser.heading.text()


def _recording_helpers(monkeypatch) -> list:  # type: ignore[type-arg]
    """Every ordering helper process started from now on."""
    import ui.models.order_server as order_server_module
    started: list[order_server_module.OrderServer] = []

    class Recorded(order_server_module.OrderServer):
        def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            super().__init__(*args, **kwargs)
            started.append(self)

    monkeypatch.setattr(order_server_module, "OrderServer", Recorded)
    return started


def _big_run_whose_read_waits_for_a_cancel(db, monkeypatch):  # type: ignore[no-untyped-def]
    """A screened run that opens as a big one (read on a worker thread, with a helper
    process), whose read of the lines only a cancel ends: (run, helpers started, an event
    set once the read has begun)."""
    import threading

    import ui.loaded_run as loaded_run_module
    import ui.main_window as main_window_module
    run = run_screening(db, SAMPLE_XLSX, ScreenOptions()).run
    monkeypatch.setattr(main_window_module, "ASYNC_LIMIT", 10)
    started = _recording_helpers(monkeypatch)
    reading = threading.Event()
    original = loaded_run_module.read_run_lines

    def slow_read(session, run_id, expected=0, *, progress=None, cancelled=None):  # type: ignore[no-untyped-def]
        reading.set()
        while not cancelled():  # a read that only a cancel ends
            threading.Event().wait(0.01)
        return original(session, run_id, expected, progress=progress, cancelled=cancelled)

    monkeypatch.setattr(loaded_run_module, "read_run_lines", slow_read)
    return run, started, reading


def test_closing_the_window_while_a_big_run_loads_stops_its_helper(
        qtbot, db, settings, monkeypatch) -> None:
    """The window is closed while the lines of a big run are still being read: the read is
    cancelled and the helper process started for the run is stopped and reaped."""
    if not db.shareable:
        pytest.skip("needs a database another process can open")
    run, started, reading = _big_run_whose_read_waits_for_a_cancel(db, monkeypatch)
    win = MainWindow(db, settings)  # jobs in worker threads, as in the app
    qtbot.addWidget(win)
    win.load_run(run.id)
    assert reading.wait(30)
    assert len(started) == 1 and not started[0].exited
    win.close()
    assert started[0].exited  # stopped and reaped by the time the window is closed
    qtbot.wait(10)  # the cancelled job's signals arrive: nothing is shown, nothing restarts
    assert win.run is None and win.model.server is None and len(started) == 1


def test_cancel_while_a_big_run_opens_stops_its_helper(qtbot, db, settings,
                                                      monkeypatch) -> None:
    """The progress dialog's Cancel stops reading a big run's lines: nothing is shown, the
    helper process is stopped, and the window says so."""
    if not db.shareable:
        pytest.skip("needs a database another process can open")
    run, started, reading = _big_run_whose_read_waits_for_a_cancel(db, monkeypatch)
    win = MainWindow(db, settings)
    qtbot.addWidget(win)
    win.load_run(run.id)
    assert reading.wait(30) and win.progress is not None
    win.progress.canceled.emit()  # as its Cancel button does
    qtbot.waitUntil(lambda: win.progress is None, timeout=30_000)  # the job has ended
    assert started[0].exited and win.run is None and win.model.server is None
    assert win.statusBar().currentMessage() == "Opening the run was cancelled."
    win.close()


def test_a_run_read_but_not_yet_shown_when_the_window_closes_stops_its_helper(
        qtbot, db, settings, monkeypatch) -> None:
    """The lines were read, but the window closed before it could show them (the job's
    result still queued): the helper started for the run does not outlive the window."""
    import ui.main_window as main_window_module
    if not db.shareable:
        pytest.skip("needs a database another process can open")
    run = run_screening(db, SAMPLE_XLSX, ScreenOptions()).run
    monkeypatch.setattr(main_window_module, "ASYNC_LIMIT", 10)
    started = _recording_helpers(monkeypatch)
    win = MainWindow(db, settings)
    qtbot.addWidget(win)
    win.load_run(run.id)
    assert win.job is not None and win.job.wait()  # read, but its result not delivered yet
    assert len(started) == 1 and not started[0].exited
    win.close()
    assert started[0].exited
    qtbot.wait(10)  # the queued result arrives after the close: discarded, not shown
    assert win.run is None and win.model.server is None


def test_opening_another_run_while_one_loads_shows_only_the_newest(
        qtbot, db, settings, monkeypatch) -> None:
    import ui.main_window as main_window_module
    if not db.shareable:
        pytest.skip("needs a database another process can open")
    first = run_screening(db, SAMPLE_XLSX, ScreenOptions()).run
    second = run_screening(db, SAMPLE_XLSX, ScreenOptions()).run
    monkeypatch.setattr(main_window_module, "ASYNC_LIMIT", 10)
    started = _recording_helpers(monkeypatch)
    win = MainWindow(db, settings)
    qtbot.addWidget(win)
    win.load_run(first.id)
    win.load_run(second.id)
    qtbot.waitUntil(lambda: win.run is not None, timeout=30_000)
    qtbot.wait(10)
    assert win.run.id == second.id and win.model.rowCount() == 34
    shown = win.model.server
    assert shown in started and not shown.exited
    # The first run's helper, if its read got that far, is stopped by its cancelled job.
    qtbot.waitUntil(lambda: all(s.exited for s in started if s is not shown), timeout=30_000)
    win.close()
    assert all(s.exited for s in started)


def test_a_quick_filter_answered_in_part_is_shown_then_completed(qtbot, monkeypatch) -> None:
    """While the helper still reads the input file's columns it answers a quick filter from
    the workbench's columns: those lines are shown at once (the window says the search goes
    on), then the proxy asks for the complete answer (the helper waits for its read), which
    replaces them."""
    from array import array

    import ui.models.proxy as proxy_module
    from ui.models.run_lines import run_lines_of
    monkeypatch.setattr(proxy_module, "ASYNC_LIMIT", 2)
    monkeypatch.setattr(proxy_module, "PARTIAL_RETRY_MS", 1)
    n = 6
    table = run_store.LineTable(list(range(2, n + 2)), [f"L{i}" for i in range(n)],
                                ["CLEAR"] * n, ["HK"] * n, ["HK"] * n, [False] * n,
                                ["EAR99"] * n, [None] * n, [1] * n, {1: ()})

    class Answers:  # the helper: in part unless asked for the complete answer
        def __init__(self) -> None:
            self.asked: list[tuple[Filters, bool]] = []

        def request(self, req_id, filters, sort, *, reload_reviews, complete=False):  # type: ignore[no-untyped-def]
            self.asked.append((filters, complete))
            found = [1, 4] if complete else [1]
            pos = array("i", [-1] * n)
            for p, i in enumerate(found):
                pos[i] = p
            return array("i", found), pos, 1.0 if complete else 0.3

        def close(self) -> None:
            pass

    model = ResultsModel()
    proxy = LineOrderProxy(model, synchronous=True)
    model.load(run_lines_of(table), {})
    answers = Answers()
    proxy.server = answers  # type: ignore[assignment]
    progress: list[float] = []
    proxy.searching.connect(progress.append)
    with qtbot.waitSignal(proxy.busy, timeout=30_000, check_params_cb=lambda busy: not busy):
        proxy.set_filters(Filters(text="l1"))
        assert proxy.rowCount() == 1 and proxy.line_at(0) == 1  # the lines found so far
    assert progress == [0.3]
    assert answers.asked == [(Filters(text="l1"), False), (Filters(text="l1"), True)]
    assert [proxy.line_at(r) for r in range(proxy.rowCount())] == [1, 4]
    # A newer request supersedes a partial answer's retry.
    answers.asked.clear()
    proxy.set_filters(Filters(text="l"))
    proxy.set_filters(Filters())  # input order: nothing to ask
    qtbot.wait(20)
    assert answers.asked == [(Filters(text="l"), False)] and proxy.rowCount() == n
