"""One typed registry over QSettings: every persisted preference and UI state lives here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from screening.runtime import current_user


@dataclass(frozen=True)
class _Key:
    name: str
    default: Any


class Settings:
    REVIEWER = _Key("review/reviewer", "")
    RECENT_FILES = _Key("files/recent", [])
    DATABASE_URL = _Key("database/url", "")
    LANGUAGE = _Key("ui/language", "")  # "" = the system's language
    WINDOW_GEOMETRY = _Key("window/geometry", QByteArray())
    WINDOW_STATE = _Key("window/state", QByteArray())
    SPLITTER = _Key("window/splitter", QByteArray())
    TABLE_HEADER = _Key("results/header", QByteArray())
    ORIGINAL_COLUMNS = _Key("results/original_columns", [])  # input headers shown as columns
    MAX_RECENT = 8

    def __init__(self, qsettings: QSettings | None = None):
        self.q = qsettings or QSettings("hkscreen", "hkscreen")

    def get(self, key: _Key) -> Any:
        value = self.q.value(key.name, key.default)
        if isinstance(key.default, list):
            if value in (None, ""):
                return []
            return [value] if isinstance(value, str) else list(value)
        if isinstance(key.default, int) and not isinstance(key.default, bool):
            try:
                return int(value)
            except (TypeError, ValueError):
                return key.default
        return value

    def set(self, key: _Key, value: Any) -> None:
        self.q.setValue(key.name, value)

    def reviewer(self) -> str:
        name = str(self.get(self.REVIEWER) or "").strip()
        return name or current_user()

    def add_recent(self, path: str) -> list[str]:
        recent = [p for p in self.get(self.RECENT_FILES) if p != path]
        recent.insert(0, path)
        recent = recent[: self.MAX_RECENT]
        self.set(self.RECENT_FILES, recent)
        return recent
