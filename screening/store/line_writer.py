"""Storing a run's lines on a thread of its own, so reading and screening the next batch
overlaps with the database writing this one (SQLite and the PostgreSQL driver release the
interpreter lock while the database works).

Each batch is one transaction: its new findings sets, its lines and the run's heartbeat. A
run killed midway keeps the batches committed so far, stays "running" and is marked
interrupted by the next start, never complete. The JSON text of the batch is written after
its transaction commits.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any

from screening.db import Database
from screening.store import runs as run_store
from screening.store.schema import FindingSet

_STOP = None


class LineWriter:
    def __init__(self, db: Database, run_id: int,
                 write_text: Callable[[list[Any]], Any] | None = None,
                 on_stored: Callable[[int, Any], Any] | None = None,
                 before_batch: Callable[[], Any] | None = None, depth: int = 3):
        """On the writer's thread, ``before_batch()`` runs before each batch is stored (it may
        raise, e.g. the user cancelled: that batch and the rest are not stored) and
        ``on_stored(lines stored so far, the batch's tag)`` after it commits."""
        self.db, self.run_id, self.write_text = db, run_id, write_text
        self.on_stored, self.before_batch = on_stored, before_batch
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self.stored = 0  # lines committed so far
        self.counts: dict[str, int] = {}  # of those, per verdict
        self.newly = 0  # of those, newly licensable
        self._thread = threading.Thread(target=self._work, name=f"hkscreen-run-{run_id}",
                                        daemon=True)
        self._thread.start()

    def put(self, sets: list[dict[str, Any]], rows: list[tuple[Any, ...]], text: list[Any],
            counts: dict[str, int], newly: int, tag: Any = None) -> None:
        """Queue one batch with its lines' tally (added to ``counts`` and ``newly`` once
        stored); waits while the writer is ``depth`` batches behind; raises the writer's
        error if an earlier batch failed."""
        self._raise()
        self._queue.put((sets, rows, text, counts, newly, tag))

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
        while (item := self._queue.get()) is not _STOP:
            if self._error is not None:
                continue  # keep taking batches so the producer never blocks on a full queue
            sets, rows, text, counts, newly, tag = item
            try:
                if self.before_batch is not None:
                    self.before_batch()
                with self.db.sessions.begin() as session:
                    if sets and self.db.backend == "sqlite":  # see insert_sqlite_rows
                        run_store.insert_sqlite_rows(
                            session, "run_finding_sets", "run_id, set_no, findings_json", 3,
                            [(s["run_id"], s["set_no"], s["findings_json"]) for s in sets])
                    elif sets:
                        session.execute(FindingSet.__table__.insert(), sets)
                    run_store.insert_lines(session, rows)
                    run_store.heartbeat(session, self.run_id)
                self.stored += len(rows)
                for verdict, count in counts.items():
                    self.counts[verdict] = self.counts.get(verdict, 0) + count
                self.newly += newly
                if self.write_text is not None and text:
                    self.write_text(text)
                if self.on_stored is not None:
                    self.on_stored(self.stored, tag)
            except BaseException as exc:  # handed to the producer thread, which raises it
                self._error = exc
