"""Append-only records enforced by the database itself (triggers), not only by the code.

- ``reviews``, ``rule_changes``, ``signing_keys`` and ``issued_reports``: no UPDATE, no
  DELETE (and no TRUNCATE on PostgreSQL).
- ``runs``: once a run is ``complete`` its record cannot be deleted and no column but
  ``archived`` can change (archiving hides a run from the default list; it is the one later
  change the app makes). A run that is still running (or ended otherwise) stays writable, so
  the code that finishes, fails or marks it interrupted keeps working.
- ``run_lines``, ``run_finding_sets`` and ``run_line_cells`` of a complete run: no UPDATE,
  no DELETE; and no INSERT into the last two (a second cells record naming a line's row
  would replace the cells it shows). ``run_lines`` has no INSERT trigger: a check per row
  costs a million-line run over a second. A line added to a complete run is caught by the
  run's line and verdict counts, frozen when it completed (``runs.altered_lines``): no
  report is made from the run, and verify's stored-run check fails.
- No TRUNCATE of runs, their lines, sets or cells (PostgreSQL).
- SQLite's REPLACE conflict resolution deletes the row it replaces without firing DELETE
  triggers: ``INSERT OR REPLACE`` naming an existing key of the append-only tables (their id,
  or a signing key's fingerprint) or a complete run's id is refused, and so is ``UPDATE OR
  REPLACE`` moving a run or a line onto a complete run's id (by any name of the rowid), or
  a findings set or cells record onto a complete run's row by its hidden rowid.
- PostgreSQL: every trigger is ``ENABLE ALWAYS``, so it fires in a session with
  ``session_replication_role = replica`` too (ordinary triggers do not fire there).

What triggers cannot stop: on SQLite, ``INSERT OR REPLACE`` of a complete run's *line*
(refusing it needs the per-row INSERT trigger above), and anyone who can write the database
file, or owns the PostgreSQL tables, can drop the triggers themselves. Against that the
report is the record: signed, recorded as issued, and ``hkscreen verify`` with the input file
re-screens it and compares every line's verdict, findings and original cells.

``install`` is idempotent (drops, then creates), and skips a table an older revision does
not have yet (migrations call it on the way up and down). On SQLite the ``runs`` trigger names every
column but ``archived`` (SQLite has no generic row comparison): a migration that adds a
column to ``runs``, or rebuilds one of these tables (batch mode drops triggers), must call
``install(op.get_bind())`` again; ``tests/test_append_only.py`` fails until it does.
"""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

#: Tables where every row is final once written.
FROZEN_TABLES = ("reviews", "rule_changes", "signing_keys", "issued_reports")
#: Tables whose rows belong to a run and freeze with it.
RUN_PARTS = ("run_lines", "run_finding_sets", "run_line_cells")
#: Run parts that take no INSERT once their run is complete (a row each per batch or set).
INSERT_GUARDED = ("run_finding_sets", "run_line_cells")
#: Tables no one may TRUNCATE (PostgreSQL), besides FROZEN_TABLES and run_line_cells.
TRUNCATE_GUARDED = ("runs", "run_lines", "run_finding_sets")
#: The columns of a complete run that may still change.
RUN_MUTABLE = ("archived",)
COMPLETE = "complete"
#: The SQLite triggers migration 0016 added.
REKEY_AND_REPLACE_GUARDS = [f"hk_{t}_no_replace" for t in FROZEN_TABLES] + [
    "hk_runs_complete_no_rekey", "hk_run_lines_complete_no_rekey"]


def _message(table: str) -> str:
    return f"{table} is append-only: recorded entries cannot be changed or deleted"


RUN_MESSAGE = "a complete run is an audit record: only its archived flag can change"
PART_MESSAGE = "the lines and findings of a complete run cannot be changed or deleted"
ADDED_MESSAGE = "nothing can be added to the lines and findings of a complete run"


def _run_parts(connection: Connection) -> tuple[str, ...]:
    """The RUN_PARTS this database has (an older revision lacks the newer ones)."""
    present = set(inspect(connection).get_table_names())
    return tuple(t for t in RUN_PARTS if t in present)


def _unique_keys(connection: Connection, table: str) -> list[tuple[str, ...]]:
    """The columns of each key an INSERT OR REPLACE into ``table`` could conflict on."""
    found = inspect(connection)
    keys = [tuple(found.get_pk_constraint(table)["constrained_columns"])]
    keys += [tuple(u["column_names"]) for u in found.get_unique_constraints(table)]
    keys += [tuple(c for c in i["column_names"] if c) for i in found.get_indexes(table)
             if i["unique"]]
    return list(dict.fromkeys(k for k in keys if k))


def _sqlite_statements(connection: Connection) -> list[str]:
    statements = []
    for table in FROZEN_TABLES:
        for op in ("UPDATE", "DELETE"):
            statements.append(
                f"CREATE TRIGGER hk_{table}_no_{op.lower()} BEFORE {op} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{_message(table)}'); END")
        # REPLACE would delete the recorded row without firing the DELETE trigger.
        taken = " OR ".join(
            f"EXISTS (SELECT 1 FROM {table} WHERE "
            + " AND ".join(f'"{c}" = NEW."{c}"' for c in key) + ")"
            for key in _unique_keys(connection, table))
        statements.append(
            f"CREATE TRIGGER hk_{table}_no_replace BEFORE INSERT ON {table} WHEN {taken} "
            f"BEGIN SELECT RAISE(ABORT, '{_message(table)}'); END")
    columns = [c["name"] for c in inspect(connection).get_columns("runs")]
    changed = " OR ".join(f'NEW."{c}" IS NOT OLD."{c}"' for c in columns
                          if c not in RUN_MUTABLE)
    statements.append(
        f"CREATE TRIGGER hk_runs_complete_no_update BEFORE UPDATE ON runs "
        f"WHEN OLD.status = '{COMPLETE}' AND ({changed}) "
        f"BEGIN SELECT RAISE(ABORT, '{RUN_MESSAGE}'); END")
    statements.append(
        f"CREATE TRIGGER hk_runs_complete_no_delete BEFORE DELETE ON runs "
        f"WHEN OLD.status = '{COMPLETE}' BEGIN SELECT RAISE(ABORT, '{RUN_MESSAGE}'); END")
    # INSERT OR REPLACE deletes the row it replaces without firing DELETE triggers (unless
    # recursive_triggers is on): an insert naming a complete run's id is refused first.
    # (A new run's id is not given: SQLite's NEW.id is then -1 here.)
    statements.append(
        f"CREATE TRIGGER hk_runs_complete_no_replace BEFORE INSERT ON runs "
        f"WHEN EXISTS (SELECT 1 FROM runs WHERE id = NEW.id AND status = '{COMPLETE}') "
        f"BEGIN SELECT RAISE(ABORT, '{RUN_MESSAGE}'); END")
    # UPDATE OR REPLACE moving another run onto a complete run's id: the UPDATE trigger
    # above looks at OLD (the other run), and the complete run would be deleted unseen.
    # Not "UPDATE OF id": SQLite's rowid, _rowid_ and oid name the same column.
    statements.append(
        f"CREATE TRIGGER hk_runs_complete_no_rekey BEFORE UPDATE ON runs "
        f"WHEN NEW.id IS NOT OLD.id AND EXISTS (SELECT 1 FROM runs WHERE id = NEW.id "
        f"AND status = '{COMPLETE}') BEGIN SELECT RAISE(ABORT, '{RUN_MESSAGE}'); END")
    if "run_lines" in _run_parts(connection):  # the one part whose key has no run_id
        statements.append(
            f"CREATE TRIGGER hk_run_lines_complete_no_rekey BEFORE UPDATE ON run_lines "
            f"WHEN NEW.id IS NOT OLD.id AND EXISTS (SELECT 1 FROM run_lines l JOIN runs r "
            f"ON r.id = l.run_id WHERE l.id = NEW.id AND r.status = '{COMPLETE}') "
            f"BEGIN SELECT RAISE(ABORT, '{PART_MESSAGE}'); END")
    for table in _run_parts(connection):
        complete = (f"(SELECT status FROM runs WHERE id = OLD.run_id) = '{COMPLETE}'")
        # A table without an INTEGER PRIMARY KEY has a hidden rowid, and REPLACE resolves
        # on it too: a row moved or inserted onto a complete run's row's rowid deletes it.
        taken = (f"EXISTS (SELECT 1 FROM {table} x JOIN runs r ON r.id = x.run_id "
                 f"WHERE x.rowid = NEW.rowid AND r.status = '{COMPLETE}')"
                 if table in INSERT_GUARDED else "0")
        statements.append(
            f"CREATE TRIGGER hk_{table}_complete_no_update BEFORE UPDATE ON {table} "
            f"WHEN {complete} OR (SELECT status FROM runs WHERE id = NEW.run_id) = "
            f"'{COMPLETE}' OR (NEW.rowid IS NOT OLD.rowid AND {taken}) "
            f"BEGIN SELECT RAISE(ABORT, '{PART_MESSAGE}'); END")
        statements.append(
            f"CREATE TRIGGER hk_{table}_complete_no_delete BEFORE DELETE ON {table} "
            f"WHEN {complete} BEGIN SELECT RAISE(ABORT, '{PART_MESSAGE}'); END")
        if table in INSERT_GUARDED:
            statements.append(
                f"CREATE TRIGGER hk_{table}_complete_no_insert BEFORE INSERT ON {table} "
                f"WHEN (SELECT status FROM runs WHERE id = NEW.run_id) = '{COMPLETE}' "
                f"OR {taken} "
                f"BEGIN SELECT RAISE(ABORT, '{ADDED_MESSAGE}'); END")
    return statements


def _sqlite_trigger_names() -> list[str]:
    names = [f"hk_{t}_no_{op}" for t in FROZEN_TABLES for op in ("update", "delete")]
    names += ["hk_runs_complete_no_update", "hk_runs_complete_no_delete",
              "hk_runs_complete_no_replace"]
    names += REKEY_AND_REPLACE_GUARDS
    names += [f"hk_{t}_complete_no_{op}" for t in RUN_PARTS for op in ("update", "delete")]
    names += [f"hk_{t}_complete_no_insert" for t in INSERT_GUARDED]
    return names


_PG_FUNCTIONS = [
    """CREATE OR REPLACE FUNCTION hk_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '% is append-only: recorded entries cannot be changed or deleted',
            TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
    END $$""",
    f"""CREATE OR REPLACE FUNCTION hk_run_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF OLD.status = '{COMPLETE}' AND (TG_OP = 'DELETE' OR
                (to_jsonb(NEW) - '{{{",".join(RUN_MUTABLE)}}}'::text[])
                IS DISTINCT FROM (to_jsonb(OLD) - '{{{",".join(RUN_MUTABLE)}}}'::text[])) THEN
            RAISE EXCEPTION '{RUN_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END $$""",
    f"""CREATE OR REPLACE FUNCTION hk_run_part_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM runs WHERE id = OLD.run_id AND status = '{COMPLETE}')
                OR (TG_OP = 'UPDATE' AND EXISTS (
                    SELECT 1 FROM runs WHERE id = NEW.run_id AND status = '{COMPLETE}')) THEN
            RAISE EXCEPTION '{PART_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END $$""",
    f"""CREATE OR REPLACE FUNCTION hk_run_part_closed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM runs WHERE id = NEW.run_id AND status = '{COMPLETE}') THEN
            RAISE EXCEPTION '{ADDED_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END $$""",
]


def _pg_triggers(parts: tuple[str, ...] = RUN_PARTS) -> list[tuple[str, str, str]]:
    """(name, table, definition after ON table); ``parts``: the RUN_PARTS present."""
    triggers = []
    for table in FROZEN_TABLES:
        triggers.append((f"hk_{table}_append_only", table,
                         "FOR EACH ROW EXECUTE FUNCTION hk_refuse_change()"))
        triggers.append((f"hk_{table}_no_truncate", table,
                         "FOR EACH STATEMENT EXECUTE FUNCTION hk_refuse_change()"))
    triggers.append(("hk_runs_complete", "runs",
                     "FOR EACH ROW EXECUTE FUNCTION hk_run_frozen()"))
    for table in parts:
        triggers.append((f"hk_{table}_complete", table,
                         "FOR EACH ROW EXECUTE FUNCTION hk_run_part_frozen()"))
        if table in INSERT_GUARDED:
            triggers.append((f"hk_{table}_complete_insert", table,
                             "FOR EACH ROW EXECUTE FUNCTION hk_run_part_closed()"))
    if "run_line_cells" in parts:  # no foreign key refers to it, so TRUNCATE would work
        triggers.append(("hk_run_line_cells_no_truncate", "run_line_cells",
                         "FOR EACH STATEMENT EXECUTE FUNCTION hk_refuse_change()"))
    # TRUNCATE fires no row trigger: the lines, sets and runs could be emptied and written
    # back changed (the app never truncates them).
    for table in TRUNCATE_GUARDED:
        triggers.append((f"hk_{table}_no_truncate", table,
                         "FOR EACH STATEMENT EXECUTE FUNCTION hk_refuse_change()"))
    return triggers


def _pg_events(name: str) -> str:
    if name.endswith("_no_truncate"):
        return "BEFORE TRUNCATE"
    return "BEFORE INSERT" if name.endswith("_complete_insert") else "BEFORE UPDATE OR DELETE"


def remove(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        for name in _sqlite_trigger_names():
            connection.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        return
    for name, table, _definition in _pg_triggers(_run_parts(connection)):
        connection.execute(text(f"DROP TRIGGER IF EXISTS {name} ON {table}"))
    for function in ("hk_refuse_change", "hk_run_frozen", "hk_run_part_frozen",
                     "hk_run_part_closed"):
        connection.execute(text(f"DROP FUNCTION IF EXISTS {function}()"))


def remove_insert_guards(connection: Connection) -> None:
    """Drop the INSERT (and run_line_cells TRUNCATE) triggers alone (migration 0014 down)."""
    if connection.dialect.name == "sqlite":
        for table in INSERT_GUARDED:
            connection.execute(text(f"DROP TRIGGER IF EXISTS hk_{table}_complete_no_insert"))
        return
    for name, table, _definition in _pg_triggers(_run_parts(connection)):
        if name.endswith(("_complete_insert", "_cells_no_truncate")):
            connection.execute(text(f"DROP TRIGGER IF EXISTS {name} ON {table}"))
    connection.execute(text("DROP FUNCTION IF EXISTS hk_run_part_closed()"))


def remove_replace_and_truncate_guards(connection: Connection) -> None:
    """Drop the triggers migration 0015 added alone (its downgrade)."""
    if connection.dialect.name == "sqlite":
        connection.execute(text("DROP TRIGGER IF EXISTS hk_runs_complete_no_replace"))
        return
    for table in TRUNCATE_GUARDED:
        connection.execute(text(f"DROP TRIGGER IF EXISTS hk_{table}_no_truncate ON {table}"))


def remove_rekey_and_replica_guards(connection: Connection) -> None:
    """Undo what migration 0016 added alone (its downgrade): the SQLite REPLACE and re-key
    triggers; on PostgreSQL the triggers go back to firing in origin sessions only."""
    if connection.dialect.name == "sqlite":
        for name in REKEY_AND_REPLACE_GUARDS:
            connection.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        return
    for name, table, _definition in _pg_triggers(_run_parts(connection)):
        connection.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER {name}"))


def install(connection: Connection) -> None:
    """(Re)create every append-only trigger on the connection's database."""
    remove(connection)
    if connection.dialect.name == "sqlite":
        for statement in _sqlite_statements(connection):
            connection.execute(text(statement))
        return
    for function in _PG_FUNCTIONS:
        connection.execute(text(function))
    for name, table, definition in _pg_triggers(_run_parts(connection)):
        connection.execute(text(f"CREATE TRIGGER {name} {_pg_events(name)} ON {table} "
                                f"{definition}"))
        # An ordinary trigger does not fire under session_replication_role = replica.
        connection.execute(text(f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {name}"))
