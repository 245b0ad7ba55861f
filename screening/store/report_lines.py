"""A run's lines read for a report: the columns a report states, streamed in input order with
one query on the DBAPI connection (plain tuples, a chunk at a time), and each distinct
findings list of the run read and parsed once.

``runs.iter_lines`` builds a ``StoredLine`` (a frozen dataclass, a dict of normalised values,
an enum) per line; at 100,000 lines that was a quarter of writing the XLSX report.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from screening.model import Finding
from screening.store.line_cells import CellsReader
from screening.store.schema import FindingSet, Run

if TYPE_CHECKING:
    from screening.db import Database

#: The columns read, in the order of ``LineRecord``.
COLUMNS = ("row", "line_id", "verdict", "destination", "licensing_destination",
           "newly_licensable", "export_date", "date_assumed", "eccn", "license_exception",
           "license_number", "end_user", "end_user_type", "consignee", "value", "quantity",
           "description", "hs_code", "raw_json", "findings_set")


class LineRecord(NamedTuple):
    """One stored line as a report reads it (``raw`` is the input's cells)."""

    row: int
    line_id: str
    verdict: str
    destination: str | None
    licensing_destination: str | None
    newly_licensable: bool
    export_date: dt.date | None
    date_assumed: bool
    eccn: str | None
    license_exception: str | None
    license_number: str | None
    end_user: str | None
    end_user_type: str | None
    consignee: str | None
    value: float | None
    quantity: float | None
    description: str | None
    hs_code: str | None
    raw: list[str]
    findings: tuple[Finding, ...]


def finding_sets(session: Session, run_id: int, after: int = 0
                 ) -> dict[int, tuple[Finding, ...]]:
    """Each distinct findings list of the run (numbered above ``after``), by set number
    (lines share one tuple)."""
    return {number: tuple(Finding.from_json(f) for f in json.loads(text))
            for number, text in session.execute(
                select(FindingSet.set_no, FindingSet.findings_json)
                .where(FindingSet.run_id == run_id, FindingSet.set_no > after))}


class LineChunk(NamedTuple):
    """Consecutive lines as columns (the fields of ``LineRecord``, each a sequence with one
    value per line): a report renders a column at a time."""

    row: Sequence[int]
    line_id: Sequence[str]
    verdict: Sequence[str]
    destination: Sequence[str | None]
    licensing_destination: Sequence[str | None]
    newly_licensable: Sequence[object]  # truthy: newly licensable
    export_date: Sequence[dt.date | None]
    date_assumed: Sequence[object]  # truthy: the as-of date was assumed
    eccn: Sequence[str | None]
    license_exception: Sequence[str | None]
    license_number: Sequence[str | None]
    end_user: Sequence[str | None]
    end_user_type: Sequence[str | None]
    consignee: Sequence[str | None]
    value: Sequence[float | None]
    quantity: Sequence[float | None]
    description: Sequence[str | None]
    hs_code: Sequence[str | None]
    raw: Sequence[list[str]]
    findings: Sequence[tuple[Finding, ...]]

    @classmethod
    def of(cls, records: Sequence[LineRecord]) -> LineChunk:
        """The columns of ``records`` (at least one)."""
        return cls(*zip(*records, strict=True))

    def records(self) -> Iterator[LineRecord]:
        for values in zip(*self, strict=True):
            yield LineRecord(*values)


def iter_line_chunks(session: Session, run_id: int, size: int = 5000
                     ) -> Iterator[LineChunk]:
    """Every line of the run in input order, ``size`` lines at a time as columns, streamed
    (a server-side cursor on PostgreSQL). Read on the session's own DBAPI connection (in its
    transaction): plain tuples, no per-row type processing; each distinct date and findings
    list is parsed once, the raw cells of a chunk in one parse (store.line_cells)."""
    return _line_chunks(session, run_id, finding_sets(session, run_id), 0, size)


def follow_line_chunks(db: Database, run_id: int, poll: float = 0.05, size: int = 5000
                       ) -> Iterator[LineChunk]:
    """The lines of a run being screened, in input order as they are stored (a batch at a
    time, in input order: each read takes the rows after the last one read), until the run
    has ended and every line it stored has been read. Each read looks at the run's status
    first: once it has ended, every line it stored is committed and read next."""
    # Each statement may see later commits than the one before (autocommit reads, READ
    # COMMITTED): a line's findings set, stored with it or before, is read when a line
    # names it.
    sets = _NewSets(run_id)
    after = 0
    while True:
        with db.sessions() as session:
            status = session.scalar(select(Run.status).where(Run.id == run_id))
            if status is None:
                raise LookupError(f"no run with id {run_id}")
            sets.session = session
            read = 0
            for chunk in _line_chunks(session, run_id, sets, after, size):
                read += len(chunk.row)
                after = chunk.row[-1]
                yield chunk
        if status != "running":
            return
        if not read:
            time.sleep(poll)


class _NewSets(dict[int, tuple[Finding, ...]]):
    """The findings sets of a run being stored, read (on ``session``) as lines name them."""

    def __init__(self, run_id: int):
        super().__init__()
        self.run_id = run_id
        self.session: Session | None = None

    def __missing__(self, number: int) -> tuple[Finding, ...]:
        assert self.session is not None
        self.update(finding_sets(self.session, self.run_id, max(self, default=0)))
        if number not in self:
            raise LookupError(f"run {self.run_id}: a line names findings set {number}, "
                              f"which is not stored")
        return self[number]


class _Dates(dict[object, "dt.date | None"]):
    """A stored export date (SQLite's ISO text, or a date) as a date, parsed once."""

    def __missing__(self, value: object) -> dt.date | None:
        parsed = self[value] = None if value is None else _date(value)
        return parsed


def _line_chunks(session: Session, run_id: int, sets: dict[int, tuple[Finding, ...]],
                 after: int, size: int) -> Iterator[LineChunk]:
    """The run's lines after input row ``after``, in input order (see iter_line_chunks)."""
    connection = session.connection()
    dialect = connection.dialect
    quote = dialect.identifier_preparer.quote  # "row" is reserved in PostgreSQL
    sql = (f"SELECT {', '.join(quote(c) for c in COLUMNS)} FROM run_lines "
           f"WHERE run_id = {int(run_id)} AND {quote('row')} > {int(after)} "
           f"ORDER BY {quote('row')}")
    dbapi = connection.connection.dbapi_connection
    if dbapi is None:  # pragma: no cover - a connection always has one while in use
        raise RuntimeError("no database connection")
    server_side = dialect.name == "postgresql"
    cursor = dbapi.cursor(name="hkscreen_report_lines") if server_side else dbapi.cursor()
    try:
        cursor.execute(sql)
        dates = _Dates()
        cells = CellsReader(session, run_id)
        while part := cursor.fetchmany(size):
            columns: list[Sequence[object]] = list(zip(*part, strict=True))
            columns[6] = list(map(dates.__getitem__, columns[6]))
            columns[18] = cells.cells(columns[0], columns[18])  # type: ignore[arg-type]
            columns[19] = list(map(sets.__getitem__, columns[19]))
            yield LineChunk(*columns)
    finally:
        cursor.close()


def iter_line_records(session: Session, run_id: int) -> Iterator[LineRecord]:
    """Every line of the run in input order, one record each (see ``iter_line_chunks``)."""
    for chunk in iter_line_chunks(session, run_id):
        for values in zip(*chunk, strict=True):
            yield LineRecord(values[0], values[1], values[2], values[3], values[4],
                             bool(values[5]), values[6], bool(values[7]), *values[8:])


def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
