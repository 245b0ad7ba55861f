"""File > Export: an audit report of the open run, written in a background job (an XLSX of
100,000 lines takes seconds). The file appears whole or not at all (atomic write)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QFileDialog, QWidget

from screening.db import Database
from screening.reports import write_report
from screening.reports.safety import ExportError
from screening.store.runs import RunInfo
from ui.dialogs.messages import busy_dialog
from ui.workers import Job


def start(parent: QWidget, db: Database, run: RunInfo, fmt: str, target: Path | None,
          reviewer: str, *, synchronous: bool, done: Callable[[Path], None],
          failed: Callable[[str, str], None]) -> Job | None:
    """Ask for the target if none is given, then write; None if the officer cancelled."""
    if target is None:
        suggested = f"{Path(run.input_name).stem}-run{run.id}.{fmt}"
        name, _ = QFileDialog.getSaveFileName(
            parent, QCoreApplication.translate("ReportExport", "Export"), suggested,
            f"*.{fmt}")
        if not name:
            return None
        target = Path(name)
    busy = busy_dialog(parent, QCoreApplication.translate("ReportExport", "Writing %1…")
                       .replace("%1", target.name), modality=Qt.WindowModality.WindowModal,
                       show_after_ms=600)  # the write is atomic: no Cancel
    job = Job(lambda _p, _c: write_report(db, run.id, target, generated_by=reviewer,
                                          fmt=fmt), parent, synchronous=synchronous)
    job.done.connect(lambda result: done(result.path))
    job.failed.connect(lambda exc, details: failed(
        str(exc), "" if isinstance(exc, ExportError) else details))
    job.finished.connect(busy.reset)
    job.start()
    return job
