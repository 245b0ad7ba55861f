"""The workbench's sort/filter proxy over ``ResultsModel``.

A QAbstractProxyModel whose row mapping is an array of line indexes computed in bulk by
``LineOrdering``, not by per-row ``lessThan``/``filterAcceptsRow`` callbacks: a
QSortFilterProxyModel calls into Python for every comparison and every row, tens of millions
of calls at a million lines. Small runs are ordered at once in this process; big ones by the
ordering helper process (``order_server``) while the window stays responsive."""

from __future__ import annotations

import logging
from array import array
from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractProxyModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from ui.models.order_server import OrderServer
from ui.models.ordering import Col, Filters, LineOrdering, Sort, inverse
from ui.models.results import ResultsModel
from ui.models.run_lines import RunLines
from ui.workers import Job

log = logging.getLogger(__name__)
ModelIndex = QModelIndex | QPersistentModelIndex
ASYNC_LIMIT = 20_000  # lines above which ordering is left to the helper process: at 20k
# the first quick filter or input-column sort in the window takes ~75 ms, at 50k ~190 ms
PARTIAL_RETRY_MS = 50  # then asking for the complete answer (the helper waits to give it)


class LineOrderProxy(QAbstractProxyModel):
    busy = Signal(bool)  # the helper is ordering
    reordered = Signal()  # a new order is shown
    failed = Signal(str)
    # The quick filter's lines found so far are shown: the helper is still reading the
    # input file's columns to search them (the fraction read); the complete answer follows.
    searching = Signal(float)

    def __init__(self, source: ResultsModel, parent: QObject | None = None, *,
                 synchronous: bool = False) -> None:
        super().__init__(parent)
        self.source = source
        self.synchronous = synchronous
        self.filters = Filters()
        self.order_by = Sort()
        self.server: OrderServer | None = None
        # Line index per view row and view row per line index (-1: filtered out); a range
        # when the view is the input order.
        self._order: Sequence[int] = range(0)
        self._pos: Sequence[int] = range(0)
        self._ordering: LineOrdering | None = None
        self._ordering_of: RunLines | None = None  # the lines it was made for
        self._generation = 0
        self._reviews_changed = False
        self._busy = False
        self._jobs: list[Job] = []
        self.setSourceModel(source)
        source.modelAboutToBeReset.connect(self.beginResetModel)
        source.modelReset.connect(self._source_reset)
        source.dataChanged.connect(self._source_changed)

    # -- QAbstractProxyModel --------------------------------------------------------------
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.source.columnCount()

    def index(self, row: int, column: int,
              parent: ModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if parent.isValid() or not (0 <= row < len(self._order)
                                    and 0 <= column < self.columnCount()):
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(self, child: ModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        return QModelIndex()

    def hasChildren(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and bool(self._order)

    def mapToSource(self, proxy_index: ModelIndex) -> QModelIndex:
        if not proxy_index.isValid() or not 0 <= proxy_index.row() < len(self._order):
            return QModelIndex()
        return self.source.index(self._order[proxy_index.row()], proxy_index.column())

    def mapFromSource(self, source_index: ModelIndex) -> QModelIndex:
        if not source_index.isValid() or not 0 <= source_index.row() < len(self._pos):
            return QModelIndex()
        p = self._pos[source_index.row()]
        return self.index(p, source_index.column()) if p >= 0 else QModelIndex()

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._order):
            return None
        return self.source.data_at(self._order[index.row()], index.column(), role)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal:
            return self.source.headerData(section, orientation, role)
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.order_by = Sort(column, order == Qt.SortOrder.DescendingOrder)
        self._request()

    # -- ordering -------------------------------------------------------------------------
    def set_filters(self, filters: Filters) -> None:
        self.filters = filters
        self._request()

    def set_server(self, server: OrderServer | None) -> None:
        """The helper process for the current run (None: order in this process)."""
        if self.server is not None:
            self.server.close()
        self.server = server

    def reviews_changed(self) -> None:
        """Reviews were added: re-order only if the review column decides the order."""
        self._reviews_changed = True
        if self.filters.review or self.order_by.column == Col.REVIEW:
            self._request()

    def _source_reset(self) -> None:
        self._ordering, self._ordering_of = None, None
        self._order, self._pos = range(0), range(0)
        self.endResetModel()
        self._request()

    def _source_changed(self, top: QModelIndex, bottom: QModelIndex,
                        roles: list[int] | None = None) -> None:
        if self._order:  # only reviews change: repaint that column
            self.dataChanged.emit(self.index(0, top.column()),
                                  self.index(len(self._order) - 1, bottom.column()), roles or [])

    def _request(self, *, complete: bool = False) -> None:
        """Ask for the order of the current filters and sort (``complete``: the helper
        waits for the input file's columns rather than answering a quick filter in part)."""
        self._generation += 1
        generation = self._generation
        filters, sort = self.filters, self.order_by
        size = len(self.source.lines)
        if filters == Filters() and sort == Sort():  # input order: nothing to compute
            self._apply(range(size), range(size))
            self._set_busy(False)  # a request still running is superseded
            return
        if self.server is None or size <= ASYNC_LIMIT:
            if self._ordering is None or self._ordering_of is not self.source.lines:
                # Lists of the lines, made for this: the window keeps only compact columns.
                self._ordering = LineOrdering(self.source.lines.as_table(),
                                              raw=self.source.all_raw)
                self._ordering_of = self.source.lines
            self._ordering.reviews = self.source.review_labels()
            order = self._ordering.order(filters, sort)
            self._apply(order, inverse(order, size))
            self._set_busy(False)
            return
        server, reload_reviews = self.server, self._reviews_changed
        self._reviews_changed = False
        self._set_busy(True)
        job = Job(lambda _p, _c: server.request(generation, filters, sort,
                                                reload_reviews=reload_reviews,
                                                complete=complete),
                  self, synchronous=self.synchronous)

        def done(result: tuple[array[int], array[int], float]) -> None:
            if generation != self._generation:  # a newer request superseded this one
                return
            order, pos, fraction = result
            self._apply(order, pos)
            if fraction < 1.0:  # shown meanwhile; still busy: ask for the complete answer
                self.searching.emit(fraction)
                QTimer.singleShot(PARTIAL_RETRY_MS, self, lambda: self._request(complete=True)
                                  if generation == self._generation else None)
                return
            self._set_busy(False)

        def failed(exc: BaseException, _details: str) -> None:
            if generation == self._generation:
                # Carry on without the helper: slower on a huge run, but never stuck.
                log.error("ordering helper failed: %s", exc)
                self.set_server(None)
                self._set_busy(False)
                self.failed.emit(self.tr("%1. Sorting and filtering continue in the window "
                                         "(slower on very large runs).").replace("%1", str(exc)))
                self._request()

        job.done.connect(done)
        job.failed.connect(failed)
        self._jobs = [j for j in self._jobs if j.running] + [job]
        job.start()

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busy.emit(busy)

    def _apply(self, order: Sequence[int], pos: Sequence[int]) -> None:
        # A reset, not a layout change: at a million rows Qt's persistent-index bookkeeping
        # costs more than the ordering. The window restores the selection on ``reordered``.
        self.beginResetModel()
        self._order, self._pos = order, pos
        self.endResetModel()
        self.reordered.emit()

    def wait(self) -> None:
        """Wait for pending orderings (window close, tests)."""
        for job in self._jobs:
            job.wait()

    def close(self) -> None:
        self.set_server(None)
        self.wait()

    # -- helpers for the window ------------------------------------------------------------
    def line_at(self, view_row: int) -> int:
        return self._order[view_row]

    def row_at(self, view_row: int) -> int:
        """The input row number shown at ``view_row``."""
        return self.source.lines.row(self._order[view_row])

    def view_row_of(self, row: int) -> int | None:
        i = self.source.line_of_row(row)
        if i is None or i >= len(self._pos) or self._pos[i] < 0:
            return None
        return self._pos[i]

    def next_matching(self, start: int, step: int, predicate) -> int | None:  # type: ignore[no-untyped-def]
        """Next view row after ``start`` (wrapping) whose line index satisfies predicate."""
        n = len(self._order)
        for k in range(1, n + 1):
            j = (start + step * k) % n
            if predicate(self._order[j]):
                return j
        return None
