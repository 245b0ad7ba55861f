"""Review of migration 0016 (s10): SQLite's rowid names get around the new guards.

Defect: the re-key guards are ``BEFORE UPDATE OF id`` triggers. ``UPDATE OR REPLACE runs
SET rowid = <complete run> WHERE id = <other run>`` (or ``_rowid_``, ``oid``: the same
column, another name) does not name ``id``, so the trigger does not fire, and REPLACE
deletes the complete run's record without firing a DELETE trigger. The other run's record
now carries the complete run's id with a status that is not ``complete``: its record and
its lines are writable with plain UPDATEs (no DDL), and it can be set back to ``complete``
with any verdicts and counts, the lines' and counts' tamper checks then agreeing. The same
for a line of another run moved onto a complete run's line (``run_lines SET rowid``).

``run_finding_sets`` and ``run_line_cells`` have no INTEGER PRIMARY KEY, so a hidden rowid
is one more unique key REPLACE resolves on: ``INSERT OR REPLACE`` naming (or ``UPDATE OR
REPLACE`` moving onto) a complete run's finding set or cells record by rowid, with another
run's run_id, deletes it unseen.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from screening.service import ScreenOptions, run_screening
from screening.store import runs as run_store
from screening.store.reviews import Disposition, add_reviews
from tests.conftest import SAMPLE_XLSX


@pytest.fixture
def sqlite_run(db) -> int:  # type: ignore[no-untyped-def]
    if db.backend != "sqlite":
        pytest.skip("SQLite's REPLACE conflict resolution and rowid aliases")
    run = run_screening(db, SAMPLE_XLSX, ScreenOptions()).run
    with db.sessions.begin() as session:
        add_reviews(session, run.id, [12], Disposition.LICENSE_OBTAINED,
                    license_number="D765432", reviewer="bob")
    return run.id


def _shell(db) -> sqlite3.Connection:  # type: ignore[no-untyped-def]
    """A connection as the sqlite3 shell makes it (foreign keys off)."""
    conn = sqlite3.connect(db.engine.url.database)
    conn.execute("PRAGMA foreign_keys=OFF")
    return conn


def _other_run(conn: sqlite3.Connection, run_id: int, status: str = "failed") -> int:
    """A run that is not complete: a copy of the complete run's record, a new id."""
    columns = [r[1] for r in conn.execute("PRAGMA table_info(runs)")]
    values = ", ".join("NULL" if c == "id" else "?" if c == "status" else f'"{c}"'
                       for c in columns)
    conn.execute(f"INSERT INTO runs SELECT {values} FROM runs WHERE id = ?", (status, run_id))
    other = conn.execute("SELECT max(id) FROM runs").fetchone()[0]
    conn.execute("INSERT INTO run_finding_sets SELECT ?, set_no, findings_json "
                 "FROM run_finding_sets WHERE run_id = ?", (other, run_id))
    conn.execute("INSERT INTO run_line_cells SELECT ?, first_row + 100000, last_row + 100000, "
                 "cells_json FROM run_line_cells WHERE run_id = ?", (other, run_id))
    line_columns = [r[1] for r in conn.execute("PRAGMA table_info(run_lines)")]
    values = ", ".join("NULL" if c == "id" else "?" if c == "run_id" else f'"{c}"'
                       for c in line_columns)
    conn.execute(f"INSERT INTO run_lines SELECT {values} FROM run_lines WHERE run_id = ? "
                 "ORDER BY id LIMIT 1", (other, run_id))
    return int(other)


def _snapshot(conn: sqlite3.Connection, run_id: int) -> tuple[object, ...]:
    return (
        conn.execute("SELECT status, counts_json, line_count FROM runs WHERE id = ?",
                     (run_id,)).fetchone(),
        conn.execute("SELECT id, verdict, findings_set FROM run_lines WHERE run_id = ? "
                     "ORDER BY id", (run_id,)).fetchall(),
        conn.execute("SELECT set_no, findings_json FROM run_finding_sets WHERE run_id = ? "
                     "ORDER BY set_no", (run_id,)).fetchall(),
        conn.execute("SELECT first_row, cells_json FROM run_line_cells WHERE run_id = ? "
                     "ORDER BY first_row", (run_id,)).fetchall(),
    )


@pytest.mark.parametrize("alias", ["rowid", "_rowid_", "oid"])
def test_s10_update_or_replace_by_rowid_name_cannot_move_a_run_onto_a_complete_one(
        db, sqlite_run, alias) -> None:
    """``UPDATE OR REPLACE runs SET rowid = <complete run>`` deletes the complete run's
    record unseen: the BEFORE UPDATE OF id trigger does not fire for the alias name."""
    conn = _shell(db)
    try:
        other = _other_run(conn, sqlite_run)
        conn.commit()
        with pytest.raises(sqlite3.DatabaseError, match="complete run"):
            conn.execute(f"UPDATE OR REPLACE runs SET {alias} = ? WHERE id = ?",
                         (sqlite_run, other))
    finally:
        conn.rollback()
        conn.close()


@pytest.mark.parametrize("alias", ["rowid", "oid"])
def test_s10_update_or_replace_by_rowid_name_cannot_move_a_line_onto_a_complete_runs_line(
        db, sqlite_run, alias) -> None:
    """The same for run_lines: another run's line moved onto a complete run's line by its
    rowid name deletes that line without firing a DELETE trigger."""
    conn = _shell(db)
    try:
        other = _other_run(conn, sqlite_run)
        conn.commit()
        target = conn.execute("SELECT min(id) FROM run_lines WHERE run_id = ?",
                              (sqlite_run,)).fetchone()[0]
        mine = conn.execute("SELECT id FROM run_lines WHERE run_id = ?", (other,)).fetchone()[0]
        with pytest.raises(sqlite3.DatabaseError, match="complete run"):
            conn.execute(f"UPDATE OR REPLACE run_lines SET {alias} = ? WHERE id = ?",
                         (target, mine))
    finally:
        conn.rollback()
        conn.close()


def test_s10_a_complete_run_cannot_be_rewritten_with_dml_alone(db, sqlite_run) -> None:
    """The whole forgery, without DDL: move a failed run onto the complete run's id by
    rowid, make every line CLEAR and the counts agree while it is not complete, set it
    complete again. Each step that a trigger refuses is skipped; the complete run's record
    and lines must come out as they were. Today every step succeeds: the run is stored all
    CLEAR, its counts agree with its lines (``altered_lines`` sees nothing), and a report
    made from it is signed and passes verify's stored-run check."""
    conn = _shell(db)
    try:
        before = _snapshot(conn, sqlite_run)
        other = _other_run(conn, sqlite_run, status="running")
        conn.commit()
        steps = [
            ("UPDATE OR REPLACE runs SET rowid = ? WHERE id = ?", (sqlite_run, other)),
            ("UPDATE run_lines SET verdict = 'CLEAR' WHERE run_id = ?", (sqlite_run,)),
            ("UPDATE runs SET status = 'complete', counts_json = ? WHERE id = ?",
             (json.dumps({"CLEAR": before[0][2]}), sqlite_run)),  # type: ignore[index]
        ]
        for sql, args in steps:
            try:
                conn.execute(sql, args)
                conn.commit()
            except sqlite3.DatabaseError:
                conn.rollback()
        after = _snapshot(conn, sqlite_run)
    finally:
        conn.close()
    with db.sessions() as session:
        run = run_store.get_run(session, sqlite_run)
        assert run is not None
        tampered = run_store.altered_lines(run, run_store.stored_counts(session, sqlite_run))
    assert after == before, (
        f"complete run {sqlite_run} rewritten with DML alone (status {after[0]}); "
        f"altered_lines: {tampered}")


@pytest.mark.parametrize("table", ["run_finding_sets", "run_line_cells"])
@pytest.mark.parametrize("how", ["insert", "update"])
def test_s10_replace_by_hidden_rowid_cannot_delete_a_complete_runs_findings_or_cells(
        db, sqlite_run, table, how) -> None:
    """run_finding_sets and run_line_cells have a hidden rowid (no INTEGER PRIMARY KEY):
    REPLACE resolving on it deletes the complete run's record, though the new row names
    another run (the INSERT guard looks at NEW.run_id, the UPDATE guard at the other run)."""
    conn = _shell(db)
    try:
        other = _other_run(conn, sqlite_run)
        conn.commit()
        before = _snapshot(conn, sqlite_run)
        victim = conn.execute(f"SELECT min(rowid) FROM {table} WHERE run_id = ?",
                              (sqlite_run,)).fetchone()[0]
        if how == "insert":
            sql = (f"INSERT OR REPLACE INTO run_finding_sets (rowid, run_id, set_no, "
                   f"findings_json) VALUES (?, {other}, 9999, '[]')"
                   if table == "run_finding_sets" else
                   f"INSERT OR REPLACE INTO run_line_cells (rowid, run_id, first_row, "
                   f"last_row, cells_json) VALUES (?, {other}, 9999, 9999, '{{}}')")
            args: tuple[object, ...] = (victim,)
        else:
            mine = conn.execute(f"SELECT min(rowid) FROM {table} WHERE run_id = ?",
                                (other,)).fetchone()[0]
            sql, args = f"UPDATE OR REPLACE {table} SET rowid = ? WHERE rowid = ?", (victim,
                                                                                    mine)
        try:
            conn.execute(sql, args)
            conn.commit()
        except sqlite3.DatabaseError:
            conn.rollback()
        after = _snapshot(conn, sqlite_run)
    finally:
        conn.close()
    assert after == before, f"a complete run's {table} record was deleted by REPLACE"
