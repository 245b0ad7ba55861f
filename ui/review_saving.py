"""Saving an officer's review: one transaction, committed before anything else happens. A bulk
review of thousands of lines is written in a background job behind a modal busy dialog; a
few lines are written at once, in the click (so a crash right after loses nothing)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QWidget

from screening.db import Database
from screening.store.reviews import (
    ReviewError,
    ReviewRecord,
    add_reviews,
    current_dispositions,
)
from ui.dialogs.messages import busy_dialog
from ui.dialogs.review import ReviewInput
from ui.workers import Job

BULK_IN_BACKGROUND = 2_000  # lines; a bulk review above this is saved off the GUI thread


def save(parent: QWidget, db: Database, run_id: int, rows: list[int], value: ReviewInput, *,
         synchronous: bool, done: Callable[[dict[int, ReviewRecord]], None],
         failed: Callable[[str, str], None]) -> Job | None:
    """Record ``value`` for ``rows``; ``done`` gets the decisions now in force for them."""

    def work(_progress: object, _cancelled: object) -> dict[int, ReviewRecord]:
        with db.sessions.begin() as session:
            add_reviews(session, run_id, rows, value.disposition, reason=value.reason,
                        license_number=value.license_number,
                        license_exception=value.license_exception, reviewer=value.reviewer,
                        override_reason=value.override_reason)
        with db.sessions() as session:  # only these lines: a run may have many reviews
            return current_dispositions(session, run_id, rows)

    if len(rows) <= BULK_IN_BACKGROUND:
        try:
            changed = work(None, None)
        except ReviewError as exc:  # (the dialog asks first; a race can still refuse it)
            failed(str(exc), "")
            return None
        done(changed)
        return None
    busy = busy_dialog(parent, QCoreApplication.translate(  # always thousands: plural
        "ReviewSaving", "Saving reviews of %1 lines…").replace("%1", f"{len(rows):,}"),
        modality=Qt.WindowModality.ApplicationModal,
        show_after_ms=0)  # one transaction, all of the lines or none: no Cancel
    job = Job(work, parent, synchronous=synchronous)
    job.done.connect(done)
    job.failed.connect(lambda exc, details: failed(str(exc), details))
    job.finished.connect(busy.reset)
    job.start()
    return job
