"""A run's lines as the window holds them: compact columns, read straight from the database.

At a million lines, Python lists of per-line values cost the window about 390 MB and seconds
of filling. Here each column is a numpy array: input rows and finding sets as int32,
newly-licensable as bool, the columns of few distinct values (verdict, destinations, ECCN,
licence exception) as small codes into their distinct values, and line IDs as one UTF-8
buffer with offsets, decoded only for the cells painted. About 30 MB at a million lines.
No Qt: ``read_run_lines`` runs in a worker thread, reporting progress and checking for a
cancel between batches."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select
from sqlalchemy.orm import Session

from screening.model import Verdict
from screening.store.runs import LineTable
from ui.models.line_columns import Codes, _fit
from ui.models.stored_rows import row_batches

BATCH = 5000  # lines read and encoded at a time (a few milliseconds of the interpreter)


class LoadCancelled(Exception):
    """Reading a run's lines was cancelled (the window closed, or another run was opened)."""


class CodedColumn:
    """A column of few distinct values: a code per line into ``values``. Indexing gives the
    line's value, iterating every line's value in order (as a list of them would)."""

    def __init__(self, codes: NDArray, values: list[str | None]) -> None:  # type: ignore[type-arg]
        self.codes = codes
        self.values = values

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, i: int) -> str | None:
        return self.values[self.codes[i]]

    def __iter__(self) -> Iterator[str | None]:
        values = self.values
        for first in range(0, len(self.codes), BATCH):
            yield from map(values.__getitem__, self.codes[first:first + BATCH].tolist())

    def distinct(self) -> set[str | None]:
        """The values some line has."""
        used = np.bincount(self.codes, minlength=len(self.values)) if len(self.codes) \
            else np.zeros(len(self.values), np.int64)
        return {v for v, n in zip(self.values, used.tolist(), strict=True) if n}

    def count(self, value: str | None) -> int:
        if value not in self.values:
            return 0
        return int(np.count_nonzero(self.codes == self.values.index(value)))

    def lines_equal_to(self, value: str | None) -> NDArray[np.bool_]:
        if value not in self.values:
            return np.zeros(len(self.codes), bool)
        return self.codes == self.values.index(value)


class TextList:
    """Texts (one a line) as one UTF-8 buffer: line ``i`` is
    ``data[starts[i]:starts[i + 1] - 1]`` (each text is followed by a NUL)."""

    def __init__(self, data: bytes, starts: NDArray[np.int64]) -> None:
        self.data = data
        self.starts = starts

    def __len__(self) -> int:
        return len(self.starts) - 1

    def __getitem__(self, i: int) -> str:
        n = len(self.starts) - 1
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        return self.data[self.starts[i]:self.starts[i + 1] - 1].decode("utf-8", "surrogatepass")

    def __iter__(self) -> Iterator[str]:
        data = self.data
        for first in range(0, len(self), BATCH):
            bounds = self.starts[first:first + BATCH + 1].tolist()
            for s, e in pairwise(bounds):
                yield data[s:e - 1].decode("utf-8", "surrogatepass")


def _encoded(texts: Sequence[str]) -> tuple[bytes, NDArray[np.int64]]:
    """``texts`` encoded, each followed by NUL, and the length of each entry (NUL included)."""
    data = ("\x00".join(texts) + "\x00").encode("utf-8", "surrogatepass")
    ends = np.flatnonzero(np.frombuffer(data, np.uint8) == 0)
    if len(ends) == len(texts):
        return data, np.diff(ends, prepend=-1)
    parts = [t.encode("utf-8", "surrogatepass") for t in texts]  # a text holds NUL itself
    return b"\x00".join(parts) + b"\x00", np.fromiter((len(p) + 1 for p in parts), np.int64,
                                                     len(parts))


@dataclass
class RunLines:
    """A run's lines in input order (line ``i`` is input row ``rows[i]``)."""

    rows: NDArray[np.int32]
    line_ids: TextList
    verdicts: CodedColumn
    destinations: CodedColumn
    licensing: CodedColumn
    newly: NDArray[np.bool_]
    eccns: CodedColumn
    exceptions: CodedColumn
    finding_sets: NDArray[np.int32]
    set_codes: dict[int, tuple[str, ...]]

    def __len__(self) -> int:
        return len(self.rows)

    def row(self, i: int) -> int:
        """The input row of line ``i``."""
        return int(self.rows[i])

    def line_of_row(self, row: int) -> int | None:
        """The line index of input row ``row`` (rows are stored in ascending order)."""
        i = int(np.searchsorted(self.rows, row))
        return i if i < len(self.rows) and int(self.rows[i]) == row else None

    def flagged(self) -> NDArray[np.bool_]:
        """Lines whose verdict is not CLEAR."""
        return ~self.verdicts.lines_equal_to(Verdict.CLEAR.value)

    def as_table(self) -> LineTable:
        """The same lines as lists (``LineOrdering``, for runs small enough to order in the
        window)."""
        return LineTable(self.rows.tolist(), list(self.line_ids), list(self.verdicts),
                         list(self.destinations), list(self.licensing), self.newly.tolist(),
                         list(self.eccns), list(self.exceptions), self.finding_sets.tolist(),
                         self.set_codes)


def _trimmed(array: NDArray, size: int) -> NDArray:  # type: ignore[type-arg]
    """The first ``size`` items, without a copy when that is all of them."""
    return array if len(array) == size else array[:size].copy()


class RunLinesBuilder:
    """Collects (row, line_id, verdict, destination, licensing, newly, eccn, exception,
    finding_set) tuples batch by batch into ``RunLines``; ``capacity``: the lines
    expected (arrays allocated once, codes a byte a line until a column has more than 256
    distinct values: no array is built twice over)."""

    _CODED = 5  # verdict, destination, licensing, eccn, exception

    def __init__(self, capacity: int = 0) -> None:
        self.lines = 0
        self._rows = np.empty(capacity, np.int32)
        self._newly = np.empty(capacity, bool)
        self._sets = np.empty(capacity, np.int32)
        self._codes: list[NDArray] = [np.empty(capacity, np.uint8)  # type: ignore[type-arg]
                                      for _ in range(self._CODED)]
        self._distinct = [Codes() for _ in range(self._CODED)]
        self._ids: list[bytes] = []
        self._id_bytes = 0
        self._starts = np.zeros(capacity + 1, np.int64)

    def add(self, batch: Sequence[Sequence[Any]]) -> None:
        if not batch:
            return
        row, line_id, verdict, dest, lic, newly, eccn, exc, fset = zip(*batch, strict=True)
        first, last = self.lines, self.lines + len(batch)
        self._rows, self._newly, self._sets = (_fit(a, last) for a in
                                               (self._rows, self._newly, self._sets))
        self._rows[first:last], self._newly[first:last], self._sets[first:last] = \
            row, newly, fset
        for k, values in enumerate((verdict, dest, lic, eccn, exc)):
            distinct = self._distinct[k]
            codes = np.fromiter(map(distinct.__getitem__, values), np.uint32, len(values))
            held = self._codes[k]
            if len(distinct) > np.iinfo(held.dtype).max + 1:
                held = held.astype(np.uint16 if len(distinct) <= 1 << 16 else np.uint32)
            held = self._codes[k] = _fit(held, last)
            held[first:last] = codes
        if None in line_id:
            line_id = tuple(v or "" for v in line_id)
        data, lengths = _encoded(line_id)  # type: ignore[arg-type]
        self._starts = _fit(self._starts, last + 1)
        np.cumsum(lengths, out=self._starts[first + 1:last + 1])
        self._starts[first + 1:last + 1] += self._id_bytes
        self._ids.append(data)
        self._id_bytes += len(data)
        self.lines = last

    def finish(self, set_codes: dict[int, tuple[str, ...]]) -> RunLines:
        n = self.lines
        coded = [CodedColumn(_trimmed(codes, n), list(distinct))
                 for codes, distinct in zip(self._codes, self._distinct, strict=True)]
        verdicts, destinations, licensing, eccns, exceptions = coded
        ids = b"".join(self._ids)
        self._ids.clear()
        return RunLines(_trimmed(self._rows, n), TextList(ids, _trimmed(self._starts, n + 1)),
                        verdicts, destinations, licensing, _trimmed(self._newly, n), eccns,
                        exceptions, _trimmed(self._sets, n), set_codes)


def run_lines_of(table: LineTable) -> RunLines:
    """A LineTable's lines as RunLines (tests, and lines already in lists)."""
    builder = RunLinesBuilder(len(table))
    columns = (table.rows, table.line_ids, table.verdicts, table.destinations, table.licensing,
               table.newly, table.eccns, table.exceptions, table.finding_sets)
    batch = list(zip(*columns, strict=True))
    for first in range(0, len(batch), BATCH):
        builder.add(batch[first:first + BATCH])
    return builder.finish(table.set_codes)


def read_run_lines(session: Session, run_id: int, expected: int = 0, *,
                   progress: Callable[[int], None] | None = None,
                   cancelled: Callable[[], bool] | None = None) -> RunLines:
    """A run's lines read into compact columns. ``expected``: how many there are (sizes the
    arrays once); ``progress(lines read so far)`` after each batch; raises LoadCancelled as
    soon as ``cancelled()`` says so."""
    import json

    from screening.store.schema import FindingSet, RunLine

    set_codes = {number: tuple(f["code"] for f in json.loads(text)) for number, text in
                 session.execute(select(FindingSet.set_no, FindingSet.findings_json)
                                 .where(FindingSet.run_id == run_id))}
    t = RunLine.__table__
    statement = select(t.c.row, t.c.line_id, t.c.verdict, t.c.destination,
                       t.c.licensing_destination, t.c.newly_licensable, t.c.eccn,
                       t.c.license_exception, t.c.findings_set
                       ).where(t.c.run_id == run_id).order_by(t.c.row)
    builder = RunLinesBuilder(expected)
    with closing(row_batches(session, statement, BATCH)) as batches:
        for batch in batches:
            if cancelled is not None and cancelled():
                raise LoadCancelled
            builder.add(batch)
            if progress is not None:
                progress(builder.lines)
    return builder.finish(set_codes)


def empty_run_lines() -> RunLines:
    """No lines (the window before a run is open)."""
    return RunLinesBuilder().finish({})

