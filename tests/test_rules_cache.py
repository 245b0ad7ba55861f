"""The kept copy of the rules (screening.rules.cache): reused only while the database's rules
are unchanged, whoever changes them; the rules version is always the one computed from the
rules in the database."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import text

from screening.paths import data_dir
from screening.rules import cache as rules_cache
from screening.rules import revision
from screening.rules import store as rules_store
from screening.rules.edit import get_rule_value, set_rule_value
from screening.rules.files import RULE_FILES
from screening.rules.ruleset import build_ruleset, load_ruleset
from screening.rules.store import read_tables, rules_version


def _kept() -> list[Path]:
    assert "HKSCREEN_DATA_DIR" in os.environ  # the test's own data directory
    return sorted((data_dir() / "cache").glob("rules-*.marshal"))


def _fresh(db):  # type: ignore[no-untyped-def]
    """The rules read straight from the database, no kept copy involved."""
    with db.sessions() as session:
        return build_ruleset(read_tables(session))


def _refuse(_session):  # type: ignore[no-untyped-def]
    raise AssertionError("the rule tables were read although a kept copy was current")


def _token(db) -> str | None:  # type: ignore[no-untyped-def]
    with db.engine.connect() as conn:
        return revision.token(conn)


def test_every_rule_table_has_its_triggers() -> None:
    assert set(revision.RULE_TABLES) == {s.model.__tablename__ for s in RULE_FILES}


def test_second_load_uses_the_kept_copy_and_equals_a_fresh_read(db, monkeypatch) -> None:
    assert _token(db) is not None
    with db.sessions() as session:
        first = load_ruleset(session)
    assert len(_kept()) == 1
    with monkeypatch.context() as patch, db.sessions() as session:
        patch.setattr(rules_store, "read_tables", _refuse)
        second = load_ruleset(session)
    fresh = _fresh(db)
    assert second.version == first.version == fresh.version
    with db.sessions() as session:
        assert fresh.version == rules_version(read_tables(session))
    assert second == fresh  # every table, every date, every flag as read from the database
    assert second.paragraph_rows == fresh.paragraph_rows


def test_an_edit_through_the_app_is_seen(db) -> None:
    with db.sessions() as session:
        before = load_ruleset(session)
    with db.sessions.begin() as session:
        old = get_rule_value(session, "eccns.csv", {"eccn": "3A991"}, "notes")
        set_rule_value(session, "eccns.csv", {"eccn": "3A991"}, "notes", old + " checked",
                       expected=old, reason="annual review", citation="15 CFR 774",
                       changed_by="ann")
    with db.sessions() as session:
        after = load_ruleset(session)
    assert after.version != before.version
    assert after.version == _fresh(db).version
    assert after.eccns["3A991"].notes.endswith(" checked")


@pytest.mark.parametrize("table", revision.RULE_TABLES)
def test_any_sql_change_to_any_rule_table_changes_the_token(db, table) -> None:
    """An administrator's UPDATE, DELETE or INSERT straight in the database, on any rule
    table, makes the kept copy unusable."""
    with db.sessions() as session:
        load_ruleset(session)
    seen = {_token(db)}
    with db.engine.begin() as conn:
        columns = list(conn.exec_driver_sql(f"SELECT * FROM {table}").keys())
        conn.exec_driver_sql(f"UPDATE {table} SET {columns[0]} = {columns[0]}")
    seen.add(_token(db))
    with db.engine.begin() as conn:
        rows = conn.exec_driver_sql(f"SELECT * FROM {table}").mappings().all()
        conn.exec_driver_sql(f"DELETE FROM {table}")
        seen.add(revision.token(conn))  # the transaction sees its own change
        if rows:
            names = ", ".join(f'"{c}"' for c in rows[0])
            marks = ", ".join(f":{c}" for c in rows[0])
            conn.execute(text(f"INSERT INTO {table} ({names}) VALUES ({marks})"),
                         [dict(r) for r in rows])
    seen.add(_token(db))
    assert None not in seen and len(seen) == 4


def test_a_sql_change_is_never_served_from_the_stale_copy(db) -> None:
    with db.sessions() as session:
        before = load_ruleset(session)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE rule_eccns SET notes = 'changed by SQL' "
                             "WHERE eccn = '3A991'")
    with db.sessions() as session:
        after = load_ruleset(session)
    assert after.eccns["3A991"].notes == "changed by SQL"
    assert after.version != before.version and after.version == _fresh(db).version


def test_a_rolled_back_change_keeps_the_old_token(db) -> None:
    before = _token(db)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("DELETE FROM rule_eei_rules")
        conn.rollback()
    assert _token(db) == before


def test_a_change_while_the_tables_are_read_is_not_kept(db, monkeypatch) -> None:
    """The token is read before and after the tables: a change committed in between (by
    another process) means what was read may be a mix, so nothing is kept under either."""
    real_read = rules_store.read_tables

    def read_then_change(session):  # type: ignore[no-untyped-def]
        tables = real_read(session)
        with db.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE rule_eccns SET notes = 'meanwhile' "
                                 "WHERE eccn = '3A991'")
        return tables

    with monkeypatch.context() as patch, db.sessions() as session:
        patch.setattr(rules_store, "read_tables", read_then_change)
        load_ruleset(session)
    assert _kept() == []
    with db.sessions() as session:
        assert load_ruleset(session).eccns["3A991"].notes == "meanwhile"


def test_a_missing_trigger_means_no_kept_copy(db) -> None:
    with db.engine.begin() as conn:
        if db.backend == "sqlite":
            conn.exec_driver_sql("DROP TRIGGER hk_rules_rev_rule_eccns_update")
        else:
            conn.exec_driver_sql("ALTER TABLE rule_eccns DISABLE TRIGGER hk_rules_rev_rule_eccns")
    assert _token(db) is None
    with db.sessions() as session:
        rules = load_ruleset(session)
    assert _kept() == [] and rules.version == _fresh(db).version
    with db.engine.begin() as conn:
        revision.install(conn)
    assert _token(db) is not None


def test_a_damaged_copy_is_ignored_and_written_again(db, monkeypatch) -> None:
    with db.sessions() as session:
        expected = load_ruleset(session).version
    [kept] = _kept()
    kept.write_bytes(kept.read_bytes()[:1000])
    with db.sessions() as session:
        assert load_ruleset(session).version == expected
    monkeypatch.setattr(rules_store, "read_tables", _refuse)
    with db.sessions() as session:
        assert load_ruleset(session).version == expected


def test_the_copy_is_named_by_the_token(tmp_path) -> None:
    rules_cache.save("token-a", {"t.csv": [{"a": "x", "b": None}]}, "v1")
    assert rules_cache.load("token-b") is None
    assert rules_cache.load("token-a") == ({"t.csv": [{"a": "x", "b": None}]}, "v1")


def test_the_kept_alias_index_is_the_one_built_from_the_aliases(db) -> None:
    """The country alias index is kept beside the tables (6 ms a start): a run reading the
    kept copy reads every country as one reading the database does."""
    from screening.normalize import build_alias_index
    from screening.rules.ruleset import load_ruleset
    from screening.rules.store import read_tables

    with db.sessions() as session:
        built = load_ruleset(session)  # (kept now, if it was not)
        kept = load_ruleset(session)
        tables = read_tables(session)
    expected = build_alias_index({r["alias"]: r["country_code"]
                                  for r in tables["country_aliases.csv"]})
    assert built.aliases == kept.aliases == expected
    assert kept.aliases["chine"] == "CN"
