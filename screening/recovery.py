"""Runs end in a known state: on start, runs whose writing process died (kill -9, power
loss, a crash) are marked ``interrupted`` and their temporary files removed.

A running run records its writer's pid and host and a heartbeat written with every batch.
On the same host a dead pid is proof; a run from another host is interrupted once its
heartbeat is older than ``runs.STALE_AFTER``. Temporary files carry their writer's pid in
their name (``run-PID-...``) in the data directory's ``tmp`` folder, so files whose writer is
gone are removed whatever database they belonged to (folders too: a report's rows rendered
while its run screens). A ``screen --json`` output being written sits beside its target; a
``.jsonpart`` pointer here names it.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import tempfile
from pathlib import Path

from screening.db import Database
from screening.paths import data_dir
from screening.store import runs as run_store

log = logging.getLogger(__name__)


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists on this machine."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user
        return True
    except OSError:
        return False
    return True


def temp_dir() -> Path:
    path = data_dir() / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return path


def temp_file(suffix: str, directory: Path | None = None) -> Path:
    """A new empty temporary file named after this process (see the module docstring)."""
    fd, name = tempfile.mkstemp(prefix=f"run-{os.getpid()}-", suffix=suffix,
                                dir=directory or temp_dir())
    os.close(fd)
    return Path(name)


def clean_temp_files(directory: Path | None = None) -> list[Path]:
    """Remove temporary files whose writing process no longer exists."""
    removed: list[Path] = []
    folder = directory or data_dir() / "tmp"
    if not folder.is_dir():
        return removed
    for path in folder.glob("run-*-*"):
        try:
            pid = int(path.name.split("-")[1])
        except (IndexError, ValueError):
            continue
        if not pid_alive(pid):
            if path.name.endswith(".jsonpart"):
                _remove_pointed(path, pid)
            try:
                if path.is_dir():  # a report's rows rendered by a helper (reports.prerender)
                    shutil.rmtree(path)
                else:
                    path.unlink()
                removed.append(path)
            except OSError as exc:
                log.warning("cannot remove temporary file %s: %s", path, exc)
    return removed


def _remove_pointed(pointer: Path, pid: int) -> None:
    """A ``screen --json`` part file lives beside its target; the pointer names it. Only a
    part file of that writer is removed."""
    try:
        part = Path(pointer.read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return
    if f".run-{pid}-" in part.name and part.name.endswith(".part"):
        try:
            part.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("cannot remove temporary file %s: %s", part, exc)


def recover(db: Database) -> list[int]:
    """Mark dead runs interrupted and remove their temporary files; returns their ids."""
    with db.sessions.begin() as session:
        dead = run_store.mark_dead_runs(session, socket.gethostname(), pid_alive)
    for run in dead:
        log.warning("run %s was interrupted (writer pid %s on %s)", run.id, run.pid, run.host)
    clean_temp_files()
    return [run.id for run in dead]
