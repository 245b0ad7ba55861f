"""A batch of lines reaches the store in one of two forms (``runs.LineBatch``): whole rows,
or the columns the fast path read plus each line's outcome part. Both are stored as the
same rows and rendered as the same ``--json`` text, and a batch whose parts do not line up
is refused whole, never stored short."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

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
    if db.backend != "sqlite":
        pytest.skip("SQLite's multi-row INSERT")
    with db.sessions() as session:
        session.execute(text("CREATE TEMP TABLE t (x)"))
        with pytest.raises(ValueError, match="1 values for 2 rows"):
            run_store.insert_sqlite_values(session, "t", "x", 1, 2, iter(range(1)))


def test_a_line_with_one_value_too_many_is_not_stored(db) -> None:
    """(Review of the column path:) one value too many on a line, in its columns or its
    outcome part, or in a whole row beside a row one value short (the total then agrees),
    is refused before anything is stored, on either database."""
    run_id = _run(db)
    heads, tails = _lines(run_id, 3)
    with pytest.raises(ValueError):  # the cells column too: columns.line instead of [:-1]
        run_store.store_batch(db, run_id, _sets(run_id), ([*heads, ['["c"]'] * 3], tails))
    with pytest.raises(ValueError, match="outcome parts have"):
        run_store.store_batch(db, run_id, _sets(run_id),
                              (heads, [*tails[:2], (*tails[2], "extra")]))
    rows = run_store.batch_rows((heads, tails))
    with pytest.raises(ValueError, match="rows have"):
        run_store.store_batch(db, run_id, _sets(run_id),
                              (None, [(*rows[0], "extra"), rows[1][:-1], rows[2]]))
    assert _stored(db, run_id) == []


def test_joined_parts_that_do_not_line_up_are_refused(db) -> None:
    """A batch screened in parts: a part one outcome short and the next one outcome long
    would join into a batch whose lengths agree, a line taking another's verdict."""
    run_id = _run(db)
    heads, tails = _lines(run_id, 6)
    first = ([column[:3] for column in heads], tails[:2])
    second = ([column[3:] for column in heads], [tails[1], *tails[3:]])
    with pytest.raises(ValueError, match="a batch of 2 lines"):
        run_store.joined_batches([first, second])
    whole = run_store.joined_batches([([c[:3] for c in heads], tails[:3]),
                                      ([c[3:] for c in heads], tails[3:])])
    assert run_store.batch_rows(whole) == run_store.batch_rows((heads, tails))


def test_values_left_over_are_refused(db) -> None:
    if db.backend != "sqlite":
        pytest.skip("SQLite's multi-row INSERT")
    with db.sessions() as session:
        session.execute(text("CREATE TEMP TABLE t (x)"))
        with pytest.raises(ValueError, match="more values than 2 rows"):
            run_store.insert_sqlite_values(session, "t", "x", 1, 2, iter(range(3)))


def test_rows_of_the_wrong_width_are_refused_even_when_the_total_agrees(db) -> None:
    """A row one value short beside one a value long adds up to the right total: refused by
    the row, not stored shifted (store_batch checks first; this is the insert's own check)."""
    if db.backend != "sqlite":
        pytest.skip("SQLite's multi-row INSERT")
    with db.sessions() as session:
        session.execute(text("CREATE TEMP TABLE t (x, y)"))
        with pytest.raises(ValueError, match="row 0 has 1 values, not 2"):
            run_store.insert_sqlite_rows(session, "t", "x, y", 2, [(1,), (2, 3, 4)])
        run_store.insert_sqlite_rows(session, "t", "x, y", 2, [(1, 2), (3, 4)])
        assert session.execute(text("SELECT x, y FROM t")).all() == [(1, 2), (3, 4)]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(max_codepoint=0x130)), max_size=6))
def test_json_plain_is_true_exactly_when_json_would_escape_nothing(texts: list[str]) -> None:
    """Texts go between quotes as they are only if JSON escapes nothing in them (its
    ASCII fast pass and the regular expression agree with the encoder itself)."""
    import json

    from screening.line_json import json_plain

    assert json_plain(texts) == all(
        json.dumps(t, ensure_ascii=False)[1:-1] == t for t in texts)
    assert json_plain(["plain", "DEL \x7f é"]) and not json_plain(["a", 'q"'])
    assert not json_plain(["back\\slash"]) and not json_plain(["é\x1f"])
