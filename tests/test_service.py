"""The screening service: progress, cooperative cancel, failed runs never marked complete."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from screening.ingest import IngestError
from screening.service import Cancelled, Progress, ScreenOptions, run_screening
from screening.store import runs as run_store
from tests.conftest import SAMPLE_CSV, SAMPLE_XLSX, big_csv


def test_progress_reported_and_counts_add_up(db, tmp_path) -> None:
    seen: list[Progress] = []
    result = run_screening(db, big_csv(tmp_path / "big.csv", 12_000), ScreenOptions(),
                           progress=seen.append)
    assert [p.lines for p in seen] == [5000, 10000, 12000]
    fractions = [p.fraction for p in seen]  # share of the file's bytes read: a percentage
    assert fractions[0] is not None and 0.35 < fractions[0] < 0.5
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert result.run.line_count == 12_000 == sum(result.run.counts.values())
    assert result.run.status == "complete"


def test_progress_fraction_of_an_xlsx_sheet(db) -> None:
    seen: list[Progress] = []
    run_screening(db, SAMPLE_XLSX, ScreenOptions(), progress=seen.append)
    assert seen and seen[-1].fraction == 1.0  # last data row / sheet height


def test_cancel_leaves_no_run_marked_complete(db, tmp_path) -> None:
    stored = []  # the user cancels once the first batch is reported stored

    out = tmp_path / "o.json"
    with pytest.raises(Cancelled):
        run_screening(db, big_csv(tmp_path / "big.csv", 12_000), ScreenOptions(json_out=out),
                      cancelled=lambda: bool(stored), progress=stored.append)
    with db.sessions() as session:
        run = run_store.list_runs(session)[0]
    # Batches already stored when the cancel is seen stay (all of them if it came after the
    # last one was stored, but before the run was recorded complete): whole batches only.
    assert run.status == "cancelled" and run.line_count in (5000, 10000, 12000)
    assert sum(run.counts.values()) == run.line_count
    assert not out.exists()


def test_bad_file_records_nothing(db, tmp_path) -> None:
    (tmp_path / "x.csv").write_text("nothing,useful\n", encoding="utf-8")
    with pytest.raises(IngestError):
        run_screening(db, tmp_path / "x.csv", ScreenOptions())
    with db.sessions() as session:
        assert run_store.list_runs(session) == []


def test_stored_lines_keep_original_and_normalised_values(db) -> None:
    result = run_screening(db, SAMPLE_XLSX, ScreenOptions())
    with db.sessions() as session:
        lines = {ln.line_id: ln for ln in run_store.iter_lines(session, result.run.id)}
    hk = lines["HK-1005"]
    assert hk.raw[1] == "2020-08-17" and hk.raw[2] == "香港" and hk.raw[4] == "3a001a2"
    assert hk.normalized["destination"] == "HK" and hk.normalized["eccn"] == "3A001.a.2"
    assert hk.findings and hk.findings[0].code
    assert json.loads(json.dumps(result.run.to_json()))["input"]["sheet"] == "Shipments"


def test_input_copy_failing_beside_the_screening_fails_the_run(db, tmp_path,
                                                               monkeypatch) -> None:
    """The stored copy of the input is made on a thread beside the screening: if it cannot
    be made (here: the disk fills up), the run is failed with the reason, never complete,
    and no part-written copy is left."""
    import errno

    from screening import paths, service

    real_replace = service.os.replace

    def full_disk(source, target):  # type: ignore[no-untyped-def]
        if str(source).endswith(".copy.part"):
            raise OSError(errno.ENOSPC, "No space left on device", str(target))
        return real_replace(source, target)

    monkeypatch.setattr(service.os, "replace", full_disk)
    source = big_csv(tmp_path / "big.csv", 12_000)
    with pytest.raises(OSError, match="No space left"):
        run_screening(db, source, ScreenOptions())
    with db.sessions() as session:
        run = run_store.list_runs(session)[0]
    assert run.status == "failed" and "No space left on device" in run.message
    assert not list((paths.data_dir() / "tmp").glob("*.copy.part"))
    assert not list((paths.data_dir() / "inputs").rglob("*.csv"))


def test_input_copy_is_complete_when_the_run_is(db, tmp_path) -> None:
    import hashlib
    from pathlib import Path

    source = big_csv(tmp_path / "big.csv", 12_000)
    result = run_screening(db, source, ScreenOptions())
    copy = result.run.input_copy
    assert result.run.status == "complete"
    assert hashlib.sha256(Path(copy).read_bytes()).hexdigest() == result.run.input_sha256


def test_background_call_gives_its_value_or_raises_its_error() -> None:
    from screening.background import Background

    assert Background("t", sum, [1, 2, 3]).result() == 6
    failing = Background("t", int, "not a number")
    failing.wait()  # its outcome is kept until asked for
    with pytest.raises(ValueError, match="not a number"):
        failing.result()


def test_an_interrupted_run_does_not_wait_for_the_input_copy(db, tmp_path,
                                                              monkeypatch) -> None:
    """(Review:) the copy runs beside the screening; a run interrupted (Ctrl+C), cancelled
    or failed stops it instead of waiting for the rest of a big file, and leaves no
    part-written copy."""
    import threading

    from screening import paths, service

    chunks: list[int] = []
    started = threading.Event()
    real_copy = service.copy_hashing

    def slow_copy(source, target, stopped):  # type: ignore[no-untyped-def]
        class SlowDisk:  # each chunk takes 10 ms
            def is_set(self) -> bool:
                chunks.append(1024)
                started.set()
                threading.Event().wait(0.01)
                return stopped.is_set()

        return real_copy(source, target, SlowDisk())

    monkeypatch.setattr(service, "_COPY_CHUNK", 1024)  # many chunks: a big file
    monkeypatch.setattr(service, "copy_hashing", slow_copy)
    source = big_csv(tmp_path / "big.csv", 30_000)
    size = source.stat().st_size

    def ctrl_c(_progress):  # type: ignore[no-untyped-def]
        started.wait(5)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_screening(db, source, ScreenOptions(), progress=ctrl_c)
    assert 0 < sum(chunks) < size / 2, "stopped early, not copied to the end"
    with db.sessions() as session:
        run = run_store.list_runs(session)[0]
    assert run.status == "interrupted"
    assert not list((paths.data_dir() / "tmp").glob("*.copy.part"))
    assert not list((paths.data_dir() / "inputs").rglob("*.csv"))


def test_a_damaged_kept_copy_is_written_afresh(db, tmp_path) -> None:
    """The copy kept from an earlier run of the same file is hashed again before the new
    run relies on it: one changed on disk (damaged, or edited) is replaced by the input's
    bytes, and one that is intact is kept as it is."""
    source = tmp_path / "s.csv"
    source.write_bytes(SAMPLE_CSV.read_bytes())
    first = run_screening(db, source, ScreenOptions()).run
    copy = Path(first.input_copy)
    copy.write_bytes(copy.read_bytes().replace(b"HK", b"US", 1))
    second = run_screening(db, source, ScreenOptions()).run
    assert second.input_copy == first.input_copy
    assert copy.read_bytes() == source.read_bytes()
    kept = copy.stat().st_mtime_ns
    run_screening(db, source, ScreenOptions())
    assert copy.stat().st_mtime_ns == kept
