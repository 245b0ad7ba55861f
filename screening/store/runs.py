"""Recording runs and line results (SQLAlchemy Core in batches), and reading them back."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from itertools import chain, islice
from operator import add
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from screening.column_letters import column_letter
from screening.engine import CLEAR_ON_UNVERIFIED
from screening.model import Finding, Screening, ShipmentLine, Verdict
from screening.store.line_cells import CellsReader
from screening.store.parties import party_check_of_run
from screening.store.schema import FindingSet, LineCells, Run, RunLine

if TYPE_CHECKING:
    from screening.db import Database


def create_run(session: Session, **fields: Any) -> int:
    run = Run(**fields)
    session.add(run)
    session.flush()
    return run.id


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


#: Column order of ``line_row`` tuples (everything but the surrogate id): what the line
#: itself holds first, then what its screening adds, so a row can be built as the line's
#: part plus its outcome's part (row_screen does).
LINE_COLUMNS: tuple[str, ...] = (
    "run_id", "row", "line_id", "destination", "ultimate_destination", "export_date",
    "date_assumed", "eccn", "license_exception", "license_number", "end_user",
    "end_user_type", "consignee", "value", "quantity", "description", "hs_code", "raw_json",
    "verdict", "licensing_destination", "newly_licensable", "findings_set")
assert set(LINE_COLUMNS) == {c.name for c in RunLine.__table__.columns} - {"id"}


def line_row(run_id: int, line: ShipmentLine, result: Screening, findings_set: int,
             dates_as_text: bool) -> tuple[Any, ...]:
    """One run_lines row as a tuple in LINE_COLUMNS order (cheap to build a million of)."""
    eut = line.end_user_type
    date = line.export_date
    return (
        run_id, line.row, line.line_id, line.destination, line.ultimate_destination,
        date.isoformat() if dates_as_text and date is not None else date, line.date_assumed,
        line.eccn.text if line.eccn else None, line.license_exception, line.license_number,
        line.end_user, eut.value if eut else None, line.consignee, line.value, line.quantity,
        line.description, line.hs_code, _encode(line.raw),
        result.verdict.value, result.licensing_destination, result.newly_licensable,
        findings_set,
    )


class FindingSets:
    """Numbers each distinct findings list of a run once; new ones are stored with the next
    batch of lines."""

    def __init__(self, run_id: int):
        self.run_id = run_id
        self._numbers: dict[tuple[Finding, ...], tuple[int, str]] = {}
        self._pending: list[tuple[int, int, str]] = []  # run_id, set_no, findings_json
        self._by_id: dict[int, tuple[tuple[Finding, ...], tuple[int, str]]] = {}
        #: Each distinct finding's JSON: sets share most of their findings (a licence
        #: number cited makes a set of its own that differs from others in one finding).
        self._texts: dict[Finding, str] = {}

    def number(self, findings: tuple[Finding, ...]) -> tuple[int, str]:
        """(set number, findings JSON) for ``findings``."""
        # The engine memo hands out the same tuple object for equal results: look it up by
        # identity first (the entry keeps it alive, so the id cannot be reused meanwhile).
        by_id = self._by_id.get(id(findings))
        if by_id is not None and by_id[0] is findings:
            return by_id[1]
        hit = self._numbers.get(findings)
        if hit is None:
            # As _encode of the list of the findings' JSON: items joined by its separator.
            text = f"[{','.join(map(self._text, findings))}]"
            hit = (len(self._numbers) + 1, text)
            self._numbers[findings] = hit
            self._pending.append((self.run_id, hit[0], text))
        if len(self._by_id) < 100_000:
            self._by_id[id(findings)] = (findings, hit)
        return hit

    def _text(self, finding: Finding) -> str:
        text = self._texts.get(finding)
        if text is None:
            if len(self._texts) >= 100_000:
                self._texts.clear()
            text = self._texts[finding] = _encode(finding.to_json())
        return text

    def take_pending(self) -> list[tuple[int, int, str]]:
        """The sets numbered since the last call, to store with the lines using them:
        (run_id, set_no, findings_json)."""
        pending, self._pending = self._pending, []
        return pending



#: A batch's lines as screened: ``(None, rows)``, or ``(heads, tails)`` for lines the fast
#: path read column by column: the columns of their rows up to raw_json, and each row's
#: rest (its outcome's part, a tuple the outcome's lines share). Whoever stores the batch
#: zips them into rows (``batch_rows``): off the screening thread, which is a run's limit.
LineBatch = tuple[list[list[Any]] | None, list[tuple[Any, ...]]]
#: The columns of a LineBatch's heads: LINE_COLUMNS up to raw_json.
HEAD_WIDTH = LINE_COLUMNS.index("raw_json")


def batch_rows(lines: LineBatch) -> list[tuple[Any, ...]]:
    """The run_lines rows of a batch (LINE_COLUMNS order)."""
    heads, tails = lines
    if heads is None:
        return tails
    return list(map(add, zip(*heads, strict=True), tails))


def batch_numbers(lines: LineBatch) -> list[int]:
    """The input rows of a batch's lines."""
    heads, tails = lines
    return list(heads[1]) if heads is not None else [row[1] for row in tails]


def check_aligned(lines: LineBatch) -> None:
    """Refuse (ValueError) a batch whose parts do not line up: a column or outcome part of
    another length, a row or part of another width. Stored or joined, its values would land
    in other lines or columns."""
    heads, tails = lines
    width = len(LINE_COLUMNS)
    if heads is not None:
        if len(heads) != HEAD_WIDTH or any(len(column) != len(tails) for column in heads):
            raise ValueError(f"a batch of {len(tails)} lines with {len(heads)} columns of "
                             f"{sorted({len(column) for column in heads})} values")
        width -= HEAD_WIDTH
    if tails and set(map(len, tails)) != {width}:
        raise ValueError(f"a batch's {'outcome parts' if heads is not None else 'rows'} have "
                         f"{sorted(set(map(len, tails)))} values, not {width}")


def joined_batches(parts: list[LineBatch]) -> LineBatch:
    """Consecutive batches as one (each must line up: see ``check_aligned``)."""
    for part in parts:
        check_aligned(part)
    if len(parts) == 1:
        return parts[0]
    if all(heads is not None for heads, _tails in parts):
        heads = [list(chain.from_iterable(column)) for column in zip(
            *(heads for heads, _tails in parts), strict=True)]
        return heads, list(chain.from_iterable(tails for _heads, tails in parts))
    return None, list(chain.from_iterable(map(batch_rows, parts)))


def store_batch(db: Database, run_id: int, sets: list[tuple[int, int, str]],
                lines: LineBatch, cells: tuple[int, int, str] | None = None) -> None:
    """One batch of a run in one transaction: its new findings sets (run_id, set_no,
    findings_json), its lines (``LineBatch``), the record of their cells
    (``line_cells.batch_cells``, for lines stored with raw_json "") and the run's
    heartbeat."""
    with db.sessions.begin() as session:
        if sets and db.backend == "sqlite":  # see insert_sqlite_rows
            insert_sqlite_rows(session, "run_finding_sets", "run_id, set_no, findings_json",
                               3, sets)
        elif sets:
            session.execute(FindingSet.__table__.insert(), [
                {"run_id": r, "set_no": n, "findings_json": f} for r, n, f in sets])
        if cells is not None:
            first, last, text = cells
            session.execute(LineCells.__table__.insert(), {
                "run_id": run_id, "first_row": first, "last_row": last, "cells_json": text})
        insert_lines(session, lines)
        heartbeat(session, run_id)


def insert_lines(session: Session, lines: LineBatch) -> None:
    """Driver-level executemany of plain tuples: ORM objects per line are 13x slower, and
    even Core's per-row parameter processing is a third of the cost at a million lines."""
    check_aligned(lines)
    heads, tails = lines
    if not tails:
        return
    connection = session.connection()
    if heads is not None and connection.dialect.name == "sqlite":
        # Bound straight from the columns and each line's outcome part, in LINE_COLUMNS
        # order, without making each line's row first (0.3 s of a million lines).
        values = chain.from_iterable(chain.from_iterable(
            zip(zip(*heads, strict=True), tails, strict=True)))
        insert_sqlite_values(session, "run_lines", _quoted_columns(connection),
                             len(LINE_COLUMNS), len(tails), values)
        return
    rows = batch_rows(lines)
    columns = _quoted_columns(connection)
    if connection.dialect.driver == "psycopg":  # COPY: several times faster than INSERTs
        raw = connection.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(  # type: ignore[union-attr]
                f"COPY run_lines ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marker = {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(connection.dialect.paramstyle)
    if marker is None:  # an unusual driver: let SQLAlchemy do the binding
        session.execute(RunLine.__table__.insert(),
                        [dict(zip(LINE_COLUMNS, row, strict=True)) for row in rows])
        return
    if connection.dialect.name == "sqlite":
        insert_sqlite_rows(session, "run_lines", columns, len(LINE_COLUMNS), rows)
        return
    one = f"({', '.join([marker] * len(LINE_COLUMNS))})"
    connection.exec_driver_sql(f"INSERT INTO run_lines ({columns}) VALUES {one}", rows)


def _quoted_columns(connection: Connection) -> str:
    quote = connection.dialect.identifier_preparer.quote  # "row" is reserved in PostgreSQL
    return ", ".join(quote(c) for c in LINE_COLUMNS)


def insert_sqlite_rows(session: Session, table: str, columns: str, width: int,
                       rows: list[tuple[Any, ...]]) -> None:
    """``insert_sqlite_values`` of rows, each ``width`` wide (a short row and a long one
    would otherwise add up to the right count of values, stored shifted)."""
    if any(len(row) != width for row in rows):
        wrong = next(i for i, row in enumerate(rows) if len(row) != width)
        raise ValueError(f"{table}: row {wrong} has {len(rows[wrong])} values, not {width}")
    insert_sqlite_values(session, table, columns, width, len(rows),
                         chain.from_iterable(rows))


def insert_sqlite_values(session: Session, table: str, columns: str, width: int, count: int,
                         values: Iterator[Any]) -> None:
    """``count`` rows of ``width`` ``values`` (one row's after another), many rows per
    INSERT statement: the driver binds them in one call and SQLite inserts them in one step
    without the interpreter lock. An executemany gives the lock up and takes it back for
    every row, and beside the busy screening thread each take-back waits for a thread
    switch (200k rows: 1 s alone, over 250 s beside a busy Python thread)."""
    connection = session.connection()
    one = f"({', '.join(['?'] * width)})"
    most = _SQLITE_VARIABLES // width
    # Statements of equal size: a batch's statements are then one text, compiled once and
    # reused from the driver's statement cache (a short last one was compiled every batch).
    per = -(-count // -(-count // most)) if count else most
    for start in range(0, count, per):
        size = min(per, count - start)
        part = tuple(islice(values, size * width))
        if len(part) != size * width:
            raise ValueError(f"{table}: {len(part)} values for {size} rows of {width}")
        connection.exec_driver_sql(
            f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * size)}", part)
    if next(values, _END) is not _END:  # the caller's transaction then stores none of them
        raise ValueError(f"{table}: more values than {count} rows of {width}")


_END = object()


#: Bound variables one SQLite statement may take (SQLITE_MAX_VARIABLE_NUMBER: 999 before
#: SQLite 3.32, 32766 since).
_SQLITE_VARIABLES = 32766 if sqlite3.sqlite_version_info >= (3, 32) else 999


#: The states a run ends in; "running" is the only other one, while its process lives.
FINAL_STATES = ("complete", "failed", "cancelled", "interrupted")
#: A run on another machine that has not written for this long is taken as interrupted.
STALE_AFTER = dt.timedelta(minutes=15)


def heartbeat(session: Session, run_id: int) -> None:
    session.execute(update(Run).where(Run.id == run_id).values(
        heartbeat_at=dt.datetime.now(dt.UTC)))


def finish_run(session: Session, run_id: int, *, status: str, counts: dict[str, int],
               line_count: int, newly: int, blank_rows: int, message: str = "",
               headers_json: str | None = None, party_check_json: str | None = None) -> bool:
    """Record how the run ended; False if it had already been declared interrupted (its
    heartbeat went stale), which this never overwrites. ``headers_json``: the input's
    columns, when rows turned out wider than its header row; ``party_check_json``: the
    party-screening statement, when the lines showed it was not what it said at the start."""
    wider = {"headers_json": headers_json} if headers_json is not None else {}
    if party_check_json is not None:
        wider["party_check_json"] = party_check_json
    result = session.execute(update(Run).where(
        Run.id == run_id, Run.status == "running").values(
        status=status, finished_at=dt.datetime.now(dt.UTC), counts_json=json.dumps(counts),
        line_count=line_count, newly_licensable=newly, blank_rows=blank_rows, message=message,
        **wider))
    return bool(result.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class DeadRun:
    id: int
    pid: int | None
    host: str


def mark_dead_runs(session: Session, host: str, alive: Callable[[int], bool],
                   now: dt.datetime | None = None) -> list[DeadRun]:
    """Mark "running" runs whose writer is gone as interrupted: on this host, its process no
    longer exists; elsewhere (or with no pid recorded), no heartbeat for STALE_AFTER."""
    now = now or dt.datetime.now(dt.UTC)
    dead = []
    for run in session.scalars(select(Run).where(Run.status == "running")):
        last = run.heartbeat_at or run.started_at
        if last.tzinfo is None:  # SQLite hands back naive UTC
            last = last.replace(tzinfo=dt.UTC)
        if run.host == host and run.pid is not None:
            gone = not alive(run.pid)
        else:
            gone = now - last > STALE_AFTER
        if gone:
            dead.append(DeadRun(run.id, run.pid, run.host))
    for run in dead:
        counts = {v.value: 0 for v in Verdict}
        for verdict, number in session.execute(
                select(RunLine.verdict, func.count()).where(RunLine.run_id == run.id)
                .group_by(RunLine.verdict)):
            counts[verdict] = number
        why = (f"interrupted: the process writing it (pid {run.pid} on {run.host}) ended "
               f"without finishing; found by the next start" if run.pid is not None else
               f"interrupted: no sign of life for {STALE_AFTER}; found by the next start")
        session.execute(update(Run).where(Run.id == run.id, Run.status == "running").values(
            status="interrupted", finished_at=now, message=why,
            line_count=sum(counts.values()), counts_json=json.dumps(counts)))
    return dead


@dataclass(frozen=True)
class RunInfo:
    """A run as the CLI, GUI and reports see it (no live ORM objects outside the store)."""

    id: int
    status: str
    input_name: str
    input_size: int
    input_sha256: str
    input_copy: str
    sheet: str
    header_row: int | None
    mapping: dict[str, str]
    headers: list[str]
    mapping_profile: str
    date_order: str
    as_of: dt.date | None
    app_version: str
    rules_version: str
    user: str
    host: str
    database: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    line_count: int
    blank_rows: int
    counts: dict[str, int]
    newly_licensable: int
    message: str
    archived: bool = False
    #: Restricted-party screening: performed or not, lists used (name, date, SHA-256,
    #: entries, age), thresholds, list-age limit and warnings (see store.parties).
    party_check: dict[str, Any] = field(default_factory=dict)
    #: CLEAR lines whose determination rests on rule data not fully verified.
    clear_on_unverified: int = 0

    @property
    def party_warnings(self) -> list[str]:
        return list(self.party_check.get("warnings") or [])

    @property
    def unmapped_columns(self) -> list[str]:
        """The input's columns mapped to no field: not read, so not screened. A column with
        no header between headed ones is named by its letter ("column G (no header)")."""
        # (Party columns under another name beside one read are screened as parties.)
        used = set(self.mapping.values()) | set(self.party_check.get("other_party_columns")
                                                or ())
        last = max((i for i, h in enumerate(self.headers) if h), default=-1)
        return [h if h else f"column {column_letter(i)} (no header)"
                for i, h in enumerate(self.headers[:last + 1]) if h not in used]

    def unmapped_text(self, limit: int | None = None) -> str:
        """The columns not read, quoted: the first ``limit`` and how many more."""
        shown = self.unmapped_columns[:limit]
        more = len(self.unmapped_columns) - len(shown)
        return ", ".join(map(repr, shown)) + (f" and {more} more" if more else "")

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "input": {"name": self.input_name, "sha256": self.input_sha256,
                      "size": self.input_size, "sheet": self.sheet},
            "rules_version": self.rules_version,
            "app_version": self.app_version,
            "started_at": _iso(self.started_at),
            "finished_at": _iso(self.finished_at) if self.finished_at else None,
            "counts": self.counts,
            "newly_licensable": self.newly_licensable,
            "clear_on_unverified_data": self.clear_on_unverified,
            "line_count": self.line_count,
            "blank_rows_skipped": self.blank_rows,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "header_row": self.header_row,
            "mapping": self.mapping,
            "unmapped_columns": self.unmapped_columns,
            "mapping_profile": self.mapping_profile or None,
            "date_order": self.date_order or None,
            "user": self.user,
            "host": self.host,
            "party_screening": self.party_check,
        }


def _iso(value: dt.datetime) -> str:
    if value.tzinfo is None:  # SQLite hands back naive datetimes; they were stored as UTC
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat(timespec="seconds")


def _info(run: Run) -> RunInfo:
    return RunInfo(
        run.id, run.status, run.input_name, run.input_size, run.input_sha256, run.input_copy,
        run.sheet, run.header_row, json.loads(run.mapping_json), json.loads(run.headers_json),
        run.mapping_profile, run.date_order, run.as_of, run.app_version, run.rules_version,
        run.user, run.host, run.database, run.started_at, run.finished_at, run.line_count,
        run.blank_rows, json.loads(run.counts_json), run.newly_licensable, run.message,
        bool(run.archived), party_check_of_run(run.party_lists_json, run.party_check_json))


def get_run(session: Session, run_id: int, *,
            clear_on_unverified: int | None = None) -> RunInfo | None:
    """The run; ``clear_on_unverified``: its count when the caller counted the lines as they
    were stored (a run just screened), else it is read from the stored lines."""
    run = session.get(Run, run_id)
    if run is None:
        return None
    if clear_on_unverified is None:
        clear_on_unverified = count_clear_on_unverified(session, run_id)
    return replace(_info(run), clear_on_unverified=clear_on_unverified)


def stored_counts(session: Session, run_id: int) -> dict[str, int]:
    """The lines a run holds in the database, per verdict (only verdicts it has)."""
    t = RunLine.__table__
    return {verdict: count for verdict, count in session.execute(
        select(t.c.verdict, func.count()).where(t.c.run_id == run_id)
        .group_by(t.c.verdict))}


def altered_lines(run: RunInfo, stored: dict[str, int]) -> str | None:
    """Why the lines a complete run holds (``stored_counts``) are not the lines it was
    completed with, or None if they are. Its record is frozen (append-only triggers) but a
    line added to it is not refused (see store.append_only): its count and verdict counts,
    recorded when it completed, say so here."""
    if run.status != "complete":
        return None
    recorded = {verdict: count for verdict, count in run.counts.items() if count}
    if stored == recorded and sum(stored.values()) == run.line_count:
        return None
    differing = ", ".join(
        f"{verdict} {stored.get(verdict, 0):,} stored, {recorded.get(verdict, 0):,} recorded"
        for verdict in sorted(set(stored) | set(recorded))
        if stored.get(verdict, 0) != recorded.get(verdict, 0))
    return (f"run {run.id} holds {sum(stored.values()):,} lines but was completed with "
            f"{run.line_count:,} ({differing or 'the counts by verdict differ'}): its lines "
            f"were changed outside hkscreen after it completed")


def count_clear_on_unverified(session: Session, run_id: int) -> int:
    """How many CLEAR lines of a run rest on PARTIAL/INFERRED/UNVERIFIED rule data (read
    from the stored findings, so earlier runs are counted the same way)."""
    # The set numbers first, as a list: as a subquery, PostgreSQL planned it as a nested
    # loop over a million freshly inserted lines (no statistics yet) and took minutes.
    sets = list(session.scalars(select(FindingSet.set_no).where(
        FindingSet.run_id == run_id,
        FindingSet.findings_json.contains(f'"{CLEAR_ON_UNVERIFIED}"'))))
    if not sets:
        return 0
    return session.scalar(select(func.count()).select_from(RunLine).where(
        RunLine.run_id == run_id, RunLine.verdict == "CLEAR",
        RunLine.findings_set.in_(sets))) or 0


def list_runs(session: Session, limit: int = 100, *,
              include_archived: bool = False) -> list[RunInfo]:
    query = select(Run).order_by(Run.id.desc()).limit(limit)
    if not include_archived:
        query = query.where(Run.archived.is_(False))
    return [_info(r) for r in session.scalars(query)]


def set_archived(session: Session, run_id: int, archived: bool) -> None:
    session.execute(update(Run).where(Run.id == run_id).values(archived=archived))


@dataclass(frozen=True)
class StoredLine:
    row: int
    line_id: str
    verdict: Verdict
    destination: str | None
    licensing_destination: str | None
    newly_licensable: bool
    eccn: str | None
    license_exception: str | None
    export_date: dt.date | None
    raw: list[str]
    normalized: dict[str, Any]
    findings: tuple[Finding, ...]

    def to_json(self) -> dict[str, Any]:
        """The same line shape as ``hkscreen screen --json``."""
        return Screening(self.row, self.line_id, self.verdict, self.destination,
                         self.licensing_destination, self.newly_licensable,
                         self.findings).to_json()


def _normalized(r: Any) -> dict[str, Any]:
    return {
        "destination": r.destination, "ultimate_destination": r.ultimate_destination,
        "export_date": r.export_date.isoformat() if r.export_date else None,
        "date_assumed": r.date_assumed, "eccn": r.eccn, "license_exception": r.license_exception,
        "license_number": r.license_number, "end_user": r.end_user,
        "end_user_type": r.end_user_type, "consignee": r.consignee, "value": r.value,
        "quantity": r.quantity, "description": r.description, "hs_code": r.hs_code,
    }


def iter_lines(session: Session, run_id: int, batch: int = 5000) -> Iterator[StoredLine]:
    """Every line of a run in input order, streamed."""
    sets: dict[int, tuple[Finding, ...]] = {}
    for number, text in session.execute(
            select(FindingSet.set_no, FindingSet.findings_json)
            .where(FindingSet.run_id == run_id)):
        sets[number] = tuple(Finding.from_json(f) for f in json.loads(text))
    last_row = -1
    table = RunLine.__table__
    columns = [table.c[name] for name in LINE_COLUMNS]
    verdicts = {v.value: v for v in Verdict}
    reader = CellsReader(session, run_id)
    while True:  # Core rows, keyset-paginated: ORM objects would cost more than the report
        rows = session.execute(
            select(*columns).where(table.c.run_id == run_id, table.c.row > last_row)
            .order_by(table.c.row).limit(batch)).all()
        if not rows:
            return
        cells = reader.cells([r.row for r in rows], [r.raw_json for r in rows])
        for r, raw in zip(rows, cells, strict=True):
            yield StoredLine(
                r.row, r.line_id, verdicts[r.verdict], r.destination, r.licensing_destination,
                r.newly_licensable, r.eccn, r.license_exception, r.export_date,
                raw, _normalized(r), sets[r.findings_set])
        last_row = rows[-1].row



@dataclass(frozen=True)
class LineTable:
    """A run's lines as parallel columns, compact enough to hold a million lines in a table
    model (one Python tuple per line would not be)."""

    rows: list[int]
    line_ids: list[str]
    verdicts: list[str]
    destinations: list[str | None]
    licensing: list[str | None]
    newly: list[bool]
    eccns: list[str | None]
    exceptions: list[str | None]
    finding_sets: list[int]
    set_codes: dict[int, tuple[str, ...]]

    def __len__(self) -> int:
        return len(self.rows)


def load_line_table(session: Session, run_id: int) -> LineTable:
    t = RunLine.__table__
    codes: dict[int, tuple[str, ...]] = {}
    for number, text in session.execute(
            select(FindingSet.set_no, FindingSet.findings_json)
            .where(FindingSet.run_id == run_id)):
        codes[number] = tuple(f["code"] for f in json.loads(text))
    intern: dict[str | None, str | None] = {}

    def shared(value: str | None) -> str | None:  # one object per distinct short value
        return intern.setdefault(value, value)

    table = LineTable([], [], [], [], [], [], [], [], [], codes)
    result = session.execute(
        select(t.c.row, t.c.line_id, t.c.verdict, t.c.destination, t.c.licensing_destination,
               t.c.newly_licensable, t.c.eccn, t.c.license_exception, t.c.findings_set)
        .where(t.c.run_id == run_id).order_by(t.c.row)).yield_per(2_000)
    for r in result:
        table.rows.append(r[0])
        table.line_ids.append(r[1])
        table.verdicts.append(shared(r[2]))  # type: ignore[arg-type]
        table.destinations.append(shared(r[3]))
        table.licensing.append(shared(r[4]))
        table.newly.append(bool(r[5]))
        table.eccns.append(shared(r[6]))
        table.exceptions.append(shared(r[7]))
        table.finding_sets.append(r[8])
    return table


def get_line(session: Session, run_id: int, row: int) -> StoredLine | None:
    t = RunLine.__table__
    r = session.execute(select(*[t.c[n] for n in LINE_COLUMNS])
                        .where(t.c.run_id == run_id, t.c.row == row)).first()
    if r is None:
        return None
    text = session.scalar(select(FindingSet.findings_json).where(
        FindingSet.run_id == run_id, FindingSet.set_no == r.findings_set))
    findings = tuple(Finding.from_json(f) for f in json.loads(text or "[]"))
    return StoredLine(r.row, r.line_id, Verdict(r.verdict), r.destination,
                      r.licensing_destination, r.newly_licensable, r.eccn, r.license_exception,
                      r.export_date, CellsReader(session, run_id).cells([r.row], [r.raw_json])[0],
                      _normalized(r), findings)


@dataclass(frozen=True)
class FlaggedLine:
    """What a summary shows of a line that is not CLEAR."""

    row: int
    line_id: str
    verdict: Verdict
    destination: str | None
    licensing_destination: str | None
    findings: tuple[Finding, ...]


def flagged_lines(session: Session, run_id: int, limit: int) -> list[FlaggedLine]:
    """The first ``limit`` lines of a run (in input order) whose verdict is not CLEAR,
    reading only those lines and their findings sets: a summary after a million-line run
    must not read the run."""
    t = RunLine.__table__
    found = session.execute(
        select(t.c.row, t.c.line_id, t.c.verdict, t.c.destination, t.c.licensing_destination,
               t.c.findings_set)
        .where(t.c.run_id == run_id, t.c.verdict != Verdict.CLEAR.value)
        .order_by(t.c.row).limit(limit)).all()
    numbers = sorted({r.findings_set for r in found})
    sets = {number: tuple(Finding.from_json(f) for f in json.loads(text))
            for number, text in session.execute(
                select(FindingSet.set_no, FindingSet.findings_json).where(
                    FindingSet.run_id == run_id, FindingSet.set_no.in_(numbers)))} \
        if numbers else {}
    return [FlaggedLine(r.row, r.line_id, Verdict(r.verdict), r.destination,
                        r.licensing_destination, sets[r.findings_set]) for r in found]


def raw_cells(session: Session, run_id: int, first_row: int, last_row: int
              ) -> dict[int, list[str]]:
    """The original cells of the lines with input rows ``first_row..last_row`` (the workbench
    reads them a block at a time, for the rows on screen)."""
    t = RunLine.__table__
    lines = session.execute(select(t.c.row, t.c.raw_json).where(
        t.c.run_id == run_id, t.c.row.between(first_row, last_row)).order_by(t.c.row)).all()
    if not lines:
        return {}
    rows = [row for row, _text in lines]
    return dict(zip(rows, CellsReader(session, run_id).cells(
        rows, [text for _row, text in lines]), strict=True))


def iter_raw_cells(session: Session, run_id: int) -> Iterator[list[str]]:
    """Every line's original cells, in input order, streamed (sorting and searching the
    input file's own columns). One streamed query: paging by row took 3.3 s instead of
    2.5 s for a million lines."""
    t = RunLine.__table__
    reader = CellsReader(session, run_id)
    for part in session.execute(select(t.c.row, t.c.raw_json).where(t.c.run_id == run_id)
                                .order_by(t.c.row)).yield_per(5000).partitions():
        yield from reader.cells([row for row, _text in part], [text for _row, text in part])
