"""Long work off the GUI thread: a plain callable with progress and cooperative cancel,
wrapped in a QThread. Threads are never killed: cancel sets a flag the callable checks."""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

log = logging.getLogger(__name__)

#: work(progress, cancelled) -> result
Work = Callable[[Callable[[Any], None], Callable[[], bool]], Any]


class _Runner(QObject):
    progress = Signal(object)
    done = Signal(object)
    failed = Signal(object, str)
    finished = Signal()

    def __init__(self, work: Work, cancel: threading.Event):
        super().__init__()
        self.work, self.cancel = work, cancel

    @Slot()
    def run(self) -> None:
        try:
            result = self.work(self.progress.emit, self.cancel.is_set)
        except Exception as exc:  # reported to the GUI, never lost
            log.exception("background job failed")
            self.failed.emit(exc, traceback.format_exc())
        else:
            self.done.emit(result)
        finally:
            self.finished.emit()


class Job(QObject):
    """One background job. Connect ``progress``, ``done`` and ``failed``, then ``start()``.
    ``synchronous=True`` runs it in the calling thread (tests)."""

    progress = Signal(object)
    done = Signal(object)
    failed = Signal(object, str)
    finished = Signal()

    def __init__(self, work: Work, parent: QObject | None = None, *, synchronous: bool = False):
        super().__init__(parent)
        self._cancel = threading.Event()
        self._runner = _Runner(work, self._cancel)
        self._thread: QThread | None = None
        self.synchronous = synchronous
        for name in ("progress", "done", "failed", "finished"):
            getattr(self._runner, name).connect(getattr(self, name))

    def start(self) -> None:
        if self.synchronous:
            self._runner.run()
            return
        self._thread = QThread()
        self._runner.moveToThread(self._thread)
        self._thread.started.connect(self._runner.run)
        self._runner.finished.connect(self._thread.quit)
        self._thread.start()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.isRunning()

    def wait(self, msecs: int = 30_000) -> bool:
        """Cooperative: ask to stop, then wait (used when the window closes)."""
        if self._thread is None:
            return True
        return self._thread.wait(msecs)
