"""An XLSX report's Lines and Findings rows rendered while its run is screened
(reports.prerender): the report is the one rendered afterwards, cell for cell, and anything
that makes those rows not the report's (a review, a failed helper, a failed run) falls back
to rendering them afterwards, leaving no file behind."""

from __future__ import annotations

import os
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from screening import service
from screening.cli import main
from screening.db import Database, open_database
from screening.recovery import clean_temp_files, temp_dir
from screening.reports import prerender, write_report
from screening.reports import xlsx as xlsx_report
from screening.reports.line_sheets import LineSheets, render_line_sheets
from screening.reports.safety import ExportError
from screening.reports.verify import Status, verify_report
from screening.reports.xlsx import styles_of
from screening.service import ScreenOptions, run_screening
from screening.store import runs as run_store
from screening.store import store_process
from screening.store.report_lines import follow_line_chunks, iter_line_chunks
from screening.store.reviews import Disposition, add_reviews
from tests.pipeline_reference import write_mixed_csv

#: The parts rendered apart (the rest hold the report's time and digest).
ROW_PARTS = ("xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml", "xl/sharedStrings.xml")


@pytest.fixture
def watched(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[object]]:
    """Every input gets a helper; records what each helper answered and whether the
    report took its rows."""
    monkeypatch.setattr(prerender, "PRERENDER_MIN_BYTES", 0)
    monkeypatch.setattr(prerender, "cores", lambda: 2)  # a one-core test machine too
    seen: dict[str, list[object]] = {"results": [], "fits": [], "folders": []}
    result, fits, init = (prerender.Prerender.result, xlsx_report._Opened.fits,
                          prerender.Prerender.__init__)

    def spy_init(self, *args):  # type: ignore[no-untyped-def]
        init(self, *args)
        seen["folders"].append(self.folder)

    def spy_result(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        answer = result(self, *args, **kwargs)
        seen["results"].append(answer)
        return answer

    def spy_fits(self, rendered, content):  # type: ignore[no-untyped-def]
        verdict = fits(self, rendered, content)
        seen["fits"].append(verdict)
        return verdict
    monkeypatch.setattr(prerender.Prerender, "__init__", spy_init)
    monkeypatch.setattr(prerender.Prerender, "result", spy_result)
    monkeypatch.setattr(xlsx_report._Opened, "fits", spy_fits)
    return seen


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _screen_with_report(capsys, db_url: str, data: Path, report: Path) -> int:
    code = main(["--database-url", db_url, "screen", str(data), "--report", str(report),
                 "--quiet"])
    err = capsys.readouterr().err
    assert code in (0, 1), err
    return code


def _assert_verifies(report: Path, data: Path, db: Database) -> None:
    """Every check passes: digest, input hash, re-screen, signature, issued, stored run."""
    result = verify_report(report, data, db)
    assert [c.status for c in result.checks] == [Status.PASSED] * 7, result.checks


def _leftovers(folder: Path) -> list[Path]:
    """Rendered rows or temporary files left in the report's folder or the data directory's
    tmp folder."""
    return [p for where in (folder, temp_dir()) for p in where.iterdir()
            if p.suffix in (".rows", ".tmp", ".part")]


def test_rows_rendered_while_screening_are_the_reports_rows(capsys, db_url, tmp_path,
                                                            monkeypatch, watched) -> None:
    """Many small batches of a mixed file (blank rows, bad cells, findings), followed as
    they are stored: the report is the one rendered afterwards, and it verifies."""
    monkeypatch.setattr(service, "BATCH", 700)
    monkeypatch.setattr(service, "SCREEN_PART", 350)
    data = tmp_path / "mixed.csv"
    write_mixed_csv(data, 6_000)
    (tmp_path / "out").mkdir()
    during = tmp_path / "out" / "during.xlsx"
    assert _screen_with_report(capsys, db_url, data, during) in (0, 1)
    assert len(watched["results"]) == 1 and isinstance(watched["results"][0], LineSheets)
    assert watched["fits"] == [True], "the report took the rows rendered during the run"
    db = open_database(db_url)
    try:
        with db.sessions() as session:
            run = run_store.list_runs(session)[0]
        assert run.line_count > 5_000 and run.status == "complete"
        after = tmp_path / "out" / "after.xlsx"
        write_report(db, run.id, after, generated_by="auditor")  # rendered afterwards
        ours, theirs = _parts(during), _parts(after)
        assert ours.keys() == theirs.keys()
        for name in ROW_PARTS:
            assert ours[name] == theirs[name], name
        _assert_verifies(during, data, db)
    finally:
        db.dispose()
    assert not _leftovers(tmp_path / "out")
    assert not watched["folders"][0].exists()  # type: ignore[union-attr]


def test_following_a_run_reads_every_line_once_in_order(db: Database, tmp_path,
                                                        monkeypatch) -> None:
    """The follower sees batches as they commit and stops once the run has ended."""
    monkeypatch.setattr(service, "BATCH", 500)
    monkeypatch.setattr(service, "SCREEN_PART", 250)
    data = tmp_path / "mixed.csv"
    write_mixed_csv(data, 4_000)
    followed: list[object] = []

    def follow(run_id: int) -> None:
        def work() -> None:
            try:
                followed.extend(follow_line_chunks(db, run_id, poll=0.001, size=300))
            except BaseException as exc:  # the test fails on it below
                followed.append(exc)
        thread = threading.Thread(target=work)
        thread.start()
        threads.append(thread)
    threads: list[threading.Thread] = []
    result = run_screening(db, data, ScreenOptions(), on_created=follow)
    threads[0].join(timeout=60)
    assert not threads[0].is_alive()
    assert all(not isinstance(c, BaseException) for c in followed), followed
    rows = [r for chunk in followed for r in chunk.row]  # type: ignore[attr-defined]
    assert len(followed) > 2, "read in several pieces"
    assert rows == sorted(set(rows)) and len(rows) == result.run.line_count
    with db.sessions() as session:
        whole = [r for chunk in iter_line_chunks(session, result.run.id)
                 for r in chunk.records()]
    assert [r for chunk in followed for r in chunk.records()] == whole  # type: ignore[attr-defined]


def test_a_review_before_the_report_renders_the_rows_again(db: Database, tmp_path) -> None:
    """Rows rendered without a review are not a report with one: rendered afresh, the
    rendered files removed."""
    data = tmp_path / "mixed.csv"
    write_mixed_csv(data, 800)
    result = run_screening(db, data, ScreenOptions())
    run_id = result.run.id
    from screening.reports.content import load_content
    with db.sessions() as session:
        content = load_content(session, run_id, "")
        styles, finding_styles = styles_of(content, tmp_path)
        rendered = render_line_sheets(iter_line_chunks(session, run_id), content.run.headers,
                                      {}, styles, finding_styles, tmp_path)
        row = next(r for chunk in iter_line_chunks(session, run_id)
                   for r, verdict in zip(chunk.row, chunk.verdict, strict=True)
                   if verdict != "CLEAR")
    with db.sessions.begin() as session:
        add_reviews(session, run_id, [row], Disposition.HOLD,
                    reason="Held pending end-user check", reviewer="officer")
    target = tmp_path / "r.xlsx"
    write_report(db, run_id, target, generated_by="officer", rendered=rendered)
    assert not rendered.lines.path.exists() and not rendered.findings.path.exists()
    _assert_verifies(target, data, db)
    book = openpyxl.load_workbook(target, read_only=True)
    lines = {r[0]: r for r in book["Lines"].iter_rows(min_row=2, values_only=True)}
    assert lines[row][18] == "Hold" and lines[row][19] == "officer"  # the line's disposition
    book.close()


def test_rows_asked_for_once_the_report_has_read_the_rest(db: Database, tmp_path,
                                                         monkeypatch) -> None:
    """The rows may be given as a function: the report reads its content and opens its
    workbook first (overlapping the helper's last rows), then asks once; the rows it gets
    are used and removed, and a report failing before it asks never asks."""
    data = tmp_path / "mixed.csv"
    write_mixed_csv(data, 600)
    run_id = run_screening(db, data, ScreenOptions()).run.id
    from screening.reports.content import load_content
    with db.sessions() as session:
        content = load_content(session, run_id, "")
        styles, finding_styles = styles_of(content, tmp_path)
        rendered = render_line_sheets(iter_line_chunks(session, run_id), content.run.headers,
                                      {}, styles, finding_styles, tmp_path)
    events: list[str] = []
    opened = xlsx_report._open_book
    monkeypatch.setattr(xlsx_report, "_open_book",
                        lambda *a: events.append("opened") or opened(*a))
    fits: list[bool] = []
    real = xlsx_report._Opened.fits
    monkeypatch.setattr(xlsx_report._Opened, "fits", lambda self, r, c: fits.append(
        real(self, r, c)) or fits[-1])

    def ask() -> LineSheets:
        events.append("asked")
        return rendered
    write_report(db, run_id, tmp_path / "r.xlsx", generated_by="auditor", rendered=ask)
    assert events == ["opened", "asked"] and fits == [True]
    assert not rendered.lines.path.exists() and not rendered.findings.path.exists()
    _assert_verifies(tmp_path / "r.xlsx", data, db)
    # No rows given (the helper failed): the report renders them itself, the same report.
    events.clear()
    write_report(db, run_id, tmp_path / "r2.xlsx", generated_by="auditor",
                 rendered=lambda: events.append("asked") and None)
    assert events == ["opened", "asked"] and fits == [True]
    _assert_verifies(tmp_path / "r2.xlsx", data, db)
    # A report that fails first (no such run) never asks.
    events.clear()
    with pytest.raises(ExportError, match="9999"):
        write_report(db, 9999, tmp_path / "r3.xlsx", generated_by="auditor",
                     rendered=lambda: events.append("asked") and None)
    assert events == []


def test_rendering_rows_leaves_nothing_frozen_and_the_collector_on(db: Database,
                                                                   tmp_path) -> None:
    """The rows render with the cyclic collector paused, but nothing they made is frozen
    out of its reach afterwards (a report exported from the window, in its long-lived
    process, would keep its cycles for good) and the collector is on again."""
    import gc

    data = tmp_path / "mixed.csv"
    write_mixed_csv(data, 400)
    run = run_screening(db, data, ScreenOptions()).run
    run_id = run.id
    from screening.reports.content import load_content
    with db.sessions() as session:
        content = load_content(session, run_id, "")
        styles, finding_styles = styles_of(content, tmp_path)
        frozen = gc.get_freeze_count()
        rendered = render_line_sheets(iter_line_chunks(session, run_id), content.run.headers,
                                      {}, styles, finding_styles, tmp_path)
    assert gc.get_freeze_count() <= frozen and gc.isenabled()  # (frozen ones may die)
    assert rendered.line_count == run.line_count
    rendered.discard()


def test_rows_rendered_under_other_headers_are_rendered_again(db: Database, tmp_path,
                                                              monkeypatch) -> None:
    """Rows rendered under the headers a run had when it started are not the report's if
    its end widened them (a row wider than its header row)."""
    data = tmp_path / "mixed.csv"
    write_mixed_csv(data, 300)
    run = run_screening(db, data, ScreenOptions()).run
    from screening.reports.content import load_content
    with db.sessions() as session:
        content = load_content(session, run.id, "")
        styles, finding_styles = styles_of(content, tmp_path)
        rendered = render_line_sheets(iter_line_chunks(session, run.id), content.run.headers,
                                      {}, styles, finding_styles, tmp_path)
    fits: list[bool] = []
    real = xlsx_report._Opened.fits
    monkeypatch.setattr(xlsx_report._Opened, "fits", lambda self, r, c: fits.append(
        real(self, r, c)) or fits[-1])
    rendered.headers = [*rendered.headers, ""]
    write_report(db, run.id, tmp_path / "r.xlsx", generated_by="auditor", rendered=rendered)
    assert fits == [False] and not rendered.lines.path.exists()
    _assert_verifies(tmp_path / "r.xlsx", data, db)


def test_a_failed_helper_leaves_the_report_to_render_its_rows(capsys, db_url, tmp_path,
                                                              monkeypatch, watched) -> None:
    data = tmp_path / "mixed.csv"
    write_mixed_csv(data, 1_500)
    (tmp_path / "out").mkdir()
    report = tmp_path / "out" / "r.xlsx"
    killed: list[int] = []
    follow = prerender.Prerender.follow

    def follow_then_kill(self, run_id: int) -> None:
        follow(self, run_id)
        self.proc.kill()
        killed.append(run_id)
    monkeypatch.setattr(prerender.Prerender, "follow", follow_then_kill)
    assert _screen_with_report(capsys, db_url, data, report) in (0, 1)
    assert killed and watched["results"] == [None] and watched["fits"] == []
    db = open_database(db_url)
    try:
        _assert_verifies(report, data, db)
    finally:
        db.dispose()
    assert not _leftovers(tmp_path / "out")


def test_a_failed_run_stops_the_helper_and_removes_its_folder(capsys, db_url, tmp_path,
                                                              watched) -> None:
    data = tmp_path / "bad.csv"
    data.write_text("Line,Destination,Export Date,ECCN\n1,HK,2021-03-01,5A992.c\n"
                    '2,"HK,2021-03-01,5A992.c\n', encoding="utf-8")  # an unclosed quote
    (tmp_path / "out").mkdir()
    code = main(["--database-url", db_url, "screen", str(data), "--report",
                 str(tmp_path / "out" / "r.xlsx"), "--quiet"])
    capsys.readouterr()
    assert code not in (0, 1)
    assert watched["folders"] and not _leftovers(tmp_path / "out")
    assert not (tmp_path / "out" / "r.xlsx").exists()


def test_a_helper_answer_naming_a_file_elsewhere_is_refused(tmp_path) -> None:
    (tmp_path / "f.rows").write_bytes(b"")
    (tmp_path / "sub").mkdir()
    for name in ("../elsewhere.rows", "", ".", "..", "sub", "missing.rows"):
        answer = {"lines": [name, 0, 0], "findings": ["f.rows", 0, 0]}
        with pytest.raises(ValueError, match="not a rows file in the helper's folder"):
            prerender.from_json(answer, tmp_path)


def test_a_sheet_hashed_here_cannot_also_be_adopted() -> None:
    from screening.reports.canonical import CellDigest
    digest = CellDigest()
    digest.row("Lines", 0, ["Row"])
    with pytest.raises(RuntimeError, match="here and elsewhere"):
        digest.adopt("Lines", "0" * 64)
    digest.adopt("Findings", "1" * 64)
    with pytest.raises(RuntimeError, match="here and elsewhere"):
        digest.row("Findings", 1, ["x"])
    assert digest.sheet_hashes()["Findings"] == "1" * 64


def test_the_rows_of_a_killed_run_are_removed_on_the_next_start(tmp_path) -> None:
    """A run's process killed midway leaves its helper's folder: the next start removes it
    (its pid is gone), and not a folder of a live process."""
    import subprocess
    import sys
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    left = temp_dir() / f"run-{dead}-abc.rows"
    (left / "x").mkdir(parents=True)
    (left / "x" / "rows.rows").write_bytes(b"x")
    live = Path(tempfile.mkdtemp(prefix=f"run-{os.getpid()}-", suffix=".rows",
                                 dir=temp_dir()))
    assert left in clean_temp_files()
    assert not left.exists() and live.is_dir()


def test_only_the_first_xlsx_report_takes_the_rendered_rows(capsys, db_url, tmp_path,
                                                           watched) -> None:
    data = tmp_path / "mixed.csv"
    write_mixed_csv(data, 1_200)
    first, second, pdf = tmp_path / "a.xlsx", tmp_path / "b.xlsx", tmp_path / "c.pdf"
    code = main(["--database-url", db_url, "screen", str(data), "--report", str(pdf),
                 "--report", str(first), "--report", str(second), "--quiet"])
    capsys.readouterr()
    assert code in (0, 1)
    assert len(watched["results"]) == 1 and watched["fits"] == [True]
    db = open_database(db_url)
    try:
        for report in (first, second):
            _assert_verifies(report, data, db)
        ours, theirs = _parts(first), _parts(second)
        for name in ROW_PARTS:
            assert ours[name] == theirs[name], name
    finally:
        db.dispose()
    assert pdf.stat().st_size > 0 and not _leftovers(tmp_path)


def test_a_run_not_recorded_complete_does_not_wait_for_the_helper(db_url, tmp_path,
                                                                  monkeypatch) -> None:
    """If the end of a run could not be recorded it stays "running": the helper would follow
    it until stopped, so the report neither waits for it nor takes its rows."""
    monkeypatch.setattr(prerender, "WAIT", 600)
    db = open_database(db_url)
    helper = prerender.Prerender(db_url)
    try:
        data = tmp_path / "m.csv"
        write_mixed_csv(data, 300)
        run = run_screening(db, data, ScreenOptions(), on_created=helper.follow)
        assert run.run.status == "complete"  # as if its end had not been recorded:
        started = time.monotonic()
        assert helper.result(complete=False) is None
        assert time.monotonic() - started < 30
        assert helper.proc.poll() is None  # still alive: stopped by close
    finally:
        helper.close()
        db.dispose()
    assert helper.proc.returncode is not None and not helper.folder.exists()


def test_a_helper_only_with_a_second_core(monkeypatch) -> None:
    monkeypatch.setattr(prerender, "cores", lambda: 2)
    mb = 1 << 20
    assert prerender.suitable(True, 2 * mb)
    assert prerender.suitable(True, store_process.PROCESS_MIN_BYTES)  # stored by a child
    assert not prerender.suitable(False, 2 * mb)  # an in-memory database
    assert not prerender.suitable(True, prerender.PRERENDER_MIN_BYTES - 1)  # too small
    monkeypatch.setattr(prerender, "cores", lambda: 1)
    assert not prerender.suitable(True, 2 * mb)


def test_a_helper_that_makes_no_progress_is_not_waited_for(db_url, tmp_path,
                                                           monkeypatch) -> None:
    """A stuck helper (here: stopped before it read a line) is given up after WAIT seconds
    without progress; close kills it and removes its folder."""
    import signal
    monkeypatch.setattr(prerender, "WAIT", 1)
    db = open_database(db_url)
    helper = prerender.Prerender(db_url)

    def follow_then_stop(run_id: int) -> None:
        helper.follow(run_id)
        os.kill(helper.proc.pid, signal.SIGSTOP)
    try:
        data = tmp_path / "m.csv"
        write_mixed_csv(data, 300)
        run = run_screening(db, data, ScreenOptions(), on_created=follow_then_stop)
        assert run.run.status == "complete"
        started = time.monotonic()
        told: list[float] = []
        assert helper.result(waiting=lambda: told.append(time.monotonic())) is None
        assert 0.9 < time.monotonic() - started < 30
        assert len(told) == 1  # the caller was told once that it waits
    finally:
        helper.close()
        db.dispose()
    assert helper.proc.returncode is not None and not helper.folder.exists()


def test_the_cli_says_when_it_waits_for_the_reports_rows(capsys, db_url, tmp_path,
                                                        monkeypatch, watched) -> None:
    """Not quiet: a wait for the helper's rows is announced; a stuck helper is given up and
    the report is written all the same."""
    import signal
    monkeypatch.setattr(prerender, "WAIT", 1)
    follow = prerender.Prerender.follow

    def follow_then_stop(self, run_id: int) -> None:
        follow(self, run_id)
        os.kill(self.proc.pid, signal.SIGSTOP)
    monkeypatch.setattr(prerender.Prerender, "follow", follow_then_stop)
    data = tmp_path / "mixed.csv"
    write_mixed_csv(data, 400)
    report = tmp_path / "r.xlsx"
    code = main(["--database-url", db_url, "screen", str(data), "--report", str(report)])
    err = capsys.readouterr().err
    assert code in (0, 1), err
    assert err.count("finishing the XLSX report's rows") == 1
    assert watched["results"] == [None] and report.stat().st_size > 0
    assert not watched["folders"][0].exists()  # type: ignore[union-attr]
