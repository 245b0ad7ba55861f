"""Small read-only table models for previews (raw rows, normalised preview, runs, rules)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

ModelIndex = QModelIndex | QPersistentModelIndex


class RowsModel(QAbstractTableModel):
    """Rows of display values with headers; optional per-row background and tooltip."""

    def __init__(self, headers: Sequence[str], rows: Sequence[Sequence[object]] = (),
                 background: Callable[[int], str | None] | None = None,
                 tooltip: Callable[[int], str | None] | None = None, parent=None,  # type: ignore[no-untyped-def]
                 cell_background: Callable[[int, int], str | None] | None = None) -> None:
        super().__init__(parent)
        self.headers = list(headers)
        self.rows = [list(r) for r in rows]
        self.row_headers: list[str] = []
        self._background = background
        self._cell_background = cell_background
        self._tooltip = tooltip

    def set_rows(self, rows: Sequence[Sequence[object]], headers: Sequence[str] | None = None,
                 row_headers: Sequence[str] | None = None) -> None:
        """``row_headers``: labels down the side (e.g. the sheet's row numbers)."""
        self.beginResetModel()
        if headers is not None:
            self.headers = list(headers)
        self.rows = [list(r) for r in rows]
        self.row_headers = list(row_headers or [])
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.headers[section] if section < len(self.headers) else None
        return self.row_headers[section] if section < len(self.row_headers) else None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = row[index.column()] if index.column() < len(row) else ""
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.BackgroundRole:
            colour = self._cell_background(index.row(), index.column()) \
                if self._cell_background else None
            if colour is None and self._background:
                colour = self._background(index.row())
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if self._tooltip:
                return self._tooltip(index.row())
            value = row[index.column()] if index.column() < len(row) else None
            text = "" if value is None else str(value)
            return text if len(text) > 40 else None  # long text in full, when it is cut
        return None
