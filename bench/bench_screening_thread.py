"""Processor time of the screening thread's work, in this process, per part.

A whole ``hkscreen screen`` run keeps two cores busy, and on a busy shared host its wall time
varies by a tenth from run to run: too much to see a change of a few percent to the hot
path. The screening thread is a big run's limit, so this measures its own processor time
(``time.thread_time``) for what it does per batch, as ``service.run_screening`` does it,
without storing anything:

  read     taking the batch's raw rows from the reader (the CSV parse or the loaded sheet)
  screen   ``RowScreener`` over the batch: normalising, outcomes, party names
  cells    the batch's record of original cells (``line_cells.batch_cells``)
  encode   the batch as it goes down the pipe to the store process (``store_process.encode``)

Each run starts from a fresh screener and empty party-name caches (the rules' own memo is
warm after the first run, as it is in a long-lived GUI). The database is created in a
temporary folder (rules seeded, bundled restricted-party list installed) on each start.
To compare two trees, run this script from each in turn, interleaved, several times.

Usage:
    python3 bench/bench_screening_thread.py [FILE] [--lines N] [--runs N]
"""

from __future__ import annotations

import argparse
import gc
import itertools
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_screen import bench_file

from screening import service
from screening.affiliates import load_affiliate_rules
from screening.db import open_database
from screening.party_screen import PartyScreen
from screening.row_screen import RowScreener
from screening.rules.ruleset import load_ruleset
from screening.store import parties as party_store
from screening.store import store_process
from screening.store.line_cells import batch_cells
from screening.store.runs import FindingSets, batch_numbers

PARTS = ("read", "screen", "cells", "encode")


def measure(db, path: Path, rules, *, run_id: int = 1,  # type: ignore[no-untyped-def]
            frames: list[bytes] | None = None, lines: int | None = None) -> dict[str, float]:
    """One pass over ``path``: processor seconds of the screening thread per part.
    ``frames``: keep each batch as encoded for the store process (run ``run_id``'s);
    ``lines``: stop after the batch reaching that many lines."""
    with db.sessions() as session:
        index, _lists = party_store.load_index(session)
        suppressed = party_store.suppressed_pairs(session) if index else frozenset()
        affiliates = load_affiliate_rules(session) if index else ()
    prepared, rules = service.prepare(db, path, service.ScreenOptions(), rules)
    parties = PartyScreen(index, suppressed, affiliates,
                          party_columns=service.maps_parties(prepared.mapping),
                          military_countries=rules.end_user_countries) \
        if index else None
    sets = FindingSets(run_id)
    screener = RowScreener(prepared, rules, parties, sets, run_id,
                           dates_as_text=db.backend == "sqlite")
    done = 0
    spent = dict.fromkeys(PARTS, 0.0)
    per_batch = max(1, service.BATCH // service.SCREEN_PART)
    parts = prepared.raw_batches(min(service.SCREEN_PART, service.BATCH))
    gc.disable()  # as the run does (service.cyclic_gc_paused)
    try:
        while lines is None or done < lines:
            start = time.thread_time()
            batch = list(itertools.islice(parts, per_batch))
            read = time.thread_time()
            spent["read"] += read - start
            if not batch:
                return spent
            screened_lines, raws, _tally = service.screen_parts(screener, batch)
            screened = time.thread_time()
            cells = batch_cells(batch_numbers(screened_lines), raws)
            built = time.thread_time()
            frame = store_process.encode(sets.take_pending(), screened_lines, cells)
            spent["screen"] += screened - read
            spent["cells"] += built - screened
            spent["encode"] += time.thread_time() - built
            done += len(screened_lines[1])
            if frames is not None:
                frames.append(frame)
            del batch, screened_lines, raws, cells, frame  # as the run frees them (service)
        return spent
    finally:
        gc.enable()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", type=Path,
                        help="a CSV or XLSX (default: the bench CSV of --lines lines)")
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    path = args.file or bench_file("csv", args.lines)
    loop = time.perf_counter()
    sum(range(10**7))
    print(f"{path.name}; a fixed loop, sum(range(10**7)), took "
          f"{time.perf_counter() - loop:.2f} s (compare runs on a host as fast)")
    with tempfile.TemporaryDirectory(prefix="hkscreen-thread-") as folder:
        db = open_database(f"sqlite:///{folder}/hkscreen.sqlite3")
        try:
            with db.sessions() as session:
                rules = load_ruleset(session)
            runs = []
            for number in range(1, args.runs + 1):
                spent = measure(db, path, rules)
                runs.append(spent)
                print(f"run {number}: " + ", ".join(f"{k} {v:.2f} s" for k, v in spent.items())
                      + f"; total {sum(spent.values()):.2f} s", flush=True)
        finally:
            db.dispose()
    best = {part: min(run[part] for run in runs) for part in PARTS}
    print("least of each part: " + ", ".join(f"{k} {v:.2f} s" for k, v in best.items())
          + f"; total {sum(best.values()):.2f} s")


if __name__ == "__main__":
    main()
