"""Reviews, the rule change log and complete runs are immutable in the database itself:
UPDATE and DELETE fail on SQLite and PostgreSQL, whoever sends them. The changes the app
does make (archiving a run, adding reviews, finishing a run) keep working."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from screening.rules.edit import set_rule_value
from screening.service import ScreenOptions, run_screening
from screening.store import append_only
from screening.store import runs as run_store
from screening.store.reviews import Disposition, add_reviews, run_reviews
from screening.store.schema import Run
from tests.conftest import SAMPLE_XLSX


def _refused(db, sql: str, match: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DBAPIError, match=match), db.engine.begin() as conn:
        conn.execute(text(sql))


@pytest.fixture
def run_id(db) -> int:  # type: ignore[no-untyped-def]
    run = run_screening(db, SAMPLE_XLSX, ScreenOptions()).run
    with db.sessions.begin() as session:
        add_reviews(session, run.id, [12], Disposition.LICENSE_OBTAINED,
                    license_number="D765432", reviewer="bob")
    return run.id


def test_reviews_update_and_delete_refused(db, run_id) -> None:
    _refused(db, "UPDATE reviews SET license_number = 'FAKE'", "append-only")
    _refused(db, "UPDATE reviews SET reviewer = 'mallory' WHERE id = 1", "append-only")
    _refused(db, "DELETE FROM reviews", "append-only")
    if db.backend == "postgresql":
        _refused(db, "TRUNCATE reviews", "append-only")
    with db.sessions.begin() as session:  # adding reviews still works
        add_reviews(session, run_id, [12], Disposition.HOLD, reason="query", reviewer="ann")
    with db.sessions() as session:
        reviews = run_reviews(session, run_id, 12)
    assert [(r.reviewer, r.license_number, r.superseded) for r in reviews] == [
        ("bob", "D765432", True), ("ann", "", False)]


def test_rule_change_log_update_and_delete_refused(db) -> None:
    with db.sessions.begin() as session:
        set_rule_value(session, "eccns.csv", {"eccn": "3A991"}, "notes", "checked",
                       expected=_notes(session), reason="annual review",
                       citation="15 CFR 774", changed_by="ann")
    _refused(db, "UPDATE rule_changes SET reason = 'nothing to see'", "append-only")
    _refused(db, "DELETE FROM rule_changes", "append-only")
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT reason FROM rule_changes")).scalar() == "annual review"


def _notes(session) -> str:  # type: ignore[no-untyped-def]
    from screening.rules.edit import get_rule_value
    return get_rule_value(session, "eccns.csv", {"eccn": "3A991"}, "notes")


@pytest.mark.parametrize("sql", [
    "UPDATE runs SET input_sha256 = 'forged' WHERE id = {run}",
    "UPDATE runs SET counts_json = '{{}}' WHERE id = {run}",
    "UPDATE runs SET rules_version = 'other' WHERE id = {run}",
    "UPDATE runs SET line_count = 3 WHERE id = {run}",
    "UPDATE runs SET status = 'running' WHERE id = {run}",
    "UPDATE runs SET archived = NOT archived, \"user\" = 'mallory' WHERE id = {run}",
    "DELETE FROM runs WHERE id = {run}",
])
def test_complete_run_record_refused(db, run_id, sql) -> None:
    _refused(db, sql.format(run=run_id), "complete run")


@pytest.mark.parametrize("sql", [
    "UPDATE run_lines SET verdict = 'CLEAR' WHERE run_id = {run}",
    "DELETE FROM run_lines WHERE run_id = {run}",
    "UPDATE run_finding_sets SET findings_json = '[]' WHERE run_id = {run}",
    "DELETE FROM run_finding_sets WHERE run_id = {run}",
    "UPDATE run_line_cells SET cells_json = '{{}}' WHERE run_id = {run}",
    "DELETE FROM run_line_cells WHERE run_id = {run}",
    # A second record naming a stored row would change the cells that line shows.
    "INSERT INTO run_line_cells (run_id, first_row, last_row, cells_json) "
    "VALUES ({run}, 12, 12, '{{\"rows\":[12],\"cells\":[[\"FORGED\"]]}}')",
    "INSERT INTO run_finding_sets (run_id, set_no, findings_json) VALUES ({run}, 999, '[]')",
])
def test_complete_run_lines_refused(db, run_id, sql) -> None:
    # Deleting lines would hit the reviews' foreign key too; the trigger answers first.
    _refused(db, sql.format(run=run_id), "complete run")


def test_cells_records_cannot_be_truncated(db, run_id) -> None:
    """No foreign key refers to run_line_cells, so only a trigger stops a TRUNCATE
    (PostgreSQL; SQLite has none: its DELETE fires the row triggers)."""
    if db.backend != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    _refused(db, "TRUNCATE run_line_cells", "append-only")


def test_archiving_and_running_runs_still_work(db, run_id) -> None:
    with db.sessions.begin() as session:
        run_store.set_archived(session, run_id, True)
    with db.sessions.begin() as session:
        run_store.set_archived(session, run_id, False)
        assert run_store.get_run(session, run_id).archived is False
    # A run that is not complete yet is written as it goes (finish, fail, interrupted).
    with db.sessions.begin() as session:
        other = run_store.create_run(
            session, status="running", input_name="x.csv", input_size=1, input_sha256="0" * 64,
            app_version="t", rules_version="r", started_at=run_store.get_run(
                session, run_id).started_at)
        run_store.finish_run(session, other, status="failed", counts={}, line_count=0,
                             newly=0, blank_rows=0, message="disk full")
        assert run_store.get_run(session, other).status == "failed"


def test_sqlite_run_trigger_names_every_run_column(db) -> None:
    """SQLite triggers list the columns they compare: a migration that adds a column to
    runs must call append_only.install(op.get_bind()) again (see its docstring)."""
    if db.backend != "sqlite":
        pytest.skip("PostgreSQL compares whole rows")
    with db.engine.connect() as conn:
        sql = conn.execute(text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND "
                                "name = 'hk_runs_complete_no_update'")).scalar()
        triggers = set(conn.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())
    assert set(append_only._sqlite_trigger_names()) <= triggers
    for column in Run.__table__.columns:
        if column.name not in append_only.RUN_MUTABLE:
            assert f'NEW."{column.name}" IS NOT OLD."{column.name}"' in sql, (
                f"runs.{column.name} is not protected: call append_only.install() in the "
                f"migration that added it")


_ADDED_LINE = (
    "INSERT INTO run_lines (run_id, \"row\", line_id, verdict, newly_licensable, "
    "date_assumed, raw_json, findings_set) SELECT run_id, 9999, 'FORGED', 'CLEAR', {false}, "
    "{false}, '[\"FORGED\"]', findings_set FROM run_lines WHERE run_id = {run} "
    "AND verdict = 'CLEAR' LIMIT 1")


def test_a_line_added_to_a_complete_run_is_never_reported(db, run_id, tmp_path,
                                                          capsys) -> None:
    """A line inserted into a complete run is not refused by a trigger (a check per row
    costs a million-line run over a second), but the run's line and verdict counts were
    frozen when it completed: no report is made from it, and a report made before fails
    verify's stored-run check, naming the difference."""
    from screening.reports import write_report
    from screening.reports.safety import ExportError
    from screening.reports.verify import Status, verify_report

    before = tmp_path / "before.xlsx"
    write_report(db, run_id, before, generated_by="auditor")
    false = "false" if db.backend == "postgresql" else "0"
    with db.engine.begin() as conn:  # behind the app's back
        assert conn.execute(text(_ADDED_LINE.format(run=run_id, false=false))).rowcount == 1
    with db.sessions() as session:
        run = run_store.get_run(session, run_id)
        stored = run_store.stored_counts(session, run_id)
    assert run is not None and stored["CLEAR"] == run.counts["CLEAR"] + 1
    why = run_store.altered_lines(run, stored)
    assert why is not None and "holds 35 lines but was completed with 34" in why
    assert "CLEAR" in why and "changed outside hkscreen" in why
    for name in ("after.xlsx", "after.pdf", "after.csv", "after.json"):
        with pytest.raises(ExportError, match="holds 35 lines but was completed with 34"):
            write_report(db, run_id, tmp_path / name, generated_by="auditor")
        assert not (tmp_path / name).exists()
    checks = {c.name: c for c in verify_report(before, None, db).checks}
    assert checks["stored run"].status is Status.FAILED
    assert "holds 35 lines" in checks["stored run"].detail
    from screening.cli import main
    assert main(["--database-url", db.url, "runs", "show", str(run_id)]) == 0
    assert "warning: run" in capsys.readouterr().err


def test_a_complete_run_as_stored_is_not_taken_for_altered(db, run_id) -> None:
    with db.sessions() as session:
        run = run_store.get_run(session, run_id)
        stored = run_store.stored_counts(session, run_id)
    assert run is not None and sum(stored.values()) == run.line_count == 34
    assert run_store.altered_lines(run, stored) is None


@pytest.mark.parametrize("table", ["run_lines", "run_finding_sets", "runs"])
def test_runs_and_their_parts_cannot_be_truncated(db, run_id, table) -> None:
    """TRUNCATE fires no row trigger: emptied and written back, a complete run's lines
    could come back changed with the same counts (PostgreSQL)."""
    if db.backend != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    _refused(db, f"TRUNCATE {table} CASCADE", "append-only")
    with db.sessions() as session:
        assert sum(run_store.stored_counts(session, run_id).values()) == 34


def _replace_run_sql(conn) -> str:  # type: ignore[no-untyped-def]
    columns = [r[1] for r in conn.execute("PRAGMA table_info(runs)")]
    values = ", ".join("? + line_count" if c == "line_count" else f'"{c}"' for c in columns)
    return f"INSERT OR REPLACE INTO runs SELECT {values} FROM runs WHERE id = ?"


def test_sqlite_replace_of_a_complete_run_is_refused(db, run_id) -> None:
    """INSERT OR REPLACE deletes the row it replaces without firing DELETE triggers: it
    would rewrite a complete run's counts (to match a line added to it), so an insert
    naming a complete run's id is refused, from any connection (foreign keys on or off)."""
    if db.backend != "sqlite":
        pytest.skip("SQLite's REPLACE conflict resolution")
    for keys in ("ON", "OFF"):
        conn = sqlite3.connect(db.engine.url.database)
        try:
            conn.execute(f"PRAGMA foreign_keys={keys}")
            with pytest.raises(sqlite3.DatabaseError, match="complete run"):
                conn.execute(_replace_run_sql(conn), (1, run_id))
        finally:
            conn.close()
    with db.sessions() as session:
        run = run_store.get_run(session, run_id)
    assert run is not None and run.line_count == 34
    # A run that is not complete is written as before, a new run too.
    with db.sessions.begin() as session:
        other = run_store.create_run(
            session, status="running", input_name="x.csv", input_size=1, input_sha256="0" * 64,
            app_version="t", rules_version="r", started_at=run.started_at)
    assert other != run_id


def test_sqlite_replace_of_a_complete_runs_line_is_caught_by_verify(db, run_id,
                                                                    tmp_path) -> None:
    """What no trigger refuses on SQLite without a check per stored line: REPLACE of a
    complete run's line (here two lines' verdicts swapped, counts unchanged). A report made
    afterwards is signed and matches the database, but verify with the input re-screens
    it and fails on both lines."""
    if db.backend != "sqlite":
        pytest.skip("SQLite's REPLACE conflict resolution")
    from screening.reports import write_report
    from screening.reports.verify import Status, verify_report

    pick = ('SELECT id, "row", verdict, licensing_destination, findings_set FROM run_lines '
            "WHERE run_id = ? AND verdict {} 'CLEAR' ORDER BY \"row\" LIMIT 1")
    conn = sqlite3.connect(db.engine.url.database)
    try:
        flagged = conn.execute(pick.format("<>"), (run_id,)).fetchone()
        clear = conn.execute(pick.format("="), (run_id,)).fetchone()
        columns = [r[1] for r in conn.execute("PRAGMA table_info(run_lines)")]
        swapped = {"verdict": "?", "licensing_destination": "?", "findings_set": "?"}
        replace = (f"INSERT OR REPLACE INTO run_lines SELECT "
                   f"{', '.join(swapped.get(c, chr(34) + c + chr(34)) for c in columns)} "
                   f"FROM run_lines WHERE id = ?")
        order = [c for c in columns if c in swapped]
        for (line, *_), source in ((flagged, clear), (clear, flagged)):
            values = dict(zip(("verdict", "licensing_destination", "findings_set"),
                              source[2:], strict=True))
            conn.execute(replace, (*[values[c] for c in order], line))
        conn.commit()
    finally:
        conn.close()
    report = tmp_path / "after.xlsx"
    write_report(db, run_id, report, generated_by="auditor")  # the counts still match
    checks = {c.name: c for c in verify_report(report, SAMPLE_XLSX, db).checks}
    assert checks["stored run"].status is Status.PASSED  # the report is the database's
    assert checks["re-screen"].status is Status.FAILED
    assert f"row {flagged[1]}: report CLEAR" in checks["re-screen"].detail


def _triggers(db) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Trigger name: how it fires ('A' always on PostgreSQL, 'O' origin; SQLite: '')."""
    query = ("SELECT name, '' FROM sqlite_master WHERE type = 'trigger'"
             if db.backend == "sqlite" else
             "SELECT tgname, tgenabled FROM pg_trigger WHERE NOT tgisinternal")
    with db.engine.connect() as conn:
        return {name: str(how) for name, how in conn.execute(text(query))}


def _migrate(db, target: str) -> None:  # type: ignore[no-untyped-def]
    from alembic import command

    from screening.db import alembic_config

    config = alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        if target == "head":
            command.upgrade(config, target)
        else:
            command.downgrade(config, target)


def test_migration_0015_down_removes_its_guards_alone_and_up_restores_them(db,
                                                                          run_id) -> None:
    added = {"hk_runs_complete_no_replace", *append_only.REKEY_AND_REPLACE_GUARDS} \
        if db.backend == "sqlite" else {f"hk_{t}_no_truncate" for t in append_only.TRUNCATE_GUARDED}
    before = _triggers(db)
    assert added <= set(before)
    _migrate(db, "0014")  # through 0016's downgrade
    assert set(_triggers(db)) == set(before) - added
    _migrate(db, "head")
    assert _triggers(db) == before


def test_migration_0016_down_removes_its_guards_alone_and_up_restores_them(db,
                                                                          run_id) -> None:
    before = _triggers(db)
    _migrate(db, "0015")
    after = _triggers(db)
    if db.backend == "sqlite":
        assert set(after) == set(before) - set(append_only.REKEY_AND_REPLACE_GUARDS)
    else:  # the same triggers, back to firing in origin sessions only
        ours = {n for n in before if n.startswith("hk_")}
        assert ours and {before[n] for n in ours} == {"A"}
        assert {after[n] for n in ours} == {"O"} and set(after) == set(before)
    _migrate(db, "head")
    assert _triggers(db) == before


def _sqlite_connect(db, foreign_keys: str = "OFF") -> sqlite3.Connection:  # type: ignore[no-untyped-def]
    """A connection as the sqlite3 shell makes it (foreign keys off by default)."""
    conn = sqlite3.connect(db.engine.url.database)
    conn.execute(f"PRAGMA foreign_keys={foreign_keys}")
    return conn


def _replace_row_sql(conn: sqlite3.Connection, table: str, changed: dict[str, str]) -> str:
    """INSERT OR REPLACE of a row of ``table`` read back by id, some columns changed."""
    columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
    return (f"INSERT OR REPLACE INTO {table} SELECT "
            f"{', '.join(changed.get(c, chr(34) + c + chr(34)) for c in columns)} "
            f"FROM {table} WHERE id = ?")


@pytest.mark.parametrize("keys", ["ON", "OFF"])
def test_sqlite_replace_cannot_rewrite_a_review(db, run_id, keys) -> None:
    """INSERT OR REPLACE naming a review's id would delete it without firing the DELETE
    trigger: an officer's decision replaced by another, with no trace."""
    if db.backend != "sqlite":
        pytest.skip("SQLite's REPLACE conflict resolution")
    conn = _sqlite_connect(db, keys)
    try:
        review = conn.execute("SELECT id FROM reviews").fetchone()[0]
        with pytest.raises(sqlite3.DatabaseError, match="reviews is append-only"):
            conn.execute(_replace_row_sql(conn, "reviews", {"reviewer": "'mallory'",
                                                            "disposition": "'CLEAR'"}),
                         (review,))
    finally:
        conn.close()
    with db.sessions() as session:
        reviews = run_reviews(session, run_id)
    assert [(r.reviewer, r.disposition) for r in reviews] == \
        [("bob", Disposition.LICENSE_OBTAINED)]


def test_sqlite_replace_cannot_rewrite_a_signing_key_by_its_fingerprint(db, run_id,
                                                                       tmp_path) -> None:
    """signing_keys has a second unique key: REPLACE on the fingerprint (a new id) would
    delete the recorded key as surely as REPLACE on its id. The other frozen tables are
    refused on their id the same way."""
    if db.backend != "sqlite":
        pytest.skip("SQLite's REPLACE conflict resolution")
    from screening.reports import write_report

    write_report(db, run_id, tmp_path / "r.xlsx", generated_by="auditor")  # a key, a report
    with db.sessions.begin() as session:
        set_rule_value(session, "eccns.csv", {"eccn": "3A991"}, "notes", "checked",
                       expected=_notes(session), reason="annual review",
                       citation="15 CFR 774", changed_by="ann")
    conn = _sqlite_connect(db)
    try:
        for table in append_only.FROZEN_TABLES:
            rows = conn.execute(f"SELECT id FROM {table}").fetchall()
            assert rows, table
            with pytest.raises(sqlite3.DatabaseError, match=f"{table} is append-only"):
                conn.execute(_replace_row_sql(conn, table, {}), rows[0])
        by_fingerprint = _replace_row_sql(conn, "signing_keys", {"id": "NULL"})
        with pytest.raises(sqlite3.DatabaseError, match="signing_keys is append-only"):
            conn.execute(by_fingerprint, conn.execute("SELECT id FROM signing_keys").fetchone())
        assert conn.execute("SELECT count(*) FROM signing_keys").fetchone() == (1,)
    finally:
        conn.close()


def test_sqlite_update_or_replace_cannot_move_a_run_onto_a_complete_one(db, run_id) -> None:
    """UPDATE OR REPLACE of another run's id to a complete run's id would delete the complete
    run's record unseen (the UPDATE trigger looks at the other run, which is not complete);
    the same for a line moved onto a complete run's line."""
    if db.backend != "sqlite":
        pytest.skip("SQLite's REPLACE conflict resolution")
    with db.sessions.begin() as session:
        run = run_store.get_run(session, run_id)
        assert run is not None
        other = run_store.create_run(
            session, status="running", input_name="x.csv", input_size=1, input_sha256="0" * 64,
            app_version="t", rules_version="r", started_at=run.started_at)
    conn = _sqlite_connect(db)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="complete run"):
            conn.execute("UPDATE OR REPLACE runs SET id = ?, user = 'mallory' WHERE id = ?",
                         (run_id, other))
        conn.rollback()
        line = conn.execute("SELECT id FROM run_lines WHERE run_id = ? LIMIT 1",
                            (run_id,)).fetchone()[0]
        conn.execute(_replace_row_sql(conn, "run_lines", {"id": "NULL", "run_id": str(other)}),
                     (line,))  # a line of the running run, a copy of the complete run's
        copy = conn.execute("SELECT max(id) FROM run_lines").fetchone()[0]
        with pytest.raises(sqlite3.DatabaseError, match="complete run"):
            conn.execute("UPDATE OR REPLACE run_lines SET id = ?, verdict = 'CLEAR' "
                         "WHERE id = ?", (line, copy))
        conn.execute("UPDATE runs SET id = ? WHERE id = ?", (other + 100, other))  # not complete
        conn.commit()
    finally:
        conn.close()
    with db.sessions() as session:
        kept = run_store.get_run(session, run_id)
        assert kept is not None
        assert run_store.altered_lines(kept, run_store.stored_counts(session, run_id)) is None
    assert kept.user != "mallory" and kept.line_count == 34


def test_postgres_triggers_fire_under_the_replica_role(db, run_id) -> None:
    """Ordinary triggers do not fire in a session with session_replication_role = replica
    (a superuser's, or on PostgreSQL 15+ anyone granted SET on it): the guards are ENABLE
    ALWAYS, the rules revision's triggers too."""
    if db.backend == "sqlite":
        pytest.skip("PostgreSQL's session_replication_role")
    from sqlalchemy.exc import IntegrityError

    for sql in ("DELETE FROM run_lines WHERE run_id = :id",
                "UPDATE runs SET \"user\" = 'mallory' WHERE id = :id",
                "DELETE FROM reviews WHERE run_id = :id"):
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            conn.execute(text(sql), {"id": run_id})
    with db.engine.connect() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        before = conn.execute(text("SELECT token FROM rules_revision")).scalar_one()
        conn.execute(text("UPDATE rule_eccns SET eccn = eccn WHERE false"))
        after = conn.execute(text("SELECT token FROM rules_revision")).scalar_one()
        conn.rollback()
    assert before != after
