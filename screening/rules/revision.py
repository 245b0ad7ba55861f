"""The rules' revision token: a value the database itself changes whenever a rule table
changes, so a copy of the rules kept outside it (``screening.rules.cache``) is reused only
while the rules are exactly what they were when it was made.

Triggers on every rule table set ``rules_revision.token`` to a new random value on each
INSERT, UPDATE or DELETE (and TRUNCATE on PostgreSQL), whoever makes the change: the app,
a script, or an administrator's SQL. Random, not a counter: a database restored from a
backup and then changed differently never meets an old token again. The change and the new
token commit or roll back together.

``token`` answers None (use no kept copy) unless the table exists and every rule table has
its triggers: a migration that rebuilds a rule table in SQLite batch mode drops that table's
triggers, and must call ``install(op.get_bind())`` again (``tests/test_rules_cache.py``
fails until it does).
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

TABLE = "rules_revision"
PREFIX = "hk_rules_rev_"
#: Every table ``screening.rules.store.read_tables`` reads (the models of RULE_FILES).
RULE_TABLES = (
    "rule_country_chart", "rule_country_groups", "rule_country_aliases",
    "rule_destination_mappings", "rule_eccns", "rule_eccn_controls", "rule_special_controls",
    "rule_destination_controls", "rule_ccl_dates", "rule_eccn_paragraphs",
    "rule_eccn_exception_flags", "rule_chart_footnotes", "rule_license_exceptions",
    "rule_license_exception_rules", "rule_end_use_rules", "rule_eei_rules",
    "rule_savings_clauses", "rule_regime_changes", "rule_affiliate_rules",
)
_SQLITE_OPS = ("insert", "update", "delete")
_SQLITE_NEW = "lower(hex(randomblob(16)))"
_PG_FUNCTION = "hk_rules_revision_bump"
_PG_NEW = "md5(random()::text || clock_timestamp()::text)"


def _sqlite_triggers() -> set[tuple[str, str]]:
    """(trigger name, table) of every trigger ``install`` makes on SQLite."""
    return {(f"{PREFIX}{table}_{op}", table) for table in RULE_TABLES for op in _SQLITE_OPS}


def _pg_triggers() -> set[tuple[str, str]]:
    return {(f"{PREFIX}{table}", table) for table in RULE_TABLES}


def remove(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        for name, _table in sorted(_sqlite_triggers()):
            connection.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        return
    for name, table in sorted(_pg_triggers()):
        connection.execute(text(f"DROP TRIGGER IF EXISTS {name} ON {table}"))
    connection.execute(text(f"DROP FUNCTION IF EXISTS {_PG_FUNCTION}()"))


def install(connection: Connection) -> None:
    """(Re)create every trigger and give the token a new value (idempotent)."""
    remove(connection)
    if connection.dialect.name == "sqlite":
        for name, table in sorted(_sqlite_triggers()):
            op = name.rsplit("_", 1)[1].upper()
            connection.execute(text(
                f"CREATE TRIGGER {name} AFTER {op} ON {table} "
                f"BEGIN UPDATE {TABLE} SET token = {_SQLITE_NEW}; END"))
        connection.execute(text(f"UPDATE {TABLE} SET token = {_SQLITE_NEW}"))
        return
    connection.execute(text(
        f"CREATE OR REPLACE FUNCTION {_PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN UPDATE {TABLE} SET token = {_PG_NEW}; RETURN NULL; END $$"))
    for name, table in sorted(_pg_triggers()):
        connection.execute(text(
            f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {_PG_FUNCTION}()"))
        # Fire under session_replication_role = replica too (ordinary triggers do not).
        connection.execute(text(f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {name}"))
    connection.execute(text(f"UPDATE {TABLE} SET token = {_PG_NEW}"))


def fire_in_origin_sessions_only(connection: Connection) -> None:
    """Migration 0016's downgrade: the PostgreSQL triggers back to ordinary ones."""
    if connection.dialect.name != "sqlite":
        for name, table in sorted(_pg_triggers()):
            connection.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER {name}"))


def first_token(dialect: str) -> str:
    """SQL for the token of the table's one row when it is made."""
    return _SQLITE_NEW if dialect == "sqlite" else _PG_NEW


def _installed(connection: Connection) -> set[tuple[str, str]]:
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(
            "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' "
            f"AND substr(name, 1, {len(PREFIX)}) = '{PREFIX}'").all()
    else:  # enabled triggers in the schema the tables are found in
        rows = connection.exec_driver_sql(
            "SELECT t.tgname, c.relname FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            f"WHERE n.nspname = current_schema() AND left(t.tgname, {len(PREFIX)}) = '{PREFIX}' "
            "AND t.tgenabled <> 'D'").all()
    return {(name, table) for name, table in rows}


def token(connection: Connection | Session) -> str | None:
    """The current token, or None when it cannot be trusted (no table, a trigger missing).
    ``connection``: a Connection, or a Session (its transaction's connection is used)."""
    conn = connection.connection() if isinstance(connection, Session) else connection
    wanted = _sqlite_triggers() if conn.dialect.name == "sqlite" else _pg_triggers()
    if not wanted <= _installed(conn):
        return None
    found = conn.exec_driver_sql(f"SELECT token FROM {TABLE}").all()
    return str(found[0][0]) if len(found) == 1 and found[0][0] else None
