"""Filters and sorts a run's ``LineColumns``: the ordering helper's version of
``ordering.LineOrdering``, giving the same order (tests compare them) in vectorised passes.

Filters become boolean masks over the lines. A sort is a stable permutation of all lines,
computed once per column and direction (a counting sort for a column of few values, the
inverse of a rank permutation when every line differs) and kept, so sorting again, or
filtering a sorted view, is one pass picking the permutation's visible lines. No Qt here."""

from __future__ import annotations

import logging
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence

import numpy as np
from numpy.typing import NDArray

from screening.model import Verdict
from ui.models.line_columns import LineColumns, TextColumn, encode, raw_columns, text_column
from ui.models.ordering import (
    CELL_SEPARATOR,
    NOT_NEEDED,
    ON_HOLD,
    UNREVIEWED,
    Col,
    Filters,
    RawCells,
    Sort,
)

log = logging.getLogger(__name__)
Lines = NDArray[np.int32]
Ranks = NDArray[np.int32]  # a rank per line or entry: equal keys, equal rank
_FIELD = {Col.LINE_ID: "line_id", Col.SHIPPED_TO: "destination", Col.LICENSED_AS: "licensing",
          Col.ECCN: "eccn", Col.EXCEPTION: "exception", Col.VERDICT: "verdict"}
_BLANK_LAST = "\uffff".encode()  # the sort key of a blank workbench cell, as LineOrdering's
PERMUTATIONS_KEPT = 6  # 4 MB each at a million lines


def _smallest(ranks: Ranks) -> NDArray:  # type: ignore[type-arg]
    """Non-negative ranks in the narrowest unsigned type (8 and 16 bits sort by radix)."""
    top = int(ranks.max()) if ranks.size else 0
    for dtype in (np.uint8, np.uint16, np.uint32):
        if top <= np.iinfo(dtype).max:
            return ranks.astype(dtype)
    return ranks


def _dense_ranks(keys: Sequence[object]) -> Ranks:
    """Rank of each key among the distinct keys (equal keys, equal rank)."""
    order = sorted(range(len(keys)), key=keys.__getitem__)
    ranks = np.empty(len(keys), np.int32)
    rank, previous = -1, object()
    for i in order:
        key = keys[i]
        if key != previous:
            rank, previous = rank + 1, key
        ranks[i] = rank
    return ranks


_MATRIX_LIMIT = 64 << 20  # bytes of fixed-width keys sorted by numpy at once
_FEW = 50_000  # fewer keys than this are ranked by Python's sort


def _byte_ranks(column: TextColumn, starts: NDArray[np.uint32], ends: NDArray[np.uint32],
                blank: bytes | None = None) -> Ranks:
    """Dense ranks of the texts ``column.data[starts[i]:ends[i]]`` (UTF-8, so byte order
    is code point order, as str comparison); empty ones rank as ``blank`` when given. Many
    short texts are copied into a fixed-width array and ranked by numpy, not as a million
    Python bytes objects."""
    n = len(starts)
    lengths = ends - starts
    width = max(int(lengths.max()) if n else 0, len(blank or b""), 1)
    if n < _FEW or n * width > _MATRIX_LIMIT or not column.nul_free:
        data = column.data
        keys = [bytes(data[s:e]) for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]
        if blank is not None:
            keys = [k or blank for k in keys]
        return _dense_ranks(keys)
    matrix = np.zeros((n, width), np.uint8)  # NUL padding: shorter sorts first, as in str
    flat = matrix.reshape(-1)
    for first in range(0, n, 1 << 16):
        lens = lengths[first:first + (1 << 16)].astype(np.int64)
        total = int(lens.sum())
        offset = np.arange(total) - np.repeat(np.cumsum(lens) - lens, lens)
        rows = np.repeat(np.arange(first, first + len(lens)), lens)
        flat[rows * width + offset] = column.buffer[np.repeat(starts[first:first + len(lens)],
                                                              lens) + offset]
    if blank is not None:
        matrix[lengths == 0, :len(blank)] = np.frombuffer(blank, np.uint8)
    _, ranks = np.unique(matrix.view(f"S{width}").reshape(n), return_inverse=True)
    return ranks.reshape(-1).astype(np.int32)


def _text_ranks(column: TextColumn) -> Ranks:
    """Entry ranks of a workbench text column: case-folded text, blanks last (as
    ``LineOrdering``: ``v.casefold() if v else "\\uffff"``)."""
    return _byte_ranks(column, column.starts[:-1], column.starts[1:] - 1, _BLANK_LAST)


def _natural_ranks(column: TextColumn) -> Ranks:
    """Entry ranks by ``ordering.natural_key``: numbers by value, then text, blanks last."""
    n = column.entries
    kind = np.full(n, 2, np.uint8)  # 0 number, 1 text, 2 blank
    number = np.zeros(n, np.float64)
    padded: dict[int, tuple[int, int]] = {}  # text entry -> its bytes without outer spaces
    for e, raw in enumerate(column.entry_texts()):
        text = raw.decode("utf-8", "surrogatepass")  # already case-folded
        t = text.strip()
        if not t:
            continue
        try:
            value = float(t.replace(",", ""))
        except ValueError:
            value = math.nan
        if not math.isnan(value):
            kind[e], number[e] = 0, value
            continue
        kind[e] = 1
        if len(t) != len(text):
            lead = len(encode(text[:len(text) - len(text.lstrip())]))
            padded[e] = (lead, lead + len(encode(t)))
    ranks = np.empty(n, np.int32)
    is_number = kind == 0
    distinct, inverse = np.unique(number[is_number], return_inverse=True)
    ranks[is_number] = inverse.reshape(-1)
    del number, inverse, is_number
    is_text = np.flatnonzero(kind == 1).astype(np.uint32)
    starts = column.starts[is_text]
    ends = column.starts[is_text + 1] - 1
    for e, (lead, end) in padded.items():
        i = int(np.searchsorted(is_text, e))
        starts[i], ends[i] = starts[i] + lead, starts[i] + end
    text_ranks = _byte_ranks(column, starts, ends)
    ranks[is_text] = text_ranks + len(distinct)
    ranks[kind == 2] = len(distinct) + (int(text_ranks.max()) + 1 if len(is_text) else 0)
    return ranks


def inverse(order: Lines, size: int) -> Lines:
    """Position of each line in ``order``, -1 where it is filtered out."""
    pos = np.full(size, -1, np.int32)
    pos[order] = np.arange(len(order), dtype=np.int32)
    return pos


class ColumnOrdering:
    """The visible lines of a run for given filters and sort. ``reviews`` maps input row ->
    label of the decision in force; ``raw`` streams the input file's own cells, read once
    when a sort or the quick filter first needs them."""

    def __init__(self, columns: LineColumns, reviews: dict[int, str] | None = None,
                 raw: RawCells | None = None) -> None:
        self.columns = columns
        self.raw = raw
        self._reviews: dict[int, str] = {}
        self._status: tuple[NDArray, dict[str, int], NDArray[np.bool_]] | None = None  # type: ignore[type-arg]
        self._raw_columns: list[TextColumn] | None = None
        self._row_texts: TextColumn | None = None
        self._permutations: OrderedDict[tuple[int, bool], Lines] = OrderedDict()
        # The search columns: each built once, by one thread. The input file's take seconds
        # at a million lines; meanwhile ``order_now`` answers from the others.
        self._building_raw = threading.Lock()
        self._building_rows = threading.Lock()
        self.raw_lines_read = 0  # progress of building the input file's columns
        self._preparing = False
        verdict = columns.text["verdict"]
        assert verdict.values is not None
        self._clear = verdict.equal_to(Verdict.CLEAR.value)
        rows = columns.rows
        self._rows_ascending = bool(np.all(rows[1:] > rows[:-1]))
        self.reviews = reviews or {}

    def __len__(self) -> int:
        return len(self.columns)

    @property
    def reviews(self) -> dict[int, str]:
        return self._reviews

    @reviews.setter
    def reviews(self, reviews: dict[int, str]) -> None:
        self._reviews, self._status = reviews, None

    # -- the answer -------------------------------------------------------------------------
    def order(self, filters: Filters, sort: Sort) -> Lines:
        """The visible line indexes for ``filters``, in ``sort`` order; ties keep input
        order (as ``LineOrdering.order``)."""
        mask = self._mask(filters)
        if sort == Sort():
            return np.arange(len(self), dtype=np.int32) if mask is None \
                else np.flatnonzero(mask).astype(np.int32)
        permutation = self._permutation(sort)
        return permutation if mask is None else permutation[mask[permutation]]

    def order_now(self, filters: Filters, sort: Sort) -> tuple[Lines, float]:
        """``order``, without waiting for the input file's columns while another thread
        builds them: the quick filter then searches the workbench's columns only. Returns
        the order and how complete it is: 1.0, or the fraction of the input file's lines
        read so far (ask again for the complete answer)."""
        if filters.text and self._raw_columns is None and self._preparing:
            mask = self._mask(filters, input_columns=False)
            assert mask is not None
            order = np.flatnonzero(mask).astype(np.int32) if sort == Sort() else \
                (p := self._permutation(sort))[mask[p]]
            if self._raw_columns is None:  # still not built
                return order, min(self.raw_lines_read / max(len(self), 1), 0.99)
        return self.order(filters, sort), 1.0

    # -- filters ----------------------------------------------------------------------------
    def _mask(self, f: Filters, *, input_columns: bool = True) -> NDArray[np.bool_] | None:
        """Lines that pass ``f`` (None: all)."""
        c = self.columns
        masks: list[NDArray[np.bool_]] = []
        if f.verdicts:
            verdict = c.text["verdict"]
            assert verdict.values is not None
            masks.append(verdict.per_line(np.array([v in f.verdicts for v in verdict.values],
                                                   bool)))
        if f.destination:
            masks.append(c.text["destination"].equal_to(f.destination)
                         | c.text["licensing"].equal_to(f.destination))
        if f.newly_only:
            masks.append(c.newly)
        if f.finding_code:
            sets = [n for n, codes in c.set_codes.items() if f.finding_code in codes]
            masks.append(np.isin(c.finding_sets, np.array(sets, np.int32)))
        if f.review:
            status, names, reviewed = self._review_status()
            held = status == names[ON_HOLD] if ON_HOLD in names else np.zeros(len(self), bool)
            if f.review == "reviewed":  # decided
                masks.append(reviewed & ~held)
            elif f.review == "unreviewed":  # no decision yet: none, or on hold
                masks.append((status == names[UNREVIEWED]) | held)
            else:
                want = f.review
                masks.append(status == names[want] if want in names
                             else np.zeros(len(self), bool))
        if f.text:
            masks.append(self._containing(f.text.casefold(), input_columns=input_columns))
        if not masks:
            return None
        mask = masks[0]
        for m in masks[1:]:
            mask = mask & m
        return mask

    def _containing(self, needle: str, *, input_columns: bool = True) -> NDArray[np.bool_]:
        """Lines with a cell (as searched by ``LineOrdering``) that contains ``needle``
        (in the workbench's columns only, without ``input_columns``)."""
        found = np.zeros(len(self), bool)
        if CELL_SEPARATOR in needle:  # would only match across two cells
            return found
        text = encode(needle)
        for column in (self._rows_as_text(), *self.columns.text.values(),
                       *(self._raw() if input_columns else ())):
            found |= column.lines_containing(text)
        return found

    def _review_status(self) -> tuple[NDArray, dict[str, int], NDArray[np.bool_]]:  # type: ignore[type-arg]
        """Each line's review status as a code into ``names``, and which lines have a
        review; as ``ordering.review_state`` says."""
        if self._status is None:
            names = {NOT_NEEDED: 0, UNREVIEWED: 1}
            status = np.where(self._clear, 0, 1).astype(np.int32)
            reviewed = np.zeros(len(self), bool)
            rows = self.columns.rows
            if self._reviews and len(rows):
                wanted = np.fromiter(self._reviews, np.int64, len(self._reviews))
                at = np.minimum(np.searchsorted(rows.astype(np.int64), wanted), len(rows) - 1)
                present = rows[at] == wanted
                reviewed[at[present]] = True
                for line, row in zip(at[present].tolist(), wanted[present].tolist(),
                                     strict=True):
                    label = self._reviews[row]
                    if label:
                        status[line] = names.setdefault(label, len(names))
            self._status = (status, names, reviewed)
        return self._status

    # -- sorting ----------------------------------------------------------------------------
    def _permutation(self, sort: Sort) -> Lines:
        """All lines in ``sort`` order (stable), kept for the next time unless it depends
        on the reviews."""
        key = (sort.column, sort.descending)
        cached = self._permutations.get(key)
        if cached is not None:
            self._permutations.move_to_end(key)
            return cached
        n = len(self)
        if sort.column == Col.ROW and self._rows_ascending:
            permutation = np.arange(n, dtype=np.int32)
            return permutation[::-1].copy() if sort.descending else permutation
        ranks = self._ranks(sort.column)
        top = int(ranks.max()) if n else 0
        if sort.descending:
            ranks = top - ranks
        if n and top == n - 1 and int(np.bincount(ranks).max()) == 1:  # every line differs
            permutation = np.empty(n, np.int32)
            permutation[ranks] = np.arange(n, dtype=np.int32)
        else:
            permutation = np.argsort(_smallest(ranks), kind="stable").astype(np.int32)
        if sort.column != Col.REVIEW:
            self._permutations[key] = permutation
            if len(self._permutations) > PERMUTATIONS_KEPT:
                self._permutations.popitem(last=False)
        return permutation

    def _ranks(self, column: int) -> Ranks:
        """Each line's rank in ascending order of ``column``'s sort key (as
        ``LineOrdering._sort_keys``)."""
        c = self.columns
        if column >= len(Col):  # the input file's own column
            raw = self._raw()
            k = column - len(Col)
            if k >= len(raw):
                return np.zeros(len(self), np.int32)
            return raw[k].per_line(_natural_ranks(raw[k]))
        col = Col(column)
        if col == Col.ROW:
            return _dense_ranks(c.rows.tolist())
        if col == Col.NEWLY:
            return c.newly.astype(np.int32)
        if col == Col.REVIEW:
            status, names, _ = self._review_status()
            rank_of_name = _dense_ranks(list(names))
            return rank_of_name[status]
        text = c.text[_FIELD[col]]
        if col == Col.VERDICT:  # most severe first, not alphabetical
            assert text.values is not None
            rank = {v.value: -v.rank for v in Verdict}
            return text.per_line(_dense_ranks([rank[v] for v in text.values]))
        return text.per_line(_text_ranks(text))

    # -- columns read when first needed -------------------------------------------------------
    def prepare(self) -> None:
        """Build what the quick filter searches now (the helper does this in the background
        as soon as a run is open, so the officer's first search need not wait for a whole
        read of the input file's cells). Safe to call from another thread."""
        self._rows_as_text()  # quick: the searches meanwhile need it
        self._raw()

    def prepare_in_background(self, then: Callable[[], None] | None = None
                              ) -> threading.Thread:
        """``prepare`` in a thread of its own (then ``then``); until it is done,
        ``order_now`` answers quick filters from the workbench's columns."""
        self._preparing = True

        def run() -> None:
            try:
                self.prepare()
            except Exception:  # the first quick filter tries again and reports it
                log.warning("preparing the search columns failed", exc_info=True)
            finally:
                self._preparing = False
                if then is not None:
                    then()

        thread = threading.Thread(target=run, name="hkscreen-prepare-search", daemon=True)
        thread.start()
        return thread

    def _raw(self) -> list[TextColumn]:
        with self._building_raw:
            if self._raw_columns is None:
                columns, lines = raw_columns(self._counted(self.raw() if self.raw else ()),
                                             len(self))
                if self.raw and lines != len(self):
                    raise ValueError(f"the run has {len(self)} lines but {lines} rows of "
                                     f"original cells")
                self._raw_columns = columns
            return self._raw_columns

    def _counted(self, cells: Iterable[list[str]]) -> Iterator[list[str]]:
        self.raw_lines_read = 0
        for n, line in enumerate(cells, 1):
            if not n % 1024:
                self.raw_lines_read = n
            yield line

    def _rows_as_text(self) -> TextColumn:
        with self._building_rows:
            if self._row_texts is None:
                self._row_texts = text_column(map(str, self.columns.rows.tolist()),
                                              capacity=len(self), per_line=True)
            return self._row_texts
