"""A helper process that filters and sorts a big run for the workbench.

Why a process: at a million lines, reading a run's columns and the input file's cells is
seconds of Python work, and holding them costs memory the window need not carry. In a thread
of the window's process that work would compete with painting for the interpreter lock and
the window would stall; in its own process it cannot. The helper reads the run from the
database itself (the window only sends the run id) into compact columns
(``line_columns``), prepares what the quick filter searches in the background, answers each
request (``column_ordering``: tens of milliseconds) with the visible order and its inverse
as raw int32 arrays, and exits when its stdin closes.

Protocol: stdin takes JSON lines: first ``{"url", "run_id"}``, then requests
``{"id", "filters", "sort": [column, descending], "reload_reviews", "complete"}``. stdout
answers each request with a header ``<qqqd`` (id, order length, inverse length,
completeness) and the two arrays; a negative order length means failure and is followed by
that many bytes of UTF-8 message. Completeness is 1.0, or below while the input file's
columns are still being read for the quick filter: the answer then searched the workbench's
columns only, and the fraction says how far that read is. A request with ``complete`` true
waits for that read (asked once the partial answer is shown).
No Qt here."""

from __future__ import annotations

import contextlib
import json
import logging
import struct
import subprocess
import sys
import threading
from array import array
from typing import IO

from ui.memory import release_free_memory, return_big_blocks
from ui.models.ordering import Filters, Sort

log = logging.getLogger(__name__)
HEADER = struct.Struct("<qqqd")


class OrderServerError(RuntimeError):
    pass


class OrderServer:
    """The window's handle on one helper process (one open run). ``request`` blocks: call it
    from a worker thread. Requests are answered one at a time, in order."""

    def __init__(self, url: str, run_id: int) -> None:
        self._lock = threading.Lock()
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "ui.models.order_server"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=None)
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._in: IO[bytes] = self._proc.stdin
        self._out: IO[bytes] = self._proc.stdout
        # The URL may hold a password: it goes through the pipe, never the command line.
        self._send({"url": url, "run_id": run_id})

    def _send(self, message: dict[str, object]) -> None:
        self._in.write(json.dumps(message).encode() + b"\n")
        self._in.flush()

    def _read(self, n: int) -> bytes:
        data = self._out.read(n)  # blocks outside the interpreter lock
        if len(data) != n:
            raise OrderServerError(
                f"ordering helper ended unexpectedly (exit code {self._proc.poll()})")
        return data

    def request(self, req_id: int, filters: Filters, sort: Sort, *, reload_reviews: bool,
                complete: bool = False) -> tuple[array[int], array[int], float]:
        """The visible order, its inverse, and how complete it is (see the protocol)."""
        with self._lock:
            try:
                self._send({"id": req_id, "filters": filters.to_json(),
                            "sort": [sort.column, sort.descending],
                            "reload_reviews": reload_reviews, "complete": complete})
                got, n_order, n_inverse, fraction = HEADER.unpack(self._read(HEADER.size))
                if n_order < 0:
                    raise OrderServerError(self._read(-n_order).decode("utf-8", "replace"))
                order, pos = array("i"), array("i")
                order.frombytes(self._read(n_order * order.itemsize))
                pos.frombytes(self._read(n_inverse * pos.itemsize))
            except (OSError, ValueError) as exc:
                raise OrderServerError(f"ordering helper failed: {exc}") from exc
            if got != req_id:
                raise OrderServerError(f"ordering helper answered {got}, expected {req_id}")
            return order, pos, fraction

    def close(self, timeout: float = 0.5) -> None:
        """Stop the helper and reap it. An idle helper exits at once when its input closes;
        one still reading the run, or in a long request, is killed after ``timeout``
        seconds (it holds no user data)."""
        busy = self._lock.locked()  # an answer nobody will read: do not wait for it
        with contextlib.suppress(OSError):  # already gone
            self._in.close()  # EOF: the helper exits
        if busy:
            self._proc.kill()
        try:
            self._proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._out.close()

    @property
    def pid(self) -> int:
        return self._proc.pid

    @property
    def exited(self) -> bool:
        """The helper has ended and been reaped."""
        return self._proc.returncode is not None


def serve(stdin: IO[bytes], stdout: IO[bytes]) -> int:
    """The helper's main loop."""
    from screening.db import open_database
    from screening.runtime import cyclic_gc_paused
    from screening.store.reviews import current_dispositions
    from ui.loaded_run import InputCells
    from ui.models.column_ordering import ColumnOrdering, inverse
    from ui.models.line_columns import load_line_columns

    return_big_blocks()
    first = stdin.readline()
    if not first:
        return 0
    hello = json.loads(first)
    db = open_database(hello["url"], seed=False)
    run_id = int(hello["run_id"])

    def reviews() -> dict[int, str]:
        with db.sessions() as session:
            return {row: r.disposition.label
                    for row, r in current_dispositions(session, run_id).items()}

    with cyclic_gc_paused(), db.sessions() as session:
        ordering = ColumnOrdering(load_line_columns(session, run_id), reviews(),
                                  InputCells(db, run_id).stream)
    release_free_memory()

    ordering.prepare_in_background(then=release_free_memory)
    for line in stdin:
        req = json.loads(line)
        try:
            if req["reload_reviews"]:
                ordering.reviews = reviews()
            filters = Filters.from_json(req["filters"])
            sort = Sort(int(req["sort"][0]), bool(req["sort"][1]))
            if req.get("complete"):
                order, complete = ordering.order(filters, sort), 1.0
            else:
                order, complete = ordering.order_now(filters, sort)
            pos = inverse(order, len(ordering))
        except Exception as exc:  # reported to the window, which shows it
            log.exception("ordering request failed")
            message = f"{type(exc).__name__}: {exc}".encode()
            stdout.write(HEADER.pack(req["id"], -len(message), 0, 1.0) + message)
        else:
            stdout.write(HEADER.pack(req["id"], len(order), len(pos), complete))
            stdout.write(order.tobytes())
            stdout.write(pos.tobytes())
        stdout.flush()
        release_free_memory()
    db.engine.dispose()
    return 0


def main() -> int:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="hkscreen ordering helper: %(levelname)s %(message)s")
    protocol = sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the protocol
    return serve(sys.stdin.buffer, protocol)


if __name__ == "__main__":
    sys.exit(main())
