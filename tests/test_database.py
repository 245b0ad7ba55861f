"""The database under real conditions: backup while in use, kill -9 mid-write, browsing
while a run is being imported, and the same behaviour on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
import sys
import textwrap
import threading

import pytest

from screening.cli import main
from screening.db import DatabaseError, backup_sqlite, open_database
from screening.service import ScreenOptions, run_screening
from screening.store import runs as run_store
from tests.conftest import SAMPLE_XLSX, big_csv, run_then_kill


def test_backup_is_a_consistent_copy(db, db_url, tmp_path, capsys) -> None:
    if db.backend != "sqlite":
        with pytest.raises(DatabaseError, match="pg_dump"):
            backup_sqlite(db, tmp_path / "b.sqlite3")
        return
    run = run_screening(db, SAMPLE_XLSX, ScreenOptions()).run
    assert main(["--database-url", db_url, "db", "backup", str(tmp_path / "b.sqlite3")]) == 0
    assert "backed up" in capsys.readouterr().out
    copy = sqlite3.connect(tmp_path / "b.sqlite3")
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("SELECT count(*) FROM run_lines WHERE run_id = ?",
                        (run.id,)).fetchone()[0] == 34
    copy.close()


def test_kill_minus_nine_mid_write_leaves_a_sound_database(db_url, tmp_path) -> None:
    data = big_csv(tmp_path / "big.csv", 60_000)
    script = tmp_path / "screen_then_die.py"
    script.write_text(textwrap.dedent(f"""
        import pathlib, time
        from screening.db import open_database
        from screening.service import ScreenOptions, run_screening
        db = open_database({db_url!r})
        def progress(p):
            if p.lines >= 10_000:
                print("writing", flush=True)
                time.sleep(0.05)  # keep writing in small steps until killed
        run_screening(db, pathlib.Path({str(data)!r}), ScreenOptions(), progress=progress)
        print("finished", flush=True)
    """), encoding="utf-8")
    assert run_then_kill(script, 1, {"HKSCREEN_DATA_DIR": str(tmp_path / "d")}) == \
        ["writing\n"]
    check = open_database(db_url)
    try:
        if check.backend == "sqlite":
            path = db_url.removeprefix("sqlite:///")
            raw = sqlite3.connect(path)
            assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            raw.close()
        with check.sessions() as session:
            runs = run_store.list_runs(session)
        # The next start found the writer dead: interrupted, never complete, never "running".
        assert runs[0].status == "interrupted" and "pid" in runs[0].message
        with check.sessions() as session:
            table = run_store.load_line_table(session, runs[0].id)
        assert len(table) % 5000 == 0 and len(table) >= 10_000  # whole batches only
    finally:
        check.dispose()


def test_browsing_is_not_blocked_by_an_import(db, db_url, tmp_path) -> None:
    """A second user lists runs and opens a run's lines while another run is mid-import."""
    first = run_screening(db, SAMPLE_XLSX, ScreenOptions()).run
    paused, resume = threading.Event(), threading.Event()

    def progress(p) -> None:  # type: ignore[no-untyped-def]
        if p.lines == 5000:  # after the first batch is stored
            paused.set()
            resume.wait(30)

    data = big_csv(tmp_path / "big.csv", 12_000)
    importer = threading.Thread(target=run_screening, args=(db, data, ScreenOptions()),
                                kwargs={"progress": progress})
    importer.start()
    try:
        assert paused.wait(30)
        browser = open_database(db_url)
        try:
            with browser.sessions() as session:
                runs = run_store.list_runs(session)
                table = run_store.load_line_table(session, first.id)
            assert [r.status for r in runs] == ["running", "complete"]
            assert len(table) == 34
        finally:
            browser.dispose()
    finally:
        resume.set()
        importer.join(60)
    with db.sessions() as session:
        assert run_store.list_runs(session)[0].status == "complete"


def test_code_head_read_from_the_files_matches_alembic() -> None:
    from alembic.script import ScriptDirectory

    from screening.db import alembic_config, code_head
    assert code_head() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_none_and_booleans_bind_as_the_driver_binds_them(tmp_path) -> None:
    """``bind_plainly`` (done for every SQLite engine) only short-cuts the driver's search
    for an adapter (on Python 3.11): NULL stays NULL and a bool is stored as the integer 1
    or 0, by the driver's executemany and by a multi-row INSERT of the kind storing a run
    uses."""
    from screening.db import bind_plainly, create_db_engine

    create_db_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}").dispose()
    protocol = sqlite3.PrepareProtocol
    if sys.version_info < (3, 12):
        assert sqlite3.adapters[(type(None), protocol)](None) is None
        assert sqlite3.adapters[(bool, protocol)](True) == 1
    bind_plainly()  # again: idempotent
    connection = sqlite3.connect(tmp_path / "y.sqlite3")
    connection.execute("CREATE TABLE t (a, b, c)")
    connection.executemany("INSERT INTO t VALUES (?, ?, ?)", [(None, True, False)])
    connection.execute("INSERT INTO t VALUES (?, ?, ?), (?, ?, ?)",
                       (False, None, 1.5, "x", True, None))
    stored = connection.execute(
        "SELECT typeof(a), a, typeof(b), b, typeof(c), c FROM t ORDER BY rowid").fetchall()
    assert stored == [("null", None, "integer", 1, "integer", 0),
                      ("integer", 0, "null", None, "real", 1.5),
                      ("text", "x", "integer", 1, "null", None)]
    connection.close()
