"""A run's lines as compact columns, for the ordering helper process (``order_server``).

At a million lines, Python objects per line cost hundreds of megabytes and every sort or
filter walks them one by one. Here a column is a few numpy arrays: a small code per line into
the column's distinct values while they are few (verdicts, countries, ECCNs, most of the input
file's columns), or the line's own text when nearly every line differs (line IDs, amounts).
Texts are kept case-folded in one UTF-8 buffer, so the quick filter searches each distinct
value once with vectorised byte comparisons. No Qt here."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from itertools import chain, islice, pairwise

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ui.models.stored_rows import row_batches

#: A column with more distinct values than this keeps one text per line instead of codes
#: when nearly every line so far differs (line IDs, amounts), or when it has more than
#: ``DISTINCT_LIMIT * 4``: a million lines of 100,000 descriptions keep codes.
DISTINCT_LIMIT = 1 << 16
BATCH = 5000  # lines read and encoded at a time
_END = b"\x00"  # ends each entry in a buffer (entries are delimited by offsets all the same)
_ENCODING = ("utf-8", "surrogatepass")  # any str a JSON payload can hold


def encode(text: str) -> bytes:
    """A case-folded text as stored in a TextColumn (and how a search needle must be)."""
    return text.encode(*_ENCODING)


class Codes(dict[str | None, int]):
    """Distinct value -> code, numbered in order of first appearance."""

    def __missing__(self, key: str | None) -> int:
        code = self[key] = len(self)
        return code


def _entries(values: Sequence[str]) -> tuple[bytes, NDArray[np.int64]]:
    """``values`` case-folded and encoded, each followed by NUL, and where each one ends."""
    data = (_END.decode().join(values) + _END.decode()).casefold().encode(*_ENCODING)
    ends = np.flatnonzero(np.frombuffer(data, np.uint8) == 0)
    if len(ends) != len(values):  # a value holds NUL itself: encode one at a time
        parts = [v.casefold().encode(*_ENCODING) for v in values]
        data = _END.join(parts) + _END
        ends = np.cumsum(np.fromiter((len(p) + 1 for p in parts), np.int64, len(parts))) - 1
    return data, ends


class TextColumn:
    """One column's texts, case-folded, as entries of one UTF-8 buffer: entry ``e`` is
    ``buffer[starts[e]:starts[e + 1] - 1]``. Line ``i`` shows entry ``codes[i]``, or entry
    ``i`` when ``codes`` is None (one entry per line). ``values`` are the distinct values as
    written, kept for columns that filters match exactly."""

    def __init__(self, data: bytes | bytearray, ends: NDArray[np.uint32],
                 codes: NDArray[np.uint16] | NDArray[np.uint32] | None,
                 values: list[str | None] | None, lines: int) -> None:
        self.data = data
        self.buffer = np.frombuffer(data, np.uint8)
        self.starts = np.empty(len(ends) + 1, ends.dtype)
        self.starts[0] = 0
        np.add(ends, 1, out=self.starts[1:])
        self.codes = codes
        self.values = values
        self.lines = lines
        self._byte_counts: NDArray[np.int64] | None = None

    @property
    def entries(self) -> int:
        return len(self.starts) - 1

    def entry_texts(self) -> Iterator[bytes]:
        """Each entry's case-folded text (UTF-8), in order."""
        data = self.data
        for first in range(0, self.entries, BATCH):
            bounds = self.starts[first:first + BATCH + 1].tolist()
            for s, e in pairwise(bounds):
                yield bytes(data[s:e - 1])

    @functools.cached_property
    def nul_free(self) -> bool:
        """No entry holds NUL (only the terminators are NUL)."""
        return int(np.count_nonzero(self.buffer == 0)) == self.entries

    def per_line(self, entry_values: NDArray) -> NDArray:  # type: ignore[type-arg]
        """A value per entry spread to one per line."""
        return entry_values if self.codes is None else entry_values[self.codes]

    def equal_to(self, value: str) -> NDArray[np.bool_]:
        """Lines whose value as written is ``value`` (columns built with ``spill=False``)."""
        if self.values is None:
            raise ValueError("exact matches need a column built to keep its values")
        return self.per_line(np.array([v == value for v in self.values], bool))

    def lines_containing(self, needle: bytes) -> NDArray[np.bool_]:
        """Lines whose entry contains ``needle`` (case-folded, encoded), never across two
        entries."""
        k, buffer = len(needle), self.buffer
        if k == 0:
            return np.ones(self.lines, bool)
        if self._byte_counts is None:  # a piece at a time: bincount widens to 64 bits
            self._byte_counts = sum((np.bincount(buffer[i:i + (1 << 20)], minlength=256)
                                     for i in range(0, len(buffer), 1 << 20)),
                                    np.zeros(256, np.int64))
        # Start from the needle's rarest byte, then check the others at the few candidates.
        counts = self._byte_counts
        first = min(range(k), key=lambda j: counts[needle[j]])
        at = np.flatnonzero(buffer == needle[first]) - first
        at = at[(at >= 0) & (at <= len(buffer) - k)]
        for j in range(k):
            if j != first and at.size:
                at = at[buffer[at + j] == needle[j]]
        at = at.astype(self.starts.dtype)
        entry = np.searchsorted(self.starts, at, side="right").astype(np.int64) - 1
        entry = entry[at + k < self.starts[entry + 1]]  # ends before the entry's terminator
        hit = np.zeros(self.entries, bool)
        hit[entry] = True
        return self.per_line(hit)


def _fit(array: NDArray, size: int) -> NDArray:  # type: ignore[type-arg]
    """``array`` with room for ``size`` items (grown by doubling when short)."""
    if len(array) >= size:
        return array
    grown = np.empty(max(size, 2 * len(array)), array.dtype)
    grown[:len(array)] = array
    return grown


class TextColumnBuilder:
    """Collects one column's values batch by batch: codes while the distinct values are few
    (``DISTINCT_LIMIT``; ``spill=False`` keeps codes however many there are), then one text
    per line. ``capacity`` (the lines expected) lets it fill arrays allocated once: at a
    million lines, growing pieces that are then joined would leave the helper process
    holding twice the memory."""

    def __init__(self, lines_before: int = 0, *, capacity: int = 0, spill: bool = True,
                 per_line: bool = False) -> None:
        self._spill = spill
        self._capacity = capacity
        self._codes: Codes | None = None
        self._code_array: NDArray[np.uint16] | NDArray[np.uint32] = np.empty(0, np.uint16)
        self._data = bytearray()
        self._ends: NDArray[np.uint32] = np.empty(0, np.uint32)
        if per_line:
            self._ends = np.empty(capacity, np.uint32)
        else:
            self._codes = Codes()
            self._code_array = np.empty(capacity, np.uint16)
        self.lines = 0
        if lines_before:
            self.add([""] * lines_before)

    def add(self, values: Sequence[str | None]) -> None:
        """The next lines' values (None: blank, as "")."""
        start = self.lines
        self.lines += len(values)
        if self._codes is None:
            self._add_texts(values, start)
            return
        codes = np.fromiter(map(self._codes.__getitem__, values), np.uint32, len(values))
        if len(self._codes) > 1 << 16 and self._code_array.dtype == np.uint16:
            self._code_array = self._code_array.astype(np.uint32)
        self._code_array = _fit(self._code_array, self.lines)
        self._code_array[start:self.lines] = codes
        count = len(self._codes)
        if self._spill and count > DISTINCT_LIMIT and (
                count > 0.8 * self.lines or count > 4 * DISTINCT_LIMIT):
            distinct, so_far = list(self._codes), self._code_array[:self.lines]
            self._codes, self._code_array = None, np.empty(0, np.uint16)
            self._ends = np.empty(max(self._capacity, self.lines), np.uint32)
            for first in range(0, self.lines, BATCH):
                self._add_texts([distinct[c] for c in so_far[first:first + BATCH].tolist()],
                                first)

    def _add_texts(self, values: Sequence[str | None], start: int) -> None:
        if None in values:
            values = [v or "" for v in values]
        data, ends = _entries(values)  # type: ignore[arg-type]
        base = len(self._data)
        if base + len(data) >= 1 << 32:
            raise ValueError("a column holds more than 4 GB of text")
        self._data += data
        self._ends = _fit(self._ends, start + len(values))
        self._ends[start:start + len(values)] = ends + base

    def finish(self) -> TextColumn:
        if self._codes is None:
            return TextColumn(self._data, self._ends[:self.lines], None, None, self.lines)
        values = list(self._codes)
        data, ends = _entries([v or "" for v in values])
        codes = self._code_array[:self.lines]
        if len(values) <= 1 << 16:
            codes = codes.astype(np.uint16, copy=False)
        # The values as written are kept for exact matches (columns that never spill).
        return TextColumn(data, ends.astype(np.uint32), codes, None if self._spill else values,
                          self.lines)


def text_column(values: Iterable[str], *, capacity: int = 0, spill: bool = True,
                per_line: bool = False) -> TextColumn:
    builder = TextColumnBuilder(capacity=capacity, spill=spill, per_line=per_line)
    iterator = iter(values)
    while batch := list(islice(iterator, BATCH)):
        builder.add(batch)
    return builder.finish()


@dataclass
class LineColumns:
    """A run's lines (input order) as compact columns: what the workbench sorts and filters
    by. Text columns are keyed by their ``Col`` name: line_id, destination, licensing, eccn,
    exception, verdict."""

    rows: NDArray[np.int32]
    newly: NDArray[np.bool_]
    finding_sets: NDArray[np.int32]
    set_codes: dict[int, tuple[str, ...]]
    text: dict[str, TextColumn] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.rows)


TEXT_FIELDS = ("line_id", "destination", "licensing", "eccn", "exception", "verdict")
#: Columns the filters match exactly (by value as written): they always keep codes.
_EXACT = {"destination", "licensing", "verdict"}


def line_columns(rows: Iterable[tuple[int, str, str | None, str | None, str | None,
                                      str | None, str, bool, int]],
                 set_codes: dict[int, tuple[str, ...]], capacity: int = 0) -> LineColumns:
    """Build from (row, line_id, destination, licensing, eccn, exception, verdict, newly,
    finding_set) tuples in input order; ``capacity``: how many are expected."""
    builders = {name: TextColumnBuilder(capacity=capacity, spill=name not in _EXACT)
                for name in TEXT_FIELDS}
    numbers = np.empty(capacity, np.int32)
    newly = np.empty(capacity, bool)
    sets = np.empty(capacity, np.int32)
    lines = 0
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH)):
        row, *texts, new, fset = zip(*batch, strict=True)
        first, lines = lines, lines + len(batch)
        numbers, newly, sets = (_fit(a, lines) for a in (numbers, newly, sets))
        numbers[first:lines], newly[first:lines], sets[first:lines] = row, new, fset
        for name, values in zip(TEXT_FIELDS, texts, strict=True):
            builders[name].add(values)  # None (no value) is blank, like ""
    text = {}
    for name in TEXT_FIELDS:
        text[name] = builders.pop(name).finish()
    return LineColumns(numbers[:lines], newly[:lines], sets[:lines], set_codes, text)


def load_line_columns(session: Session, run_id: int) -> LineColumns:
    """A run's lines read straight into compact columns (no Python object per line kept)."""
    import json

    from screening.store.schema import FindingSet, RunLine

    t = RunLine.__table__
    codes = {number: tuple(f["code"] for f in json.loads(text)) for number, text in
             session.execute(select(FindingSet.set_no, FindingSet.findings_json)
                             .where(FindingSet.run_id == run_id))}
    lines = session.scalar(select(func.count()).where(t.c.run_id == run_id)) or 0
    statement = select(t.c.row, t.c.line_id, t.c.destination, t.c.licensing_destination,
                       t.c.eccn, t.c.license_exception, t.c.verdict, t.c.newly_licensable,
                       t.c.findings_set).where(t.c.run_id == run_id).order_by(t.c.row)
    with closing(row_batches(session, statement, BATCH)) as batches:
        return line_columns(chain.from_iterable(batches), codes, lines)


def raw_columns(cells: Iterable[list[str]], capacity: int = 0
                ) -> tuple[list[TextColumn], int]:
    """The input file's own columns from every line's cells (input order), and the number
    of lines (``capacity``: how many are expected). A line with fewer cells than others has
    blanks in the rest."""
    builders: list[TextColumnBuilder] = []
    lines = 0
    iterator: Iterator[list[str]] = iter(cells)
    while batch := list(islice(iterator, BATCH)):
        widths = set(map(len, batch))
        width = max(widths)
        while len(builders) < width:
            builders.append(TextColumnBuilder(lines, capacity=capacity))
        if len(widths) > 1:
            batch = [c + [""] * (width - len(c)) for c in batch]
        columns = list(zip(*batch, strict=True))
        for k, builder in enumerate(builders):
            builder.add(columns[k] if k < width else [""] * len(batch))
        lines += len(batch)
    return [b.finish() for b in builders], lines
