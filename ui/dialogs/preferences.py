"""Settings menu prompts: reviewer name, database, language. Each returns the status-bar
message to show, or None when nothing changed."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QInputDialog, QWidget

from ui.dialogs.messages import warn
from ui.settings import Settings
from ui.translations import LANGUAGES


def ask_reviewer(parent: QWidget, settings: Settings) -> None:
    name, ok = QInputDialog.getText(
        parent, QCoreApplication.translate("Preferences", "Reviewer name"),
        QCoreApplication.translate("Preferences", "Name recorded with each review:"),
        text=settings.reviewer())
    if ok and name.strip():
        settings.set(Settings.REVIEWER, name.strip())


def ask_database(parent: QWidget, settings: Settings) -> str | None:
    """Point the app at another database (a team's PostgreSQL server): checked now, used
    from the next start."""
    from screening.db import DatabaseError, open_database
    url, ok = QInputDialog.getText(
        parent, QCoreApplication.translate("Preferences", "Database"),
        QCoreApplication.translate("Preferences",
                                   "SQLAlchemy URL (empty: the local SQLite file), e.g.\n"
                                   "postgresql+psycopg://user@server/hkscreen"),
        text=settings.get(Settings.DATABASE_URL) or "")
    if not ok:
        return None
    url = url.strip()
    if url:
        try:
            open_database(url).dispose()
        except DatabaseError as exc:
            warn(parent, str(exc))
            return None
    settings.set(Settings.DATABASE_URL, url)
    return QCoreApplication.translate("Preferences",
                                      "Database saved; it is used from the next start.")


def ask_language(parent: QWidget, settings: Settings) -> str | None:
    names = [QCoreApplication.translate("Preferences", "System language"), *LANGUAGES.values()]
    codes = ["", *LANGUAGES]
    saved = settings.get(Settings.LANGUAGE) or ""
    name, ok = QInputDialog.getItem(
        parent, QCoreApplication.translate("Preferences", "Language"),
        QCoreApplication.translate("Preferences", "Language of the window:"), names,
        codes.index(saved) if saved in codes else 0, False)
    if not ok:
        return None
    settings.set(Settings.LANGUAGE, codes[names.index(name)])
    return QCoreApplication.translate("Preferences",
                                      "Language saved; it is used from the next start.")
