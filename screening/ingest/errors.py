"""The one exception type for files that cannot be read at all."""

from __future__ import annotations


class IngestError(Exception):
    """The file cannot be screened. ``str()`` is a complete message naming the file (and
    sheet/row/column where it applies) for the user."""

    def __init__(self, path: str, message: str, *, sheet: str | None = None,
                 row: int | None = None, column: str | None = None):
        self.path, self.sheet, self.row, self.column = path, sheet, row, column
        where = path
        if sheet:
            where += f", sheet {sheet!r}"
        if row is not None:
            where += f", row {row}"
        if column:
            where += f", column {column}"
        self.detail = message
        super().__init__(f"{where}: {message}")
