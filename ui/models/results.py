"""Table model over a run's lines.

Sorting and filtering happen here, in bulk over the column lists, instead of in a
QSortFilterProxyModel: a proxy calls back into Python for every row and comparison, which
freezes the window at a million lines. The model keeps ``view`` (the visible line indexes in
order) and exposes only those.
"""

from __future__ import annotations

import gc
import heapq
from dataclasses import dataclass, field
from enum import IntEnum

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from screening.model import Verdict
from screening.runtime import cyclic_gc_paused
from screening.store.reviews import ReviewRecord
from screening.store.runs import LineTable
from ui.workers import Job

ModelIndex = QModelIndex | QPersistentModelIndex


class Col(IntEnum):
    ROW = 0
    LINE_ID = 1
    SHIPPED_TO = 2
    LICENSED_AS = 3
    ECCN = 4
    EXCEPTION = 5
    VERDICT = 6
    NEWLY = 7
    REVIEW = 8


HEADERS = {
    Col.ROW: "Row", Col.LINE_ID: "Line ID", Col.SHIPPED_TO: "Shipped to",
    Col.LICENSED_AS: "Licensed as", Col.ECCN: "ECCN", Col.EXCEPTION: "Licence exc.",
    Col.VERDICT: "Verdict", Col.NEWLY: "Newly licensable", Col.REVIEW: "Review status",
}
VERDICT_COLOURS = {
    "PROHIBITED": "#E8A0A0", "LICENSE_REQUIRED": "#F4B6B6", "ERROR": "#F9CB9C",
    "REVIEW": "#FFE599", "CLEAR": "#C9E7C1",
}
UNREVIEWED = "Unreviewed"
NOT_NEEDED = ""  # CLEAR lines without a review need none
ASYNC_LIMIT = 200_000  # lines above which sorting and filtering leave the GUI thread
SORT_CHUNK = 100_000


@dataclass
class Filters:
    verdicts: frozenset[str] = frozenset()  # empty = all
    destination: str = ""
    finding_code: str = ""
    review: str = ""  # "", "unreviewed", "reviewed", or a disposition label
    newly_only: bool = False
    text: str = ""
    codes_by_set: dict[int, tuple[str, ...]] = field(default_factory=dict)


class ResultsModel(QAbstractTableModel):
    busy = Signal(bool)  # background sort/filter running

    def __init__(self, parent=None, *, synchronous: bool = False) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self.synchronous = synchronous
        self._generation = 0
        self._jobs: list[Job] = []
        self.table = LineTable([], [], [], [], [], [], [], [], [], {})
        self.reviews: dict[int, ReviewRecord] = {}
        self.view: list[int] = []
        self.filters = Filters()
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._brushes = {v: QBrush(QColor(c)) for v, c in VERDICT_COLOURS.items()}
        self._row_index: dict[int, int] = {}
        self._search: list[str] | None = None

    # -- loading -----------------------------------------------------------------------
    def load(self, table: LineTable, reviews: dict[int, ReviewRecord]) -> None:
        self.beginResetModel()
        self.table, self.reviews = table, reviews
        self._search = None
        self._row_index = {row: i for i, row in enumerate(table.rows)}
        self.view = self.compute_view(self.filters, self._sort)
        self.endResetModel()
        # The table lives as long as the run is open: keep the cyclic collector from walking
        # its millions of objects again and again (each walk would stall the window).
        gc.freeze()

    def set_reviews(self, reviews: dict[int, ReviewRecord]) -> None:
        self.reviews = reviews
        if self.filters.review:  # membership may change
            self.set_filters(self.filters)
            return
        if self.view:
            self.dataChanged.emit(self.index(0, Col.REVIEW),
                                  self.index(len(self.view) - 1, Col.REVIEW))

    # -- Qt model API ------------------------------------------------------------------
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.view)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Col)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Col(section)]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self.view):
            return None
        i = self.view[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            value = self._value(i, Col(col))
            if col == Col.NEWLY:
                return "Yes" if value else ""
            return value if value is not None else ""
        if role == Qt.ItemDataRole.BackgroundRole and col == Col.VERDICT:
            return self._brushes.get(self.table.verdicts[i])
        if role == Qt.ItemDataRole.ToolTipRole and col == Col.REVIEW:
            review = self.reviews.get(self.table.rows[i])
            if review:
                return f"{review.disposition.label} by {review.reviewer}: {review.reason}"
        if role == Qt.ItemDataRole.TextAlignmentRole and col == Col.ROW:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _column(self, col: Col) -> list:  # type: ignore[type-arg]
        t = self.table
        return {Col.ROW: t.rows, Col.LINE_ID: t.line_ids, Col.SHIPPED_TO: t.destinations,
                Col.LICENSED_AS: t.licensing, Col.ECCN: t.eccns, Col.EXCEPTION: t.exceptions,
                Col.VERDICT: t.verdicts, Col.NEWLY: t.newly}[col]

    def _value(self, i: int, col: Col) -> object:
        if col == Col.REVIEW:
            return self.review_status(i)
        return self._column(col)[i]

    def review_status(self, i: int) -> str:
        review = self.reviews.get(self.table.rows[i])
        if review:
            return review.disposition.label
        return NOT_NEEDED if self.table.verdicts[i] == Verdict.CLEAR.value else UNREVIEWED

    # -- sorting and filtering ------------------------------------------------------------
    # Small tables are sorted and filtered at once. Big ones (a million lines) in a worker
    # thread, in a way that leaves the GUI thread the interpreter lock: list comprehensions,
    # chunks sorted separately (each a short C-level sort) and merged in Python.
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order)
        if len(self.table) <= ASYNC_LIMIT:
            self.layoutAboutToBeChanged.emit()
            self.view = self._sorted(list(self.view), column, order)
            self.layoutChanged.emit()
            return
        view, sort = list(self.view), self._sort
        # A reset, not a layout change: at a million rows Qt's persistent-index bookkeeping
        # for a layout change costs more than the sort.
        self._in_background(lambda: self._sorted(view, *sort), reset=True)

    def set_filters(self, filters: Filters) -> None:
        self.filters = filters
        if len(self.table) <= ASYNC_LIMIT:
            self.beginResetModel()
            self.view = self.compute_view(filters, self._sort)
            self.endResetModel()
            return
        sort = self._sort
        self._in_background(lambda: self.compute_view(filters, sort), reset=True)

    def compute_view(self, filters: Filters, sort: tuple[int, Qt.SortOrder] | None
                     ) -> list[int]:
        """The visible line indexes for ``filters`` and ``sort`` (no model state changes:
        safe to run in a worker thread)."""
        view = self._filtered(filters)
        return self._sorted(view, *sort) if sort else view

    def _in_background(self, compute, *, reset: bool) -> None:  # type: ignore[no-untyped-def]
        self._generation += 1
        generation = self._generation
        self.busy.emit(True)
        def work(_progress, _cancelled):  # type: ignore[no-untyped-def]
            with cyclic_gc_paused():
                return compute()

        job = Job(work, self, synchronous=self.synchronous)

        def apply(view: list[int]) -> None:
            if generation != self._generation:  # a newer request superseded this one
                return
            if reset:
                self.beginResetModel()
                self.view = view
                self.endResetModel()
            else:
                self.layoutAboutToBeChanged.emit()
                self.view = view
                self.layoutChanged.emit()
            self.busy.emit(False)

        job.done.connect(apply)
        self._jobs = [j for j in self._jobs if j.running] + [job]
        job.start()

    def wait(self) -> None:
        """Wait for background sorting/filtering (window close, tests)."""
        for job in self._jobs:
            job.wait()

    def _sort_keys(self, column: int) -> list:  # type: ignore[type-arg]
        col = Col(column)
        if col == Col.VERDICT:  # most severe first, not alphabetical
            rank = {v.value: -v.rank for v in Verdict}
            return [rank[v] for v in self.table.verdicts]
        if col == Col.REVIEW:
            return [self.review_status(i) for i in range(len(self.table))]
        values = self._column(col)
        if col in (Col.ROW, Col.NEWLY):
            return values
        return [v.casefold() if v else "\uffff" for v in values]  # blanks last

    def _sorted(self, view: list[int], column: int, order: Qt.SortOrder) -> list[int]:
        key = self._sort_keys(column).__getitem__
        reverse = order == Qt.SortOrder.DescendingOrder
        # Stable sorts, and view is in input order after filtering: ties keep input order.
        if len(view) <= SORT_CHUNK:
            return sorted(view, key=key, reverse=reverse)
        chunks = [sorted(view[i:i + SORT_CHUNK], key=key, reverse=reverse)
                  for i in range(0, len(view), SORT_CHUNK)]
        return list(heapq.merge(*chunks, key=key, reverse=reverse))

    def _filtered(self, f: Filters) -> list[int]:
        t = self.table
        indexes: list[int] = list(range(len(t)))
        if f.verdicts:
            verdicts = t.verdicts
            indexes = [i for i in indexes if verdicts[i] in f.verdicts]
        if f.destination:
            d, lic = t.destinations, t.licensing
            indexes = [i for i in indexes if f.destination in (d[i], lic[i])]
        if f.newly_only:
            newly = t.newly
            indexes = [i for i in indexes if newly[i]]
        if f.finding_code:
            sets = {n for n, codes in t.set_codes.items() if f.finding_code in codes}
            fs = t.finding_sets
            indexes = [i for i in indexes if fs[i] in sets]
        if f.review:
            want = f.review
            if want == "unreviewed":
                indexes = [i for i in indexes if self.review_status(i) == UNREVIEWED]
            elif want == "reviewed":
                indexes = [i for i in indexes if t.rows[i] in self.reviews]
            else:
                indexes = [i for i in indexes if self.review_status(i) == want]
        if f.text:
            needle = f.text.casefold()
            haystack = self._haystack()
            indexes = [i for i in indexes if needle in haystack[i]]
        return indexes

    def _haystack(self) -> list[str]:
        """One lower-case search text per line, built on the first quick filter."""
        if self._search is None or len(self._search) != len(self.table):
            t = self.table
            self._search = [
                "\t".join((str(r), lid, d or "", lic or "", e or "", x or "", v)).casefold()
                for r, lid, d, lic, e, x, v in zip(t.rows, t.line_ids, t.destinations,
                                                    t.licensing, t.eccns, t.exceptions,
                                                    t.verdicts, strict=True)]
        return self._search

    def unreviewed_count(self) -> int:
        clear = Verdict.CLEAR.value
        flagged = sum(1 for v in self.table.verdicts if v != clear)
        reviewed = sum(1 for row in self.reviews
                       if (i := self._row_index.get(row)) is not None
                       and self.table.verdicts[i] != clear)
        return flagged - reviewed

    # -- helpers for the window ------------------------------------------------------------
    def row_at(self, view_row: int) -> int:
        return self.table.rows[self.view[view_row]]

    def view_row_of(self, row: int) -> int | None:
        i = self._row_index.get(row)
        if i is None:
            return None
        try:
            return self.view.index(i)
        except ValueError:
            return None

    def next_matching(self, start: int, step: int, predicate) -> int | None:  # type: ignore[no-untyped-def]
        """Next view row after ``start`` (wrapping) whose line index satisfies predicate."""
        n = len(self.view)
        for k in range(1, n + 1):
            j = (start + step * k) % n
            if predicate(self.view[j]):
                return j
        return None

    def is_flagged(self, i: int) -> bool:
        return self.table.verdicts[i] != Verdict.CLEAR.value

    def is_unreviewed(self, i: int) -> bool:
        return self.review_status(i) == UNREVIEWED


