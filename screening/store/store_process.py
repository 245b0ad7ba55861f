"""Storing a big run's lines in a process of its own.

A run screens on one thread while another stores. Both need the interpreter lock, and the
storing side needs it for every value it binds (twenty per line): at a million lines the
screening thread waited five seconds for it, a third of the run. A child process has its
own interpreter and lock, so the database writes overlap screening fully; the lines reach
it through a pipe as marshalled batches (about 0.8 s per million lines to encode).

It costs the child's start (about 0.3 s, spent beside the reading), so it is used only for
files big enough to gain from it (``PROCESS_MIN_BYTES``, less for a workbook: see
``suitable``) and only on a database another process can open. Small files store on a
thread (store.line_writer).

The child (``python -m screening.store.store_process``) appends each batch's ``--json``
lines to the part file, stores the batch in one transaction and answers ``+`` once it is
committed, or ``!`` and the reason (as JSON: a file's error, or the database's words) and
stops. It
ignores Ctrl+C (the parent decides what a run's end is), stops at the end of its input,
and on Linux dies with its parent: a killed run keeps only whole committed batches.
"""

from __future__ import annotations

import contextlib
import gc
import json
import marshal
import os
import pickle
import signal
import struct
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO, Any

from screening.db import DatabaseError

#: Input files at least this big store their lines in a child process.
PROCESS_MIN_BYTES = 8 * 1024 * 1024
#: The same for a workbook, whose rows are compressed (about 65 bytes a line against a
#: CSV's 110): 2 MB hold about 30,000 lines. Measured 2026-12-01 on bench_screen data, four
#: interleaved rounds: 30,000 lines gained a little with the child (medians 4.77 to 4.35 s),
#: 100,000 lines 1.6 s (11.1 to 9.5 s), while a 40,000-line CSV gained nothing (its threshold
#: stays). Not beside a report's helper process: three processes on two cores lost 10%.
PROCESS_MIN_BYTES_XLSX = 2 * 1024 * 1024

_FRAME = struct.Struct("<Q")
_CONFIG, _MARSHAL, _PICKLE = b"c", b"m", b"p"
_OK, _FAILED = b"+", b"!"
_PIPE_BYTES = 1 << 20  # a batch passes in a few writes, not hundreds
#: Batches the child stores between two runs of the cyclic garbage collector.
COLLECT_EVERY = 50


class StoreProcessError(DatabaseError):
    """The child could not store a batch (the message is the database's reason) or ended
    unexpectedly. (A file it could not write is an OSError, as on the thread.)"""


def suitable(shareable: bool, input_size: int, kind: str = "csv", *,
             beside_helper: bool = False) -> bool:
    """Whether a run of an input of ``input_size`` bytes (``kind`` "csv" or "xlsx") stores
    its lines in a child process; ``beside_helper``: another process works for the run
    (a report's rows being rendered)."""
    # A workbook never needs more than a CSV would (a lowered PROCESS_MIN_BYTES, as tests
    # set it, sends every run to the child).
    least = min(PROCESS_MIN_BYTES, PROCESS_MIN_BYTES_XLSX) \
        if kind == "xlsx" and not beside_helper else PROCESS_MIN_BYTES
    return shareable and input_size >= least


def child_environment() -> dict[str, str]:
    """This process's environment with the folder holding the ``screening`` package first
    on the path, so a child process runs this same code."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(Path(__file__).resolve().parents[2]),
         *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))])
    return env


def encode(sets: list[tuple[int, int, str]], lines: Any,
           cells: tuple[int, int, str] | None) -> bytes:
    """A batch as ``StoreProcess.send`` takes it: its new findings sets, its lines
    (``runs.LineBatch``: the child builds their rows) and cells record."""
    try:
        return _MARSHAL + marshal.dumps((sets, lines, cells))
    except ValueError:  # a value marshal does not know (dates for PostgreSQL)
        return _PICKLE + pickle.dumps((sets, lines, cells), protocol=pickle.HIGHEST_PROTOCOL)


def decode(frame: bytes) -> tuple[list[tuple[int, int, str]], Any, tuple[int, int, str] | None]:
    """A batch ``encode``d: (new findings sets, lines, cells record)."""
    return marshal.loads(frame[1:]) if frame[:1] == _MARSHAL else pickle.loads(frame[1:])


class StoreProcess:
    """The parent's side: ``send`` a batch, then ``acknowledged`` when it is committed."""

    def __init__(self, url: str, run_id: int, json_part: str | None = None,
                 json_target: str | None = None):
        """``json_part``: the ``--json`` part file to append each batch's lines to;
        ``json_target``: the file it becomes, named in a message if writing fails."""
        # Its error output goes to a file, never a pipe: a full one would block it.
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "screening.store.store_process", str(os.getpid())],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._errors,
            env=child_environment())
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self._in: IO[bytes] = self.proc.stdin
        self._out: IO[bytes] = self.proc.stdout
        _widen(self._in)
        self._failure: BaseException | None = None  # what the child said before it ended
        self._write(_CONFIG + json.dumps({"url": url, "run_id": run_id, "json": json_part,
                                          "json_target": json_target}).encode("utf-8"))

    def send(self, batch: bytes) -> None:
        """Hand over a batch ``encode``d (its findings sets, rows and cells record)."""
        self._write(batch)

    def acknowledged(self) -> None:
        """Wait until the oldest batch not yet acknowledged is committed; raises
        StoreProcessError if it was not."""
        answer = self._out.readline()
        if answer == _OK + b"\n":
            return
        if answer.startswith(_FAILED):
            self._failure = _failure(answer)
            raise self._failure
        raise self._ended()

    def close(self) -> None:
        """End the child's input and wait for it to exit (after storing what it was sent:
        collect those acknowledgements first); raises StoreProcessError if it did not
        exit cleanly."""
        with contextlib.suppress(OSError):
            self._in.close()
        try:
            code = self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            code = None
        try:
            if code != 0:
                raise self._ended()
        finally:
            self._out.close()
            self._errors.close()

    def _write(self, payload: bytes) -> None:
        try:
            self._in.write(_FRAME.pack(len(payload)))
            self._in.write(payload)
            self._in.flush()
        except (BrokenPipeError, ValueError) as exc:
            raise self._ended() from exc

    def _ended(self) -> BaseException:
        """Why the child ended: its own answer if it gave one (it stops after a failure,
        so a batch sent meanwhile meets a closed pipe), else its exit."""
        if self._failure is not None:
            return self._failure
        with contextlib.suppress(OSError, ValueError):
            for answer in self._out:
                if answer.startswith(_FAILED):
                    self._failure = _failure(answer)
                    return self._failure
        code = self.proc.wait()
        self._errors.seek(0)
        lines = self._errors.read().decode("utf-8", "replace").strip().splitlines()
        said = f": {lines[-1]}" if lines else ""
        self._failure = StoreProcessError(
            f"the process storing the run's lines ended unexpectedly (exit code {code})"
            f"{said}")
        return self._failure


def _failure(answer: bytes) -> BaseException:
    """The child's ``!`` answer as the error the thread path would have raised."""
    said = json.loads(answer[1:])
    if "errno" in said:
        return OSError(said["errno"], said["strerror"], said["filename"])
    return StoreProcessError(f"database error: {said['message']}")


def _widen(pipe: IO[bytes]) -> None:
    """A bigger pipe buffer (Linux): fewer hand-overs per batch."""
    try:
        import fcntl

        fcntl.fcntl(pipe.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), _PIPE_BYTES)
    except (ImportError, OSError):
        pass


def die_with_parent(parent: int) -> None:
    """Linux: be killed when the parent dies, so a killed run stores nothing more."""
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # it died before that took effect
        os._exit(1)


def _read_frame(stream: IO[bytes]) -> bytes | None:
    head = stream.read(_FRAME.size)
    if len(head) < _FRAME.size:
        return None  # the parent closed our input (or died): stop
    (size,) = _FRAME.unpack(head)
    payload = stream.read(size)
    return payload if len(payload) == size else None


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(int(argv[0]))
    source, answers = sys.stdin.buffer, sys.stdout.buffer
    config = _read_frame(source)
    if config is None or config[:1] != _CONFIG:
        return 2
    settings = json.loads(config[1:])

    def answer(text: bytes) -> None:
        answers.write(text + b"\n")
        answers.flush()

    from screening.db import first_line, open_existing
    from screening.drop_behind import DropBehind, write_behind
    from screening.line_json import LineJson
    from screening.store.line_writer import store_lines

    try:
        db = open_existing(settings["url"])
    except Exception as exc:  # reported on the first batch's acknowledgement
        answer(_FAILED + _said(exc, f"cannot open the database: {first_line(exc)}"))
        return 1
    lines = LineJson()
    try:
        with contextlib.ExitStack() as stack:
            try:
                json_out = stack.enter_context(open(settings["json"], "ab")) \
                    if settings["json"] else None
            except OSError as exc:
                answer(_FAILED + _said(OSError(exc.errno, exc.strerror,
                                               settings["json_target"]), ""))
                return 1

            behind = DropBehind(json_out.fileno(), json_out.tell()) \
                if json_out is not None else None

            def write_json(data: bytes) -> None:
                assert json_out is not None and behind is not None
                try:
                    write_behind(json_out, data, behind)
                except OSError as exc:  # named as the file it becomes
                    raise OSError(exc.errno, exc.strerror, settings["json_target"]) from exc
            # A batch's objects are freed by their reference counts: the cyclic collector
            # would only walk them (and everything loaded) again and again. What the few
            # cycles of a batch's session hold is collected every COLLECT_EVERY batches.
            gc.freeze()
            gc.disable()
            stored = 0
            while (frame := _read_frame(source)) is not None:
                sets, batch, cells = decode(frame)
                try:
                    # A batch is answered committed only once all of its JSON is written;
                    # one that fails is not stored at all.
                    store_lines(db, settings["run_id"], sets, batch, cells, lines,
                                write_json if json_out is not None else None)
                except Exception as exc:
                    answer(_FAILED + _said(exc, first_line(exc)))
                    return 1
                answer(_OK)
                # Freed before the next batch is read, which then takes this one's memory
                # while it is still in the processor's cache.
                del frame, sets, batch, cells
                stored += 1
                if stored % COLLECT_EVERY == 0:
                    gc.collect()
    finally:
        db.dispose()
    return 0


def _said(exc: Exception, message: str) -> bytes:
    """A failure as the parent re-raises it: a file's error as an OSError, else the
    database's words."""
    if isinstance(exc, OSError) and exc.errno is not None:
        said: dict[str, Any] = {"errno": exc.errno, "strerror": exc.strerror,
                                "filename": exc.filename}
    else:
        said = {"message": message}
    return json.dumps(said).encode("utf-8")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
