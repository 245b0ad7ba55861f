"""A run's lines read for a report: plain tuples of the columns a report states, streamed in
input order with one query, and each distinct findings list of the run read and parsed once.

``runs.iter_lines`` builds a ``StoredLine`` (a frozen dataclass, a dict of normalised values,
an enum) per line; at 100,000 lines that was a quarter of writing the XLSX report.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import NamedTuple

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from screening.model import Finding
from screening.store.schema import FindingSet

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


def finding_sets(session: Session, run_id: int) -> dict[int, tuple[Finding, ...]]:
    """Each distinct findings list of the run, by set number (lines share one tuple)."""
    return {number: tuple(Finding.from_json(f) for f in json.loads(text))
            for number, text in session.execute(
                select(FindingSet.set_no, FindingSet.findings_json)
                .where(FindingSet.run_id == run_id))}


def iter_line_records(session: Session, run_id: int) -> Iterator[LineRecord]:
    """Every line of the run in input order, streamed (a server-side cursor on PostgreSQL).
    Untyped rows: no per-row type processing; SQLite's ISO date text is parsed once per
    distinct date."""
    sets = finding_sets(session, run_id)
    connection = session.connection()
    quote = connection.dialect.identifier_preparer.quote  # "row" is reserved in PostgreSQL
    sql = text(f"SELECT {', '.join(quote(c) for c in COLUMNS)} FROM run_lines "
               f"WHERE run_id = :run_id ORDER BY {quote('row')}")
    # Options on the statement: on the connection they would stay for later queries.
    result = connection.execute(sql.execution_options(stream_results=True, yield_per=5000),
                                {"run_id": run_id})
    dates: dict[object, dt.date | None] = {None: None}
    loads = json.loads
    for r in result:
        date = r[6]
        if date.__class__ is not dt.date:
            known = dates.get(date)
            if known is None and date is not None:
                known = dates[date] = _date(date)
            date = known
        yield LineRecord(r[0], r[1], r[2], r[3], r[4], bool(r[5]), date, bool(r[7]), r[8],
                         r[9], r[10], r[11], r[12], r[13], r[14], r[15], r[16], r[17],
                         loads(r[18]), sets[r[19]])


def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
