"""Rendering an XLSX report's big sheets while its run is still being screened.

``hkscreen screen FILE --report r.xlsx`` writes the report once the run has ended. Its Lines
and Findings rows (every stored line: most of the report's time) need only the stored lines,
which the run commits batch by batch in input order. So while the run screens on one core, a
helper process follows those commits and renders the rows on the other
(``line_sheets.render_line_sheets`` over ``report_lines.follow_line_chunks``: the code and
the stored rows the report would use). When the run has ended the report takes those rows if
they are its own (every line of the complete run, no review yet, the same styles:
``xlsx._Opened.fits``), else renders them itself. The helper only saves time; it never
decides what a report says.

It is used for inputs of ``PRERENDER_MIN_BYTES`` or more (its start costs about 0.3 s of the
other core) on a database another process can open, on a machine with a second core. The
helper (``python -m screening.reports.prerender``) reads one line naming the run, follows it
to its end, writing a progress line after each batch of lines it renders, and ends with one
line: its result as JSON, or ``!`` and why it failed. It ignores Ctrl+C and on Linux dies
with its parent; its files are in a folder of its own, removed by ``close`` (or, if the
run's process was killed, by the next start).
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import json
import logging
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from screening.recovery import temp_dir
from screening.reports.line_sheets import LineSheets
from screening.reports.package import DeflatedRows
from screening.store.store_process import child_environment, die_with_parent

if TYPE_CHECKING:
    from screening.store.report_lines import LineChunk

log = logging.getLogger(__name__)

#: Inputs at least this big have their report's rows rendered while they are screened.
PRERENDER_MIN_BYTES = 1 << 20
#: Seconds without progress (it reports each batch of lines it has rendered) after which
#: the helper is taken for stuck and the report renders its rows itself.
WAIT = 60
_FAILED, _TICK = "!", "."
#: Seconds after which a caller waiting for the rows is told (``Prerender.result``).
NOTICE_AFTER = 1.0


def suitable(shareable: bool, input_size: int) -> bool:
    """Whether a helper would save time: on a database another process can open, for an
    input big enough to repay its start, with a second core to run on. (On two cores it
    pays even beside a run storing in a child process: a million-line CSV with its XLSX
    report took 43-44 s with it against 50 s without.)"""
    return shareable and input_size >= PRERENDER_MIN_BYTES and cores() >= 2


def cores() -> int:
    """The processor cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


class Prerender:
    """The parent's side: started before the run, told the run with ``follow``, asked for
    the rows with ``result`` once the run has ended; ``close`` stops it and removes its
    files (those of a result not taken too)."""

    def __init__(self, url: str):
        # The rows' folder is named after this process in the data directory's tmp folder:
        # if this process is killed, the next start removes it (recovery.clean_temp_files).
        self.folder = Path(tempfile.mkdtemp(prefix=f"run-{os.getpid()}-", suffix=".rows",
                                            dir=temp_dir()))
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "screening.reports.prerender", str(os.getpid())],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._errors,
                env=child_environment())
        except BaseException:
            self._errors.close()
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        self._url = url
        self._following = False
        # Its output, line by line (progress ticks, then its answer; None at its end).
        self._said: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._listener = threading.Thread(target=self._listen, name="report-rows-helper",
                                          daemon=True)
        self._listener.start()

    def _listen(self) -> None:
        assert self.proc.stdout is not None
        with contextlib.suppress(OSError, ValueError), self.proc.stdout:
            for line in self.proc.stdout:
                self._said.put(line.decode("utf-8", "replace").strip())
        self._said.put(None)

    def follow(self, run_id: int) -> None:
        """Start following ``run_id`` (just created)."""
        assert self.proc.stdin is not None
        config = {"url": self._url, "run_id": run_id, "folder": str(self.folder)}
        try:
            self.proc.stdin.write(json.dumps(config).encode("utf-8") + b"\n")
            self.proc.stdin.flush()
            self._following = True
        except OSError as exc:  # it died: the report renders its rows itself
            log.info("report rows helper did not start: %s", exc)

    def result(self, complete: bool = True,
               waiting: Callable[[], object] | None = None) -> LineSheets | None:
        """The rows rendered, once the run has ended; None if the helper failed or made no
        progress for ``WAIT`` seconds (the report then renders them itself), or if the run
        is not recorded complete (a report takes no rows of such a run, and a run left
        "running" would be followed until stopped: it is not waited for). ``waiting()`` is
        called once if the rows are not there within ``NOTICE_AFTER`` seconds (to say so)."""
        if not self._following or not complete:
            return None
        self._following = False
        text: str | None = _TICK
        told = waiting is None
        while text == _TICK:
            try:
                text = self._said.get(timeout=WAIT if told else NOTICE_AFTER)
            except queue.Empty:
                if not told and waiting is not None:
                    told = True
                    waiting()
                    continue
                log.info("report rows helper made no progress for %s s: not used", WAIT)
                return None
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=WAIT)  # it has answered: it is ending
        if self.proc.returncode != 0 or not text or text.startswith(_FAILED):
            self._errors.seek(0)
            log.info("report rows helper failed (exit %s): %s %s", self.proc.returncode,
                     (text or "")[1:],
                     self._errors.read()[-2000:].decode("utf-8", "replace"))
            return None
        try:
            return from_json(json.loads(text), self.folder)
        except (ValueError, KeyError, TypeError) as exc:
            log.info("report rows helper answered unreadably: %s", exc)
            return None

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        with contextlib.suppress(OSError, ValueError):
            assert self.proc.stdin is not None
            self.proc.stdin.close()
        self.proc.wait()
        self._listener.join(timeout=WAIT)  # its output ends with it
        self._errors.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def to_json(sheets: LineSheets) -> dict[str, Any]:
    return {
        "lines": [sheets.lines.path.name, sheets.lines.crc, sheets.lines.size],
        "findings": [sheets.findings.path.name, sheets.findings.crc, sheets.findings.size],
        "line_count": sheets.line_count, "headers": sheets.headers,
        "last_line_row": sheets.last_line_row,
        "last_finding_row": sheets.last_finding_row, "hashes": sheets.hashes,
        "styles": sheets.styles, "finding_styles": sheets.finding_styles,
        "destinations": sorted(sheets.destinations), "claimed": sorted(sheets.claimed),
        "by_date": [[day.isoformat() if day else None, verdict, count]
                    for (day, verdict), count in sheets.by_date.items()],
        "unverified": dict(sheets.unverified),
        "shared_strings": (base64.b64encode(sheets.shared_strings).decode("ascii")
                           if sheets.shared_strings is not None else None),
    }


def from_json(data: dict[str, Any], folder: Path) -> LineSheets:
    """The helper's answer; its files are in ``folder`` (a name elsewhere is refused)."""
    def rows(item: list[Any]) -> DeflatedRows:
        name, crc, size = item
        path = folder / str(name)
        if Path(name).name != name or name in ("", ".", "..") or not path.is_file():
            raise ValueError(f"not a rows file in the helper's folder: {name!r}")
        return DeflatedRows.finished(path, int(crc), int(size))

    lines, findings = rows(data["lines"]), rows(data["findings"])
    shared = data["shared_strings"]
    return LineSheets(
        lines, findings, line_count=int(data["line_count"]),
        headers=[str(h) for h in data["headers"]],
        last_line_row=int(data["last_line_row"]),
        last_finding_row=int(data["last_finding_row"]), hashes=dict(data["hashes"]),
        styles=dict(data["styles"]), finding_styles=dict(data["finding_styles"]),
        destinations=set(data["destinations"]), claimed=set(data["claimed"]),
        by_date=Counter({(dt.date.fromisoformat(day) if day else None, verdict): count
                         for day, verdict, count in data["by_date"]}),
        unverified=Counter(data["unverified"]),
        shared_strings=base64.b64decode(shared) if shared is not None else None)


def _tick() -> None:
    sys.stdout.write(_TICK + "\n")
    sys.stdout.flush()


def _ticking(chunks: Iterator[LineChunk], progress: Callable[[], None]
             ) -> Iterator[LineChunk]:
    """``chunks``, calling ``progress`` each time the one before has been rendered."""
    for chunk in chunks:
        yield chunk
        progress()


def render_following(url: str, run_id: int, folder: Path,
                     progress: Callable[[], None] = lambda: None) -> LineSheets:
    """The helper's work: the run's rows, rendered as its lines are stored; ``progress()``
    after each batch of them."""
    from screening.db import open_existing
    from screening.reports.content import load_content
    from screening.reports.line_sheets import render_line_sheets
    from screening.reports.xlsx import styles_of
    from screening.store.report_lines import follow_line_chunks

    db = open_existing(url)
    try:
        with db.sessions() as session:
            content = load_content(session, run_id, "")
        styles, finding_styles = styles_of(content, folder)
        # No review can exist yet on a run being screened; one added meanwhile makes the
        # report render its rows itself (see xlsx._Opened.fits).
        return render_line_sheets(_ticking(follow_line_chunks(db, run_id), progress),
                                  content.run.headers, {}, styles, finding_styles, folder)
    finally:
        db.dispose()


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(int(argv[0]))
    line = sys.stdin.buffer.readline()
    if not line:
        return 0  # the run never started
    try:
        config = json.loads(line)
        sheets = render_following(config["url"], int(config["run_id"]),
                                  Path(config["folder"]), progress=_tick)
    except Exception as exc:
        sys.stdout.write(f"{_FAILED}{type(exc).__name__}: {exc}\n".replace("\n", " ") + "\n")
        return 1
    sys.stdout.write(json.dumps(to_json(sheets)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
