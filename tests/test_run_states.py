"""Runs end in a known state (issue 11): complete, failed with the reason, or interrupted;
a dead run is found on the next start; reports of a run that did not complete say so on
every sheet and page; an operating-system error is one line with the path, never a
traceback."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import openpyxl
import pytest

from screening.cli import main
from screening.db import open_database
from screening.paths import data_dir
from screening.store import runs as run_store
from tests.conftest import ROOT, big_csv, changing_after_first_read, code_under_test, run_then_kill


def test_kill_minus_nine_then_next_start_shows_interrupted(db_url, tmp_path, capsys) -> None:
    # Before: after kill -9 the run stayed "running" for ever (a report said "Lines 0"
    # beside a 40,000-row sheet) and its temporary files were left behind.
    data = big_csv(tmp_path / "big.csv", 30_000)
    script = tmp_path / "screen_then_hang.py"
    script.write_text(textwrap.dedent(f"""
        import pathlib, time
        from screening.db import open_database
        from screening.service import ScreenOptions, run_screening
        db = open_database({db_url!r})
        def progress(p):
            print("batch", p.lines, flush=True)
            time.sleep(120)  # killed here, mid-run
        run_screening(db, pathlib.Path({str(data)!r}),
                      ScreenOptions(json_out=pathlib.Path({str(tmp_path / 'out.json')!r})),
                      progress=progress)
    """), encoding="utf-8")
    assert run_then_kill(script, 1) == ["batch 5000\n"]
    leftovers = list((data_dir() / "tmp").glob("run-*"))
    assert leftovers, "the killed run left its pointer to the JSON being written"
    assert list(tmp_path.glob(".out.json.*.part")), "and that JSON, beside its target"

    check = open_database(db_url)  # the next start
    try:
        with check.sessions() as session:
            run = run_store.list_runs(session)[0]
    finally:
        check.dispose()
    assert run.status == "interrupted" and "pid" in run.message
    # Whole batches only (the writer may have stored a few more while the progress hung).
    assert run.line_count % 5000 == 0 and run.line_count >= 5000
    assert sum(run.counts.values()) == run.line_count
    assert not any(p.exists() for p in leftovers)
    assert not (tmp_path / "out.json").exists()
    assert not list(tmp_path.glob(".out.json.*.part")), "the part JSON beside the target"

    code = main(["--database-url", db_url, "runs", "show", str(run.id)])
    assert code == 0 and "interrupted" in capsys.readouterr().out
    report_xlsx, report_pdf = tmp_path / "r.xlsx", tmp_path / "r.pdf"
    assert main(["--database-url", db_url, "report", str(run.id), "--out", str(report_xlsx),
                 "--out", str(report_pdf)]) == 0
    assert_incomplete_report(report_xlsx, report_pdf)


def assert_incomplete_report(xlsx: Path, pdf: Path) -> None:
    book = openpyxl.load_workbook(xlsx)
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True) if r[0]}
    assert "RUN NOT COMPLETE" in summary and "interrupted" in summary["RUN NOT COMPLETE"]
    assert summary["What this report says"].startswith("RUN NOT COMPLETE")
    for ws in book.worksheets:  # every sheet, on screen (red tab) and printed (header)
        assert "RUN NOT COMPLETE (interrupted)" in ws.oddHeader.center.text, ws.title
        assert ws.sheet_properties.tabColor.rgb.endswith("C00000"), ws.title
    with zipfile_names(xlsx) as names:
        assert len([n for n in names if n.startswith("xl/drawings/drawing")]) == \
            len(book.worksheets)  # the banner over each sheet
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    assert pages and all("RUN NOT COMPLETE (status: interrupted)" in p for p in pages)


class zipfile_names:  # noqa: N801 (a tiny context manager)
    def __init__(self, path: Path):
        import zipfile
        self.archive = zipfile.ZipFile(path)

    def __enter__(self) -> list[str]:
        return self.archive.namelist()

    def __exit__(self, *exc: object) -> None:
        self.archive.close()


def test_a_live_run_is_not_marked_interrupted(db) -> None:
    """Only dead writers: a running run of a live process (this one) is left alone, and a
    run from another machine only once its heartbeat is stale."""
    import datetime as dt
    import socket

    from screening.recovery import pid_alive
    now = dt.datetime.now(dt.UTC)
    with db.sessions.begin() as session:
        mine = run_store.create_run(session, status="running", pid=os.getpid(),
                                    heartbeat_at=now, host=socket.gethostname(),
                                    **_run_fields(now))
        remote_fresh = run_store.create_run(session, status="running", pid=1, host="other",
                                            heartbeat_at=now, **_run_fields(now))
        remote_stale = run_store.create_run(
            session, status="running", pid=1, host="other",
            heartbeat_at=now - run_store.STALE_AFTER * 2, **_run_fields(now))
    with db.sessions.begin() as session:
        dead = run_store.mark_dead_runs(session, socket.gethostname(), pid_alive)
    assert [d.id for d in dead] == [remote_stale]
    with db.sessions() as session:
        states = {r.id: r.status for r in run_store.list_runs(session)}
    assert states == {mine: "running", remote_fresh: "running", remote_stale: "interrupted"}
    with db.sessions.begin() as session:  # a declared-interrupted run is never overwritten
        assert not run_store.finish_run(session, remote_stale, status="complete", counts={},
                                        line_count=0, newly=0, blank_rows=0)


def _run_fields(now) -> dict:  # type: ignore[no-untyped-def]
    return {"input_name": "x.csv", "input_size": 1, "input_sha256": "0" * 64,
            "app_version": "test", "rules_version": "r", "started_at": now}


def read_only_command(directory: Path, command: list[str]) -> list[str]:
    """``command`` run with ``directory`` read-only: a read-only bind mount in a private
    mount namespace when running as root (root ignores permissions), else chmod."""
    if os.geteuid() != 0:
        directory.chmod(0o555)
        return command
    if not shutil.which("unshare"):
        pytest.skip("running as root without unshare: cannot make a read-only folder")
    probe = subprocess.run(["unshare", "-m", "sh", "-c", f"mount --bind -o ro '{directory}' "
                            f"'{directory}'"], check=False, capture_output=True)
    if probe.returncode != 0:
        pytest.skip("cannot make a read-only bind mount here")
    quoted = " ".join(f"'{c}'" for c in command)
    return ["unshare", "-m", "sh", "-c",
            f"mount --bind -o ro '{directory}' '{directory}' && exec {quoted}"]


def test_read_only_data_directory_is_one_clear_message(db_url, tmp_path) -> None:
    # Before: a traceback, and the run stayed "running".
    data = tmp_path / "readonly-data"
    data.mkdir()
    source = big_csv(tmp_path / "in.csv", 10)
    open_database(db_url).dispose()  # the database itself is elsewhere and writable
    command = read_only_command(data, [sys.executable, "-m", "screening.cli",
                                       "--database-url", db_url, "screen", str(source)])
    result = subprocess.run(command, check=False, capture_output=True, text=True, cwd=ROOT,
                            timeout=120, env={**os.environ, **code_under_test(),
                                              "HKSCREEN_DATA_DIR": str(data)})
    data.chmod(0o755)
    assert result.returncode == 2, result.stderr
    err = result.stderr
    assert err.startswith("hkscreen: cannot write or read ") and str(data) in err
    assert "read-only" in err.lower() or "permission denied" in err.lower()
    assert "Traceback" not in err and err.count("\n") == 1, err
    check = open_database(db_url)
    try:
        with check.sessions() as session:
            run = run_store.list_runs(session)[0]
    finally:
        check.dispose()
    assert run.status == "failed" and str(data) in run.message


def test_database_in_a_read_only_data_directory(tmp_path) -> None:
    data = tmp_path / "readonly-data"
    env = {**os.environ, **code_under_test(), "HKSCREEN_DATA_DIR": str(data)}
    env.pop("HKSCREEN_DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "screening.cli", "db", "upgrade"], check=True,
                   capture_output=True, cwd=ROOT, env=env, timeout=120)
    source = big_csv(tmp_path / "in.csv", 10)
    command = read_only_command(data, [sys.executable, "-m", "screening.cli", "screen",
                                       str(source)])
    result = subprocess.run(command, check=False, capture_output=True, text=True, cwd=ROOT,
                            timeout=120, env=env)
    data.chmod(0o755)
    assert result.returncode == 2, result.stderr
    assert str(data) in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr


def test_full_disk_is_one_clear_message_and_a_failed_run(db_url, tmp_path, capsys,
                                                         monkeypatch) -> None:
    source = big_csv(tmp_path / "in.csv", 10)

    def full(src, dst, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))

    monkeypatch.setattr("screening.service.copy_hashing", full)
    code = main(["--database-url", db_url, "screen", str(source), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and "No space left on device (the disk is full" in err
    assert str(data_dir() / "tmp") in err and err.count("\n") == 1
    assert not list((data_dir() / "tmp").glob("run-*"))
    check = open_database(db_url)
    try:
        with check.sessions() as session:
            run = run_store.list_runs(session)[0]
    finally:
        check.dispose()
    assert run.status == "failed" and "No space left on device" in run.message


def test_failed_run_report_says_so(db_url, tmp_path, capsys, monkeypatch) -> None:
    """A run that failed (here: its input changed while it was read) gets reports that
    refuse to look complete."""
    from screening.ingest import readers
    from screening.service import ScreenOptions, run_screening
    source = big_csv(tmp_path / "in.csv", 40_000)  # still being read when a batch is stored
    stored: list[object] = []  # changed once a batch is stored (the report has lines)
    monkeypatch.setattr(readers, "HashingFile",
                        changing_after_first_read(source, "truncate", lambda: bool(stored)))
    db = open_database(db_url)
    try:
        with pytest.raises(Exception, match="changed"):
            run_screening(db, source, ScreenOptions(), progress=stored.append)
        with db.sessions() as session:
            run = run_store.list_runs(session)[0]
    finally:
        db.dispose()
    assert run.status == "failed"
    out = tmp_path / "r.csv"
    assert main(["--database-url", db_url, "report", str(run.id), "--out", str(out)]) == 0
    rows = out.read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].startswith("Run status,") and len(rows) > 1
    assert all(r.startswith("NOT COMPLETE (failed),") for r in rows[1:])


def test_a_row_lost_between_reader_and_store_fails_the_run(db, tmp_path, monkeypatch) -> None:
    """Rows in are counted against lines out: a line that went missing on the way (here a
    batch that silently drops its first line) fails the run instead of completing it."""
    from screening.ingest import IngestError
    from screening.row_screen import RowScreener
    from screening.service import ScreenOptions, run_screening
    original = RowScreener.screen

    def lossy(self, batch):  # type: ignore[no-untyped-def]
        lines, raws, tally = original(self, batch)
        rows = run_store.batch_rows(lines)
        if rows[0][1] == 2:  # row 2
            return (None, rows[1:]), raws[1:], tally
        return lines, raws, tally

    monkeypatch.setattr(RowScreener, "screen", lossy)
    with pytest.raises(IngestError, match="7,000 data rows were read but 6,999 lines came out"):
        run_screening(db, big_csv(tmp_path / "in.csv", 7000), ScreenOptions())
    with db.sessions() as session:
        run = run_store.list_runs(session)[0]
    assert run.status == "failed" and "6,999 lines came out" in run.message
