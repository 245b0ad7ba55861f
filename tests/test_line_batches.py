"""A batch of lines reaches the store in one of two forms (``runs.LineBatch``): whole rows,
or the columns the fast path read plus each line's outcome part. Both are stored as the
same rows and rendered as the same ``--json`` text, and a batch whose parts do not line up
is refused whole, never stored short."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from screening.line_json import LineJson
from screening.store import runs as run_store
from screening.store.line_cells import IN_BATCH, batch_cells
from screening.store.schema import RunLine

HEAD = run_store.LINE_COLUMNS.index("raw_json")  # the columns before it are the line's own


def _run(db) -> int:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as session:
        return run_store.create_run(
            session, status="running", input_name="in.csv", input_size=1,
            input_sha256="0" * 64, app_version="t", rules_version="r",
            started_at=dt.datetime.now(dt.UTC))


def _lines(run_id: int, count: int) -> tuple[list[list[object]], list[tuple[object, ...]]]:
    """``count`` lines as columns and outcome parts: line ids that need JSON escaping,
    blanks, numbers and shared outcome parts, as the fast path hands them over."""
    outcomes = [(IN_BATCH, "LICENSE_REQUIRED", "CN", True, 1),
                (IN_BATCH, "CLEAR", None, False, 2), (IN_BATCH, "REVIEW", "CN", False, 3)]
    rows = []
    for n in range(count):
        line_id = f"L-{n}" if n % 7 else f'L "{n}" \\ é'
        rows.append((run_id, n + 2, line_id, ["HK", "DE", None][n % 3],
                     "CN" if n % 5 == 0 else None, "2021-03-0" + str(1 + n % 9), n % 2 == 0,
                     "3A001" if n % 3 else None, "NLR", None, f"User {n}", None,
                     f"Consignee {n % 11}", float(n) * 1.5 if n % 4 else None, None,
                     "Part", None))
    heads = [list(column) for column in zip(*rows, strict=True)]
    return heads, [outcomes[n % 3] for n in range(count)]


def _stored(db, run_id: int) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    table = RunLine.__table__
    with db.sessions() as session:
        return [tuple(r) for r in session.execute(
            select(*[table.c[c] for c in run_store.LINE_COLUMNS if c != "run_id"])
            .where(table.c.run_id == run_id).order_by(table.c.row))]


def _sets(run_id: int) -> list[tuple[int, int, str]]:
    return [(run_id, n, f'[{{"code": "C{n}"}}]') for n in (1, 2, 3)]


@pytest.mark.parametrize("count", [1, 5000, 1489 * 3 + 17])  # past one INSERT statement
def test_columns_and_rows_store_and_render_the_same(db, count: int) -> None:
    by_columns, by_rows = _run(db), _run(db)
    heads, tails = _lines(by_columns, count)
    cells = batch_cells(heads[1], ['["a"]'] * count)  # type: ignore[arg-type]
    run_store.store_batch(db, by_columns, _sets(by_columns), (heads, tails), cells)
    heads[0] = [by_rows] * count
    rows = run_store.batch_rows((heads, tails))
    run_store.store_batch(db, by_rows, _sets(by_rows), (None, rows), cells)
    assert _stored(db, by_columns) == _stored(db, by_rows)
    assert len(_stored(db, by_columns)) == count
    as_columns = LineJson().render(_sets(1), (heads, tails))
    as_rows = LineJson().render(_sets(1), (None, rows))
    assert as_columns == as_rows and as_columns.count(b'{"row": ') == count
    assert b'"line_id": "L \\"0\\" \\\\ \xc3\xa9"' in as_columns


def test_a_batch_whose_parts_do_not_line_up_is_not_stored(db) -> None:
    run_id = _run(db)
    heads, tails = _lines(run_id, 40)
    with pytest.raises(ValueError):  # one outcome part short
        run_store.store_batch(db, run_id, _sets(run_id), (heads, tails[:-1]))
    heads[5] = heads[5][:-1]  # one column short
    with pytest.raises(ValueError):
        run_store.store_batch(db, run_id, _sets(run_id), (heads, tails))
    assert _stored(db, run_id) == []


def test_values_that_do_not_fill_the_rows_are_refused(db) -> None:
    _run(db)
    with db.sessions() as session, pytest.raises(ValueError, match="41 values for 2 rows"):
        run_store.insert_sqlite_values(session, "runs", "id", 21, 2, iter(range(41)))
