"""Processor time of the store process's work, in this process, per part.

The other side of ``bench_screening_thread.py``: a big run's lines are stored by a child
process (store.store_process), which takes each batch from the pipe and, per batch:

  decode   unmarshals it (``store_process.decode``)
  render   renders its ``--json`` lines (``LineJson.render``)
  write    appends them to the JSON part file
  store    stores the batch in one transaction (``runs.store_batch``): its findings sets,
           lines, cells record and the run's heartbeat

The batches are made first, as the screening thread makes them (the first ``--take``
lines of FILE, for a run created for the purpose in a temporary database with the rules
and the bundled restricted-party list), then stored into a fresh copy of that database on
each round. Rounds alternate with nothing else running in the process, so the figures
are steadier than a whole run's on a busy host.

For exact comparisons, count instructions instead of time: ``--save FRAMES`` writes the
batches to a file, and ``--frames FRAMES`` stores them from it without screening, so

    valgrind --tool=cachegrind --cache-sim=no python3.11 bench/bench_store_process.py \\
        --frames FRAMES --runs 1

counts the storing plus a fixed start (measure ``--frames`` of an empty file for that
start, and use the interpreter binary itself, not a shell wrapper such as a pyenv shim).

Usage:
    python3 bench/bench_store_process.py [FILE] [--lines N] [--take N] [--runs N]
                                         [--save FRAMES | --frames FRAMES]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import struct
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_screen import bench_file
from bench_screening_thread import measure

from screening.db import open_database, open_existing
from screening.line_json import LineJson
from screening.rules.ruleset import load_ruleset
from screening.store import runs as run_store
from screening.store import store_process

PARTS = ("decode", "render", "write", "store")
_FRAME = struct.Struct("<Q")


def new_run(db) -> int:  # type: ignore[no-untyped-def]
    """A running run to store the batches of."""
    now = dt.datetime.now(dt.UTC)
    with db.sessions.begin() as session:
        return run_store.create_run(
            session, status="running", pid=0, heartbeat_at=now, input_name="bench",
            input_size=0, input_sha256="0" * 64, app_version="bench", rules_version="bench",
            started_at=now)


def store(db, run_id: int, frames: list[bytes], json_path: Path) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Store ``frames`` as the child does: processor seconds per part."""
    spent = dict.fromkeys(PARTS, 0.0)
    renderer = LineJson()
    clock = time.process_time  # the child has no other busy thread
    with json_path.open("wb") as out:
        for frame in frames:
            start = clock()
            sets, lines, cells = store_process.decode(frame)
            decoded = clock()
            data = renderer.render(sets, lines)
            rendered = clock()
            out.write(data)
            out.flush()
            written = clock()
            run_store.store_batch(db, run_id, sets, lines, cells)
            stored = clock()
            spent["decode"] += decoded - start
            spent["render"] += rendered - decoded
            spent["write"] += written - rendered
            spent["store"] += stored - written
    return spent


def read_frames(path: Path) -> list[bytes]:
    frames = []
    with path.open("rb") as source:
        while head := source.read(_FRAME.size):
            (size,) = _FRAME.unpack(head)
            frame = source.read(size)
            if len(head) != _FRAME.size or len(frame) != size:
                raise SystemExit(f"{path}: cut short after {len(frames)} batches")
            frames.append(frame)
    return frames


def run_of(frame: bytes) -> int:
    """The run a batch's lines belong to (their first column)."""
    _sets, (heads, tails), _cells = store_process.decode(frame)
    return int(heads[0][0] if heads is not None else tails[0][0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", type=Path,
                        help="a CSV or XLSX (default: the bench CSV of --lines lines)")
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--take", type=int, default=100_000,
                        help="lines of the file to screen and store (default 100,000)")
    parser.add_argument("--runs", type=int, default=3)
    saved = parser.add_mutually_exclusive_group()
    saved.add_argument("--save", type=Path, help="write the batches to this file")
    saved.add_argument("--frames", type=Path,
                       help="store the batches saved in this file (no screening)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hkscreen-store-") as folder:
        base = Path(folder) / "base.sqlite3"
        db = open_database(f"sqlite:///{base}")
        try:
            run_id = new_run(db)
            if args.frames is not None:
                frames = read_frames(args.frames)
                if frames and run_of(frames[0]) != run_id:
                    raise SystemExit(f"{args.frames}: its batches belong to run "
                                     f"{run_of(frames[0])}, not to run {run_id} of a fresh "
                                     f"database: save them again with --save")
            else:
                path = args.file or bench_file("csv", args.lines)
                with db.sessions() as session:
                    rules = load_ruleset(session)
                frames = []
                measure(db, path, rules, run_id=run_id, frames=frames, lines=args.take)
        finally:
            db.dispose()
        if args.save is not None:
            with args.save.open("wb") as out:
                for frame in frames:
                    out.write(_FRAME.pack(len(frame)) + frame)
            print(f"{len(frames)} batches written to {args.save}")
            return
        runs = []
        for number in range(1, args.runs + 1):
            copy = Path(folder) / f"round{number}.sqlite3"
            shutil.copy(base, copy)  # the run is still running in each copy
            db = open_existing(f"sqlite:///{copy}")  # as the store process opens it
            try:
                spent = store(db, run_id, frames, Path(folder) / f"round{number}.json")
            finally:
                db.dispose()
            copy.unlink()
            runs.append(spent)
            print(f"run {number}: " + ", ".join(f"{k} {v:.2f} s" for k, v in spent.items())
                  + f"; total {sum(spent.values()):.2f} s", flush=True)
    if runs:
        best = {part: min(run[part] for run in runs) for part in PARTS}
        print(f"{len(frames)} batches; least of each part: "
              + ", ".join(f"{k} {v:.2f} s" for k, v in best.items())
              + f"; total {sum(best.values()):.2f} s")


if __name__ == "__main__":
    main()
