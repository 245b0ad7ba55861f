"""Storing a run's lines on a thread of its own, so reading and screening the next batch
overlaps with the database writing this one (SQLite and the PostgreSQL driver release the
interpreter lock while the database works). For big files the thread hands the batches to a
child process that stores them (store.store_process): binding values needs the lock, and a
process has its own.

Each batch is one transaction: its new findings sets, its lines and the run's heartbeat. A
run killed midway keeps the batches committed so far, stays "running" and is marked
interrupted by the next start, never complete. Whoever stores a batch also renders its
``--json`` lines (line_json), before it commits: a batch whose JSON cannot be written is not
stored. The JSON is kept only if the run completes.
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from screening.db import Database
from screening.json_output import JsonOutput
from screening.line_json import LineJson
from screening.store import runs as run_store
from screening.store import store_process
from screening.store.store_process import StoreProcess

_STOP = None
#: A batch's tally: its lines per verdict, newly licensable, CLEAR on unverified data.
_Tally = tuple[dict[str, int], int, int]


def store_lines(db: Database, run_id: int, sets: list[tuple[int, int, str]],
                lines: run_store.LineBatch, cells: tuple[int, int, str] | None,
                renderer: LineJson, write_json: Callable[[bytes], Any] | None) -> None:
    """Store one batch as screened (``runs.store_batch``), on the writer's thread or in the
    child storing a big run. Its ``--json`` lines are rendered and written first
    (``write_json``): a batch whose JSON cannot be written is not stored, so the lines
    counted are the lines the database holds."""
    if write_json is not None:
        write_json(renderer.render(sets, lines))
    run_store.store_batch(db, run_id, sets, lines, cells)


class LineWriter:
    def __init__(self, db: Database, run_id: int, json_out: JsonOutput | None = None,
                 on_stored: Callable[[int, Any], Any] | None = None,
                 before_batch: Callable[[], Any] | None = None, depth: int = 3,
                 process: bool = False):
        """On the writer's thread, ``before_batch()`` runs before each batch is stored (it may
        raise, e.g. the user cancelled: that batch and the rest are not stored) and
        ``on_stored(lines stored so far, the batch's tag)`` after it commits (after its JSON is
        written: a batch whose JSON cannot be written is not stored). ``process``:
        store in a child process (the database must be one another process can open)."""
        self.db, self.run_id, self.json_out = db, run_id, json_out
        self._json = LineJson()
        self.on_stored, self.before_batch = on_stored, before_batch
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self.stored = 0  # lines committed so far
        self.counts: dict[str, int] = {}  # of those, per verdict
        self.newly = 0  # of those, newly licensable
        self.clear_unverified = 0  # of those, CLEAR on rule data not fully verified
        self._process = StoreProcess(
            db.url, run_id, json_out.hand_over() if json_out else None,
            str(json_out.target) if json_out else None) if process else None
        self._thread = threading.Thread(target=self._work, name=f"hkscreen-run-{run_id}",
                                        daemon=True)
        self._thread.start()

    def put(self, sets: list[tuple[int, int, str]], lines: run_store.LineBatch,
            cells: tuple[int, int, str] | None, counts: dict[str, int], newly: int,
            tag: Any = None, *, clear_unverified: int = 0) -> None:
        """Queue one batch (its new findings sets, lines and cells record: see
        ``runs.store_batch``) with its lines' tally (added to ``counts``, ``newly`` and
        ``clear_unverified`` once stored); waits while the writer is ``depth`` batches
        behind; raises the writer's error if an earlier batch failed."""
        self._raise()
        # For the child, the batch is encoded here: on the writer's thread the encoding
        # competed with this one for the interpreter lock (a million lines: 0.9 s slower).
        batch = (sets, lines, cells) if self._process is None else \
            store_process.encode(sets, lines, cells)
        self._queue.put((batch, len(lines[1]), (counts, newly, clear_unverified), tag))

    def close(self) -> None:
        """Wait until every queued batch is stored; raises the writer's error if any."""
        self._stop()
        self._raise()

    def abandon(self) -> None:
        """Stop after the batch being written (the run failed or was cancelled): queued
        batches are not stored. Never raises."""
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        self._stop()

    def _stop(self) -> None:
        if self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join()

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def _work(self) -> None:
        # Batches handed to the child, not yet acknowledged as committed: (lines, tally,
        # tag). One may be in flight while the next is screened.
        sent: deque[tuple[int, _Tally, Any]] = deque()
        try:
            while (item := self._queue.get()) is not _STOP:
                if self._error is not None:
                    continue  # keep taking batches so the producer never blocks on a full queue
                batch, size, tally, tag = item
                try:
                    if self.before_batch is not None:
                        self.before_batch()
                    if self._process is None:
                        store_lines(self.db, self.run_id, *batch, self._json,
                                    self.json_out.append if self.json_out else None)
                        self._stored(size, tally, tag)
                    else:
                        self._process.send(batch)
                        sent.append((size, tally, tag))
                    while len(sent) > 1:
                        self._process.acknowledged()  # type: ignore[union-attr]
                        self._stored(*sent.popleft())
                except BaseException as exc:  # handed to the producer thread, which raises it
                    self._error = exc
        finally:
            if self._process is not None:
                self._finish_process(sent)

    def _finish_process(self, sent: deque[tuple[int, _Tally, Any]]) -> None:
        """What was handed over is stored (or fails) before the child ends: count it, so
        the run records exactly the lines the database holds."""
        assert self._process is not None
        try:
            while sent:
                self._process.acknowledged()
                self._stored(*sent.popleft())
        except BaseException as exc:
            if self._error is None:
                self._error = exc
        finally:
            try:
                self._process.close()  # raises if the child did not end cleanly
            except BaseException as exc:
                if self._error is None:
                    self._error = exc

    def _stored(self, lines: int, tally: _Tally, tag: Any) -> None:
        counts, newly, clear_unverified = tally
        self.stored += lines
        for verdict, count in counts.items():
            self.counts[verdict] = self.counts.get(verdict, 0) + count
        self.newly += newly
        self.clear_unverified += clear_unverified
        if self.on_stored is not None:
            self.on_stored(self.stored, tag)
