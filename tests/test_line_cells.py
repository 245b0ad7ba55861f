"""A run's original cells are stored a batch at a time (``run_line_cells``) and every reader
gives each line exactly its own input row back: across batch boundaries, around blank and
slow-path rows, in any order, and for runs stored before (cells on each line). A line whose
cells are stored nowhere is an error, never a blank row."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from screening.service import BATCH, ScreenOptions, run_screening
from screening.store import report_lines
from screening.store import runs as run_store
from screening.store.line_cells import IN_BATCH, CellsReader, batch_cells
from screening.store.schema import LineCells, RunLine
from tests.conftest import big_csv
from ui.models.stored_rows import read_raw_cells

LINES = BATCH * 2 + 700


def _input(path: Path) -> dict[int, list[str]]:
    """A CSV over three batches with blank rows, and rows the slow path reads (a bad date,
    a padded cell, a quote); returns each data row's cells by input row."""
    rows: dict[int, list[str]] = {}
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["Line", "Destination", "Export Date", "ECCN", "Description"])
        number = 1
        for i in range(LINES):
            number += 1
            if i % 997 == 0:  # a blank row makes no line
                out.writerow([])
                number += 1
            cells = [f"L{i}", "HK", f"2021-03-{1 + i % 28:02d}", "5A992.c" if i % 3 else "3A001",
                     f'Part "{i}", boxed' if i % 11 == 0 else f"Part {i}"]
            if i % 1201 == 0:
                cells[2] = "31/31/2021"  # not a date: the slow path reports it
            padded = i % 1303 == 0
            if padded:
                cells[4] = f"  padded {i}  "
            out.writerow(cells)
            rows[number] = [*cells[:4], f"padded {i}"] if padded else cells  # kept trimmed
    return rows


@pytest.fixture
def screened(db, tmp_path: Path) -> tuple[int, dict[int, list[str]]]:
    expected = _input(tmp_path / "in.csv")
    run = run_screening(db, tmp_path / "in.csv", ScreenOptions()).run
    assert run.line_count == LINES
    return run.id, expected


def test_every_reader_gives_each_line_its_own_cells(db, screened) -> None:
    run_id, expected = screened
    with db.sessions() as session:
        texts = set(session.scalars(select(RunLine.raw_json).where(RunLine.run_id == run_id)))
        assert texts == {IN_BATCH}  # no line carries its own copy
        records = session.scalar(select(func.count()).select_from(LineCells)
                                 .where(LineCells.run_id == run_id))
        assert records == -(-LINES // BATCH)  # one per stored batch

        lines = list(run_store.iter_lines(session, run_id, batch=777))
        assert {line.row: line.raw for line in lines} == expected
        chunked = {r.row: r.raw for r in report_lines.iter_line_records(session, run_id)}
        assert chunked == expected
        streamed = [cells for batch in read_raw_cells(session, run_id) for cells in batch]
        assert streamed == [expected[row] for row in sorted(expected)]
        rows = sorted(expected)
        for row in (rows[0], rows[BATCH - 1], rows[BATCH], rows[-1], rows[1234]):
            line = run_store.get_line(session, run_id, row)
            assert line is not None and line.raw == expected[row]
        # A block of rows across a batch boundary, as the workbench reads the rows on screen.
        low, high = rows[BATCH - 40], rows[BATCH + 40]
        assert run_store.raw_cells(session, run_id, low, high) == {
            row: cells for row, cells in expected.items() if low <= row <= high}


def test_cells_are_read_back_in_any_order(db, screened) -> None:
    run_id, expected = screened
    rows = sorted(expected)
    picks = [rows[-1], rows[3], rows[BATCH + 1], rows[2], rows[-2]]
    with db.sessions() as session:
        reader = CellsReader(session, run_id)
        assert reader.cells(picks, [IN_BATCH] * len(picks)) == [expected[r] for r in picks]
        assert reader.cells(rows, [IN_BATCH] * len(rows)) == [expected[r] for r in rows]


def _manual_run(db, batches: list[tuple[list[tuple[int, str]], bool]]) -> int:
    """A run stored batch by batch: each batch's (row, cells JSON) lines, and whether its
    cells go in a record (else each line keeps its own, as runs stored before did)."""
    with db.sessions.begin() as session:
        run_id = run_store.create_run(
            session, status="running", input_name="old.csv", input_size=1,
            input_sha256="0" * 64, app_version="t", rules_version="r",
            started_at=dt.datetime.now(dt.UTC))
    sets = [(run_id, 1, "[]")]
    for lines, in_record in batches:
        rows = [(run_id, row, f"L{row}", "HK", None, "2021-03-01", False, "EAR99", None,
                 None, None, None, None, None, None, None, None,
                 IN_BATCH if in_record else raw, "CLEAR", None, False, 1)
                for row, raw in lines]
        cells = batch_cells([row for row, _ in lines], [raw for _, raw in lines]) \
            if in_record else None
        run_store.store_batch(db, run_id, sets, (None, rows), cells)
        sets = []
    return run_id


def test_runs_stored_before_and_mixed_runs_read_back(db) -> None:
    old = [(2, '["a","1"]'), (3, '["b, \\"q\\"","2"]')]
    new = [(5, '["c","3"]'), (6, '["","4"]')]
    run_id = _manual_run(db, [(old, False), (new, True)])
    want = {row: json.loads(raw) for row, raw in old + new}
    with db.sessions() as session:
        assert {line.row: line.raw for line in run_store.iter_lines(session, run_id)} == want
        assert {r.row: r.raw for r in report_lines.iter_line_records(session, run_id)} == want
        assert [c for b in read_raw_cells(session, run_id) for c in b] == list(want.values())
        assert run_store.raw_cells(session, run_id, 3, 5) == {3: want[3], 5: want[5]}
        assert run_store.get_line(session, run_id, 6).raw == ["", "4"]  # type: ignore[union-attr]


def test_a_line_whose_cells_are_stored_nowhere_is_an_error(db) -> None:
    run_id = _manual_run(db, [([(2, '["a"]')], True)])
    with db.sessions.begin() as session:  # a line claiming a record that holds no entry
        run_store.insert_lines(session, (None, [(
            run_id, 9, "L9", "HK", None, "2021-03-01", False, "EAR99", None, None, None, None,
            None, None, None, None, None, IN_BATCH, "CLEAR", None, False, 1)]))
    with db.sessions() as session, pytest.raises(LookupError, match="input row 9 are not"):
        list(run_store.iter_lines(session, run_id))
    with db.sessions() as session, pytest.raises(LookupError, match="input row 9 are not"):
        list(report_lines.iter_line_records(session, run_id))
    with db.sessions() as session, pytest.raises(LookupError, match="input row 9 are not"):
        run_store.get_line(session, run_id, 9)


def test_a_batch_record_names_its_rows_and_cells() -> None:
    assert batch_cells([], []) is None
    first, last, text = batch_cells([4, 7], ['["x"]', '["y","z"]'])  # type: ignore[misc]
    assert (first, last) == (4, 7)
    assert json.loads(text) == {"rows": [4, 7], "cells": [["x"], ["y", "z"]]}


def test_a_row_named_by_two_records_is_an_error(db) -> None:
    """A record naming rows another already holds (the triggers refuse one added to a
    complete run; this one is added while the run is still open) is refused on reading:
    which cells would be the line's is unknown."""
    run_id = _manual_run(db, [([(2, '["a"]'), (3, '["b"]')], True)])
    with db.sessions.begin() as session:
        session.execute(LineCells.__table__.insert(), {
            "run_id": run_id, "first_row": 3, "last_row": 3,
            "cells_json": '{"rows":[3],"cells":[["FORGED"]]}'})
    with db.sessions() as session, pytest.raises(LookupError, match="input row 3 has"):
        run_store.get_line(session, run_id, 3)
    with db.sessions() as session, pytest.raises(LookupError, match="input row 3 has"):
        list(report_lines.iter_line_records(session, run_id))


def test_each_record_is_parsed_once_when_read_in_order(db, screened, monkeypatch) -> None:
    """With blank rows a batch holds fewer lines than BATCH, so a reader's chunk spans two
    records: the one already parsed is kept, not parsed again."""
    run_id, _expected = screened
    parsed: list[int] = []
    parse = CellsReader._parse

    def counting(self, first, last):  # type: ignore[no-untyped-def]
        parsed.append(first)
        return parse(self, first, last)

    monkeypatch.setattr(CellsReader, "_parse", counting)
    with db.sessions() as session:
        records = session.scalar(select(func.count()).select_from(LineCells)
                                 .where(LineCells.run_id == run_id))
        assert len(list(run_store.iter_lines(session, run_id, batch=777))) == LINES
        assert len(parsed) == len(set(parsed)) == records
        parsed.clear()
        assert len(list(report_lines.iter_line_records(session, run_id))) == LINES
        assert len(parsed) == len(set(parsed)) == records


def test_a_downgrade_gives_each_line_its_cells_back_and_an_upgrade_reads_them(
        db, screened) -> None:
    """Migration 0013 down writes each line's cells back into raw_json before it drops the
    records (else the cells of every run stored since would be lost); back up, the lines
    read as a run stored before."""
    from alembic import command

    from screening.db import alembic_config

    run_id, expected = screened
    config = alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0012")
    with db.engine.connect() as connection:
        stored = connection.execute(select(RunLine.row, RunLine.raw_json)
                                    .where(RunLine.run_id == run_id)).all()
    assert {row: json.loads(text) for row, text in stored} == expected
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    with db.sessions() as session:
        assert {line.row: line.raw for line in run_store.iter_lines(session, run_id)} \
            == expected
    # And the complete run is frozen again.
    with pytest.raises(DBAPIError, match="complete run"), db.engine.begin() as connection:
        connection.execute(RunLine.__table__.update().where(
            RunLine.run_id == run_id).values(raw_json="[]"))


def test_a_plain_file_reads_back(db, tmp_path) -> None:
    """Batches the fast reader takes whole (no blank or odd row in them), and a last batch
    with a row the slow path reads, read back line for line."""
    path = big_csv(tmp_path / "plain.csv", BATCH * 2 + 10)
    with path.open(encoding="utf-8", newline="") as handle:
        expected = {number: cells for number, cells in enumerate(csv.reader(handle), 1)
                    if number > 1}
    with path.open("a", encoding="utf-8", newline="") as handle:
        handle.write("odd,HK,not a date,5A992.c\n")
    expected[max(expected) + 1] = ["odd", "HK", "not a date", "5A992.c"]
    run_id = run_screening(db, path, ScreenOptions()).run.id
    with db.sessions() as session:
        assert {line.row: line.raw for line in run_store.iter_lines(session, run_id)} \
            == expected
        assert {r.row: r.raw for r in report_lines.iter_line_records(session, run_id)} \
            == expected
