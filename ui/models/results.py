"""The source table model: one row per line of a run, in input order.

Fixed columns (``Col``) come from the run's ``RunLines``, compact columns held in memory
(codes and numpy arrays, decoded only for the cells painted). The input file's own columns
follow them, hidden until asked for; their cells are read from the database a block at a
time, only for rows that are painted. Sorting and filtering are
the proxy's job (``ui.models.proxy``)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from screening.model import Verdict
from screening.store.reviews import Disposition, ReviewRecord
from screening.store.runs import LineTable
from ui import labels
from ui.models.ordering import UNDECIDED, Col, RawCells, review_state
from ui.models.run_lines import CodedColumn, RunLines, TextList, empty_run_lines, run_lines_of

ModelIndex = QModelIndex | QPersistentModelIndex

#: fetch_raw(first_row, last_row) -> {input row: original cells} for rows in that range
RawFetcher = Callable[[int, int], dict[int, list[str]]]


CONTEXT = "ResultsModel"
HEADERS = {
    Col.ROW: QT_TRANSLATE_NOOP("ResultsModel", "Row"),
    Col.LINE_ID: QT_TRANSLATE_NOOP("ResultsModel", "Line ID"),
    Col.SHIPPED_TO: QT_TRANSLATE_NOOP("ResultsModel", "Shipped to"),
    Col.LICENSED_AS: QT_TRANSLATE_NOOP("ResultsModel", "Licensed as"),
    Col.ECCN: QT_TRANSLATE_NOOP("ResultsModel", "ECCN"),
    Col.EXCEPTION: QT_TRANSLATE_NOOP("ResultsModel", "Licence exc."),
    Col.VERDICT: QT_TRANSLATE_NOOP("ResultsModel", "Verdict"),
    Col.NEWLY: QT_TRANSLATE_NOOP("ResultsModel", "Newly licensable"),
    Col.REVIEW: QT_TRANSLATE_NOOP("ResultsModel", "Review status"),
}


def header_text(col: Col) -> str:
    return QCoreApplication.translate(CONTEXT, HEADERS[col])


VERDICT_COLOURS = {
    "PROHIBITED": "#E8A0A0", "LICENSE_REQUIRED": "#F4B6B6", "ERROR": "#F9CB9C",
    "REVIEW": "#FFE599", "CLEAR": "#C9E7C1",
}
RAW_BLOCK = 256  # lines of original cells read per query
RAW_BLOCKS_KEPT = 64


class ResultsModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self.lines: RunLines = empty_run_lines()
        self.reviews: dict[int, ReviewRecord] = {}
        self.headers: list[str] = []
        self._fetch_raw: RawFetcher | None = None
        self.all_raw: RawCells | None = None
        self._raw: OrderedDict[int, dict[int, list[str]]] = OrderedDict()
        self._flagged = 0
        self._yes = QCoreApplication.translate("ResultsModel", "Yes")  # once, not per cell
        self._brushes = {v: QBrush(QColor(c)) for v, c in VERDICT_COLOURS.items()}

    def load(self, lines: RunLines | LineTable, reviews: dict[int, ReviewRecord],
             headers: list[str] | None = None, fetch_raw: RawFetcher | None = None,
             all_raw: RawCells | None = None) -> None:
        """``fetch_raw`` reads a block of original cells (for painting), ``all_raw`` streams
        them all (for sorting and searching them in this process). Lines already in lists
        (a LineTable) are made compact first."""
        self.beginResetModel()
        self.all_raw = all_raw
        self.lines = lines if isinstance(lines, RunLines) else run_lines_of(lines)
        self.reviews = reviews
        self.headers = list(headers or []) if fetch_raw else []
        self._fetch_raw = fetch_raw
        self._raw.clear()
        self._flagged = int(np.count_nonzero(self.lines.flagged()))
        self.endResetModel()

    def set_reviews(self, reviews: dict[int, ReviewRecord]) -> None:
        self.reviews = reviews
        if len(self.lines):
            self.dataChanged.emit(self.index(0, Col.REVIEW),
                                  self.index(len(self.lines) - 1, Col.REVIEW))

    # -- Qt model API ------------------------------------------------------------------
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Col) + len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self.columnCount():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section < len(Col):
                return header_text(Col(section))
            k = section - len(Col)  # a cell beyond the input's header row has no name
            return self.headers[k] or QCoreApplication.translate(
                "ResultsModel", "Column %1").replace("%1", str(k + 1))
        if role == Qt.ItemDataRole.ToolTipRole and section >= len(Col):
            return QCoreApplication.translate("ResultsModel",
                                              "Column as imported from the input file")
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self.lines):
            return None
        return self.data_at(index.row(), index.column(), role)

    def data_at(self, i: int, col: int, role: int) -> object:
        """Cell data for line ``i`` (the proxy calls this directly: one Python call a cell)."""
        if role == Qt.ItemDataRole.DisplayRole:
            if col >= len(Col):
                return self.raw_cell(i, col - len(Col))
            if col == Col.REVIEW:
                return labels.review_state(self.review_status(i))
            value = self.value(i, Col(col))
            if col == Col.NEWLY:
                return self._yes if value else ""
            return value if value is not None else ""
        if role == Qt.ItemDataRole.BackgroundRole and col == Col.VERDICT:
            return self._brushes.get(self.lines.verdicts[i])  # type: ignore[arg-type]
        if role == Qt.ItemDataRole.ToolTipRole and col == Col.REVIEW:
            review = self.reviews.get(self.lines.row(i))
            if review:
                return f"{labels.disposition(review.disposition)} — {review.reviewer}: " \
                    f"{review.reason}"
        if role == Qt.ItemDataRole.TextAlignmentRole and col == Col.ROW:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def value(self, i: int, col: Col) -> object:
        """Line ``i``'s value in a fixed column, as a Python value (int, bool or text)."""
        lines = self.lines
        if col == Col.ROW:
            return lines.row(i)
        if col == Col.NEWLY:
            return bool(lines.newly[i])
        if col == Col.REVIEW:
            return self.review_status(i)
        column: CodedColumn | TextList = getattr(lines, _TEXT_COLUMNS[col])
        return column[i]

    def raw_cell(self, i: int, k: int) -> str:
        block_no = i // RAW_BLOCK
        block = self._raw.get(block_no)
        if block is None:
            assert self._fetch_raw is not None
            first = block_no * RAW_BLOCK
            last = min(first + RAW_BLOCK, len(self.lines)) - 1
            block = self._fetch_raw(self.lines.row(first), self.lines.row(last))
            self._raw[block_no] = block
            if len(self._raw) > RAW_BLOCKS_KEPT:
                self._raw.popitem(last=False)
        else:
            self._raw.move_to_end(block_no)
        cells = block.get(self.lines.row(i), [])
        return cells[k] if k < len(cells) else ""

    # -- line questions (by line index) -------------------------------------------------
    def review_status(self, i: int) -> str:
        review = self.reviews.get(self.lines.row(i))
        return review_state(review.disposition.label if review else None,
                            self.lines.verdicts[i])  # type: ignore[arg-type]

    def review_labels(self) -> dict[int, str]:
        return {row: r.disposition.label for row, r in self.reviews.items()}

    def review_progress(self) -> tuple[int, int]:
        """(flagged lines with a decision, lines on hold). Hold is not a decision (nor is
        a note, which is never the decision in force)."""
        decided = on_hold = 0
        for row, review in self.reviews.items():
            i = self.line_of_row(row)
            if i is None:
                continue
            if review.disposition is Disposition.HOLD:
                on_hold += 1
            elif self.is_flagged(i):
                decided += 1
        return decided, on_hold

    def unreviewed_count(self) -> int:
        """Lines waiting for a decision: flagged lines without one, and any line on hold
        (what the Unreviewed filter shows)."""
        decided, _on_hold = self.review_progress()
        held_clear = sum(1 for row, review in self.reviews.items()
                         if review.disposition is Disposition.HOLD
                         and (i := self.line_of_row(row)) is not None
                         and not self.is_flagged(i))
        return self._flagged - decided + held_clear

    def line_of_row(self, row: int) -> int | None:
        """The line index of input row ``row``."""
        return self.lines.line_of_row(row)

    def is_flagged(self, i: int) -> bool:
        return self.lines.verdicts[i] != Verdict.CLEAR.value

    def is_unreviewed(self, i: int) -> bool:
        """No decision yet: no review, or on hold."""
        return self.review_status(i) in UNDECIDED


_TEXT_COLUMNS = {Col.LINE_ID: "line_ids", Col.SHIPPED_TO: "destinations",
                 Col.LICENSED_AS: "licensing", Col.ECCN: "eccns", Col.EXCEPTION: "exceptions",
                 Col.VERDICT: "verdicts"}
