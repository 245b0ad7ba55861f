"""Restricted-party lists from the window: import a list, mark a match a false positive.
Each returns the status-bar message to show, or None when nothing was done."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QInputDialog, QWidget

from screening.db import Database
from screening.parties import PartyListError
from screening.store import parties as party_store
from screening.store import runs as run_store
from ui.dialogs.messages import warn
from ui.settings import Settings


def import_list(parent: QWidget, db: Database, settings: Settings,
                path: Path | None = None) -> str | None:
    if path is None:
        name, _ = QFileDialog.getOpenFileName(
            parent, QCoreApplication.translate("PartyActions", "Import screening list"), "",
            QCoreApplication.translate("PartyActions", "Lists (*.csv *.json)"))
        if not name:
            return None
        path = Path(name)
    try:
        with db.sessions.begin() as session:
            info = party_store.import_list(session, path, user=settings.reviewer())
    except PartyListError as exc:
        warn(parent, QCoreApplication.translate("PartyActions", "The list was not imported:")
              + "\n" + str(exc))
        return None
    return QCoreApplication.translate(
        "PartyActions", "Imported %1 entries as list %2; they apply to the next screening.") \
        .replace("%1", f"{info.entry_count:,}").replace("%2", info.name)


def mark_false_positive(parent: QWidget, db: Database, settings: Settings, run_id: int,
                        row: int) -> str | None:
    """This line's party is not that list entry: recorded, and not raised again."""
    with db.sessions() as session:
        line = run_store.get_line(session, run_id, row)
        entries = {e.key: e for e in party_store.load_entries(session)}
    if line is None:
        return None
    matches = [f for f in line.findings if f.code.startswith("PARTY_MATCH_")
               and f.code != "PARTY_MATCH_SUPPRESSED"]
    parties = [p for p in (line.normalized.get("consignee"), line.normalized.get("end_user"))
               if p]
    options = [f"{party} ≠ {key} ({entry.name})" for party in parties
               for key, entry in entries.items()
               if any(entry.name in f.message and party in f.message for f in matches)]
    if not options:
        warn(parent, QCoreApplication.translate(
            "PartyActions", "The selected line has no restricted-party match."))
        return None
    title = QCoreApplication.translate("PartyActions", "False positive")
    choice, ok = QInputDialog.getItem(
        parent, title, QCoreApplication.translate("PartyActions", "Party and list entry:"),
        options, 0, False)
    if not ok:
        return None
    reason, ok = QInputDialog.getText(
        parent, title,
        QCoreApplication.translate("PartyActions", "Why is this not the listed party?"))
    if not ok or not reason.strip():
        return None
    party, rest = choice.split(" ≠ ", 1)
    with db.sessions.begin() as session:
        party_store.mark_false_positive(session, party, rest.split(" (", 1)[0], reason=reason,
                                        reviewer=settings.reviewer(), run_id=run_id, row=row)
    return QCoreApplication.translate(
        "PartyActions",
        "Recorded; the match is not raised again for this party until the list entry changes.")
