"""Long work off the GUI thread: a plain callable with progress and cooperative cancel.

The callable runs in a Python thread; its signals reach the GUI thread as queued Qt
signals. (A QThread calling into Python was measured to starve the GUI thread of the
interpreter lock for a whole job at times; a plain thread shares it as Python intends.)
Threads are never killed: cancel sets a flag the callable checks."""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

#: work(progress, cancelled) -> result
Work = Callable[[Callable[[Any], None], Callable[[], bool]], Any]


class Job(QObject):
    """One background job. Connect ``progress``, ``done`` and ``failed``, then ``start()``.
    ``synchronous=True`` runs it in the calling thread (tests)."""

    progress = Signal(object)
    done = Signal(object)
    failed = Signal(object, str)
    finished = Signal()

    def __init__(self, work: Work, parent: QObject | None = None, *, synchronous: bool = False,
                 keep_result: bool = False):
        super().__init__(parent)
        self.work = work
        self.synchronous = synchronous
        self.keep_result = keep_result
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self.result: Any = None  # with ``keep_result``: what the work returned (also when
        # nobody took ``done``: the window closed first)

    def start(self) -> None:
        if self.synchronous:
            self._run()
            return
        self._thread = threading.Thread(target=self._run, name="hkscreen-job", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            result = self.work(self.progress.emit, self._cancel.is_set)
        except Exception as exc:  # reported to the GUI, never lost
            log.exception("background job failed")
            self.failed.emit(exc, traceback.format_exc())
        else:
            if self.keep_result:
                self.result = result
            self.done.emit(result)
        finally:
            self.finished.emit()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wait(self, msecs: int = 30_000) -> bool:
        """Wait for the job to end (after ``cancel()`` when the window closes)."""
        if self._thread is None:
            return True
        self._thread.join(msecs / 1000)
        return not self._thread.is_alive()
