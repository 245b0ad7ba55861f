"""Big files store their lines in a child process (store.store_process): the same lines, the
same JSON, and the same guarantees as storing on a thread: whole batches only, a failure
recorded with the database's reason, a cancel or a killed run never marked complete."""

from __future__ import annotations

import errno
import os
import signal
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from screening.db import Database, DatabaseError
from screening.errors import user_message
from screening.json_output import JsonOutput
from screening.service import Cancelled, ScreenOptions, run_screening
from screening.store import runs as run_store
from screening.store import store_process
from tests.conftest import big_csv, run_then_kill

MIXED = Path(__file__).parent.parent / "resources" / "samples" / "hk_shipments_2020_2025.xlsx"


def _stored(db: Database, run_id: int) -> list[tuple[object, ...]]:
    """The run's lines as stored, without the surrogate id and run id."""
    columns = ", ".join(f'"{c}"' for c in run_store.LINE_COLUMNS if c != "run_id")
    with db.sessions() as session:
        return [tuple(r) for r in session.execute(text(
            f"SELECT {columns} FROM run_lines WHERE run_id = :r ORDER BY id"), {"r": run_id})]


def _count_lines(db: Database, run_id: int) -> int:
    with db.sessions() as session:
        return session.execute(text("SELECT count(*) FROM run_lines WHERE run_id = :r"),
                               {"r": run_id}).scalar_one()


@pytest.fixture
def in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_process, "PROCESS_MIN_BYTES", 0)


def _run(db: Database, path: Path, out: Path, **kwargs: object):  # type: ignore[no-untyped-def]
    return run_screening(db, path, ScreenOptions(json_out=out), **kwargs)  # type: ignore[arg-type]


def test_a_child_process_stores_what_a_thread_would(db, tmp_path, monkeypatch) -> None:
    data = big_csv(tmp_path / "big.csv", 12_345)
    on_thread = _run(db, data, tmp_path / "thread.json")
    monkeypatch.setattr(store_process, "PROCESS_MIN_BYTES", 0)
    spawned = []
    real = store_process.StoreProcess.__init__

    def spy(self, *args):  # type: ignore[no-untyped-def]
        real(self, *args)
        spawned.append(self.proc.pid)
    monkeypatch.setattr(store_process.StoreProcess, "__init__", spy)
    in_child = _run(db, data, tmp_path / "child.json")
    assert len(spawned) == 1, "the process path was taken"
    assert in_child.run.status == "complete" and in_child.run.line_count == 12_345
    assert in_child.run.counts == on_thread.run.counts
    assert _stored(db, in_child.run.id) == _stored(db, on_thread.run.id)
    lines = (tmp_path / "thread.json").read_bytes().split(b', "lines": [', 1)[1]
    assert (tmp_path / "child.json").read_bytes().split(b', "lines": [', 1)[1] == lines


def test_a_mixed_workbook_through_the_child(db, tmp_path, in_process) -> None:
    """Slow rows, findings sets and dates (PostgreSQL: values marshal cannot carry)."""
    result = _run(db, MIXED, tmp_path / "o.json")
    assert result.run.status == "complete"
    assert _count_lines(db, result.run.id) == result.run.line_count > 0


def _wide_csv(path: Path, n: int) -> Path:
    """Lines wide enough that a batch overflows the pipe: the child may fail while the
    parent is still handing it the next batch."""
    with path.open("w", encoding="utf-8") as out:
        out.write("Line,Destination,Export Date,ECCN,Description\n")
        for i in range(n):
            out.write(f"{i},HK,2021-03-{1 + i % 28:02d},5A992.c,{'part ' * 60}{i}\n")
    return path


def test_a_database_error_in_the_child_fails_the_run_with_its_reason(
        db, tmp_path, in_process) -> None:
    with db.sessions.begin() as session:  # the database refuses the second batch
        if db.backend == "sqlite":
            session.execute(text(
                "CREATE TRIGGER refuse AFTER INSERT ON run_lines WHEN NEW.row > 7000 "
                "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"))
        else:
            session.execute(text(
                "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN IF NEW.row > 7000 THEN "
                "RAISE EXCEPTION 'database or disk is full'; END IF; RETURN NEW; END $$ "
                "LANGUAGE plpgsql"))
            session.execute(text("CREATE TRIGGER refuse AFTER INSERT ON run_lines "
                                 "FOR EACH ROW EXECUTE FUNCTION refuse()"))
    with pytest.raises(DatabaseError, match=r"database error: .*disk is full") as caught:
        _run(db, _wide_csv(tmp_path / "big.csv", 30_000), tmp_path / "o.json")
    assert user_message(caught.value) == str(caught.value)  # the GUI's one line, no trace
    with db.sessions() as session:
        run = run_store.list_runs(session)[0]
    assert run.status == "failed" and "disk is full" in run.message
    assert run.line_count == 5000 == _count_lines(db, run.id)  # whole batches only
    assert sum(run.counts.values()) == 5000
    assert not (tmp_path / "o.json").exists()


@pytest.mark.parametrize("process", [False, True], ids=["thread", "child"])
def test_a_json_file_that_cannot_be_written_stores_nothing_more(
        db, tmp_path, monkeypatch, process) -> None:
    """A batch whose JSON cannot be written is not stored: the lines counted are the lines
    the database holds, and the message names the JSON file, not the input."""
    out = tmp_path / "o.json"
    if process:
        if not Path("/dev/full").exists():
            pytest.skip("needs /dev/full")
        monkeypatch.setattr(store_process, "PROCESS_MIN_BYTES", 0)
        monkeypatch.setattr(JsonOutput, "hand_over", lambda self: "/dev/full")
        expected = 0  # the child's first write fails
    else:
        real = JsonOutput.append
        calls: list[int] = []

        def second_fails(self, data):  # type: ignore[no-untyped-def]
            calls.append(1)
            if len(calls) == 2:
                raise OSError(errno.ENOSPC, "No space left on device")
            return real(self, data)
        monkeypatch.setattr(JsonOutput, "append", second_fails)
        expected = 5000
    with pytest.raises(OSError, match="No space left") as caught:
        _run(db, big_csv(tmp_path / "big.csv", 12_000), out)
    if not process:
        assert caught.value.filename is None  # raised as is by the stand-in above
    with db.sessions() as session:
        run = run_store.list_runs(session)[0]
    assert run.status == "failed" and "No space left" in run.message
    assert run.line_count == expected == _count_lines(db, run.id)
    if process:
        assert str(out) in run.message and str(out) == caught.value.filename


def test_json_output_names_its_target_when_a_write_fails(tmp_path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("needs /dev/full")
    output = JsonOutput(tmp_path / "o.json", "{}")
    output.handle.close()
    output.handle = open("/dev/full", "wb", buffering=0)  # noqa: SIM115
    with pytest.raises(OSError) as caught:
        output.append(b'{"row": 2}')
    assert caught.value.errno == errno.ENOSPC
    assert caught.value.filename == str(tmp_path / "o.json")
    output.discard()


def test_a_child_that_cannot_start_its_work_says_why(tmp_path) -> None:
    """The child's own answer, not just its exit code, even when no batch was sent."""
    child = store_process.StoreProcess("nosuchdatabase://nowhere", 1)
    with pytest.raises(DatabaseError, match="cannot open the database"):
        child.close()
    assert child.proc.returncode == 1


def test_a_child_that_dies_fails_the_run(db, tmp_path, in_process) -> None:
    def kill_child(progress) -> None:  # type: ignore[no-untyped-def]
        for pid in _children():
            os.kill(pid, signal.SIGKILL)
    with pytest.raises(store_process.StoreProcessError, match="ended unexpectedly"):
        _run(db, big_csv(tmp_path / "big.csv", 30_000), tmp_path / "o.json",
             progress=kill_child)
    with db.sessions() as session:
        run = run_store.list_runs(session)[0]
    assert run.status == "failed" and "exit code -9" in run.message
    assert run.line_count == _count_lines(db, run.id) and run.line_count % 5000 == 0
    assert not _children()


def test_cancel_stores_whole_batches_and_counts_them(db, tmp_path, in_process) -> None:
    stored: list[object] = []
    with pytest.raises(Cancelled):
        _run(db, big_csv(tmp_path / "big.csv", 30_000), tmp_path / "o.json",
             cancelled=lambda: bool(stored), progress=stored.append)
    with db.sessions() as session:
        run = run_store.list_runs(session)[0]
    # What the child had been handed when the cancel was seen is stored and counted.
    assert run.status == "cancelled" and run.line_count % 5000 == 0
    assert 5000 <= run.line_count < 30_000
    assert run.line_count == _count_lines(db, run.id) == sum(run.counts.values())
    assert run.message == f"cancelled by the user after {run.line_count} lines"
    assert not _children()


def test_killing_the_run_kills_its_child(db_url, tmp_path) -> None:
    data = big_csv(tmp_path / "big.csv", 40_000)
    script = tmp_path / "screen_then_hang.py"
    script.write_text(textwrap.dedent(f"""
        import os, pathlib, time
        from screening.db import open_database
        from screening.service import ScreenOptions, run_screening
        from screening.store import store_process
        store_process.PROCESS_MIN_BYTES = 0
        db = open_database({db_url!r})
        def progress(p):
            children = [int(x) for x in open(f"/proc/{{os.getpid()}}/task/"
                                                f"{{os.getpid()}}/children").read().split()]
            print("child", *children, flush=True)
            time.sleep(120)  # killed here, mid-run
        run_screening(db, pathlib.Path({str(data)!r}), ScreenOptions(), progress=progress)
    """), encoding="utf-8")
    if not Path("/proc/self/task").exists():
        pytest.skip("needs Linux /proc")
    [line] = run_then_kill(script, 1)
    children = [int(pid) for pid in line.split()[1:]]
    assert children, line
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in children), "the child outlived its killed run"

    from screening.db import open_database
    check = open_database(db_url)  # the next start marks the run interrupted
    try:
        with check.sessions() as session:
            run = run_store.list_runs(session)[0]
        assert run.status == "interrupted"
        assert run.line_count == _count_lines(check, run.id) and run.line_count % 5000 == 0
    finally:
        check.dispose()


def test_small_files_and_private_databases_store_on_a_thread() -> None:
    assert not store_process.suitable(True, store_process.PROCESS_MIN_BYTES - 1)
    assert not store_process.suitable(False, 10 * store_process.PROCESS_MIN_BYTES)
    assert store_process.suitable(True, store_process.PROCESS_MIN_BYTES)


def test_a_workbook_uses_the_child_from_a_smaller_size() -> None:
    """A workbook's rows are compressed: 2 MB hold about 30,000 lines, as many as a CSV of
    3.5 MB, and its child starts while the sheet is checked."""
    xlsx = store_process.PROCESS_MIN_BYTES_XLSX
    assert xlsx < store_process.PROCESS_MIN_BYTES
    assert store_process.suitable(True, xlsx, "xlsx")
    assert not store_process.suitable(True, xlsx, "csv")
    assert not store_process.suitable(True, xlsx - 1, "xlsx")
    assert not store_process.suitable(False, 10 * xlsx, "xlsx")
    # Beside a report's helper process the CSV threshold holds (two cores for three).
    assert not store_process.suitable(True, xlsx, "xlsx", beside_helper=True)
    assert store_process.suitable(True, store_process.PROCESS_MIN_BYTES, "xlsx",
                                  beside_helper=True)


def _children() -> list[int]:
    """This process's child processes (Linux), dead ones excluded."""
    path = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children")
    if not path.exists():
        return []
    return [pid for pid in map(int, path.read_text().split()) if _alive(pid)]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def test_a_batch_decodes_to_what_was_encoded() -> None:
    """What the child stores is what the screening thread sent: the marshal form, and the
    pickle form a value marshal does not know (a date, as PostgreSQL runs keep them)."""
    import datetime as dt

    sets = [(3, 1, '[{"code":"X"}]')]
    part = ("", "CLEAR", None, False, 1)
    plain = ([[3, 3], [2, 3], ["L2", "L3"], ["HK", "HK"], [None, None], ["2024-01-05"] * 2,
              [False, False], ["5A992.c"] * 2, [None, None], [None, "D1"], ["A", "B"],
              [None, None], ["C", "C"], [1.5, 2.0], [None, None], ["d", "é"], [None, None]],
             [part, part])
    cells = (2, 3, '{"rows":[2,3],"cells":[["a"],["b"]]}')
    for lines, kind in ((plain, b"m"), ((None, [(3, 2, dt.date(2024, 1, 5))]), b"p")):
        frame = store_process.encode(sets, lines, cells)
        assert frame[:1] == kind
        # repr, not ==: False == 0 and 2.0 == 2, but a bool read back as an int would
        # change the --json lines.
        assert repr(store_process.decode(frame)) == repr((sets, lines, cells))
