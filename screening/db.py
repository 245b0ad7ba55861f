"""Database engine, connection pragmas, Alembic migrations and first-use seeding."""

from __future__ import annotations

import functools
import os
import re
import sqlite3
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from screening.paths import data_dir

ENV_URL = "HKSCREEN_DATABASE_URL"
_MIGRATIONS = Path(__file__).parent / "migrations"


class DatabaseError(Exception):
    """The database could not be opened, migrated or used; the message says why."""


def first_line(exc: BaseException) -> str:
    """The driver's own message, first line only (no SQL text or documentation links)."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def default_database_url() -> str:
    return os.environ.get(ENV_URL) or f"sqlite:///{data_dir() / 'hkscreen.sqlite3'}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def bind_plainly() -> None:
    """On Python 3.11, have the sqlite3 module bind None and booleans as it binds numbers.

    It adapts every value that is not exactly an int, float, str or bytearray: for None and
    bool it finds no adapter and then asks its protocol type for ``__adapt__``, which on
    3.11 raises and clears an AttributeError each time. A stored line has several such
    values (blank fields, its two flags): the errors were a sixth of the store process's
    instructions. Adapters that return the same value (None; the bool as the int the driver
    binds for it) skip that search; the stored values are unchanged. Python 3.12 looks the
    attribute up without the error, and there the adapters would cost a little more than
    they save, so they are not registered.
    """
    if sys.version_info < (3, 12):
        sqlite3.register_adapter(type(None), {}.get)  # {}.get(None) is None
        sqlite3.register_adapter(bool, int)


def create_db_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        bind_plainly()
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # Sessions are never shared between threads, but the GUI opens them in worker threads.
        engine = create_engine(url, connect_args={"timeout": 10, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


if TYPE_CHECKING:
    from alembic.config import Config


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    return config


_MIGRATION_LOCK = threading.Lock()  # Alembic's migration context is process-global


_REVISION_RE = re.compile(r"^(revision|down_revision)\s*=\s*['\"]?(\w+)['\"]?", re.MULTILINE)


@functools.cache
def code_head() -> str | None:
    """The newest migration, read from the migration files' ``revision`` lines (importing
    Alembic costs a third of a small run's start-up); None unless there is exactly one."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (_MIGRATIONS / "versions").glob("*.py"):
        found = dict(_REVISION_RE.findall(path.read_text(encoding="utf-8")))
        if "revision" in found:
            revisions.add(found["revision"])
        if found.get("down_revision", "None") != "None":
            parents.add(found["down_revision"])
    heads = revisions - parents
    return next(iter(heads)) if len(heads) == 1 else None


def _stored_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as connection:
            return connection.exec_driver_sql(
                "SELECT version_num FROM alembic_version").scalar()
    except SQLAlchemyError:  # a new database: no version table yet
        return None


def upgrade(engine: Engine, revision: str = "head") -> None:
    if revision == "head" and code_head() is not None and \
            _stored_revision(engine) == code_head():
        return  # already current: Alembic need not be loaded at all
    from alembic import command

    config = alembic_config()
    with _MIGRATION_LOCK, engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def schema_revision(engine: Engine) -> tuple[str | None, str | None]:
    """(current revision in the database, newest revision the code knows)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    return current, head


def backup_sqlite(database: Database, target: Path) -> int:
    """Copy a SQLite database with SQLite's online backup API (safe while in use); the copy
    is written beside the target and moved into place. Returns the copied page count."""
    import sqlite3

    if database.backend != "sqlite":
        raise DatabaseError("backup is for SQLite databases; use pg_dump for PostgreSQL")
    target = Path(target)
    tmp = target.with_name(target.name + ".part")
    tmp.unlink(missing_ok=True)
    source = database.engine.raw_connection()
    try:
        destination = sqlite3.connect(tmp)
        try:
            source.driver_connection.backup(destination)  # type: ignore[union-attr]
            pages = destination.execute("PRAGMA page_count").fetchone()[0]
        finally:
            destination.close()
    finally:
        source.close()
    tmp.replace(target)
    return int(pages)


@dataclass
class Database:
    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @property
    def shareable(self) -> bool:
        """Whether another process can open the same database (not an in-memory SQLite)."""
        url = make_url(self.url)
        return not (url.get_backend_name() == "sqlite"
                    and url.database in (None, "", ":memory:"))

    def dispose(self) -> None:
        self.engine.dispose()


def open_existing(url: str) -> Database:
    """A database already opened (migrated, seeded) by another process of this run."""
    engine = create_db_engine(url)
    return Database(url, engine, sessionmaker(engine, expire_on_commit=False))


def _rules_missing(session: Session) -> bool:
    """Whether the rules need seeding (``ensure_seeded``'s test, without loading the rule
    table definitions that seeding needs): no rules version yet, or empty rule tables."""
    meta, eccn = session.execute(text(
        "SELECT (SELECT 1 FROM rule_meta LIMIT 1), (SELECT 1 FROM rule_eccns LIMIT 1)")).one()
    return meta is None or eccn is None


def bundled_rules_outdated(session: Session) -> bool:
    """Whether the rules in force are not this app's bundled rules (``refresh_bundled``
    decides whether to load them), read without loading the rule table definitions."""
    from screening.paths import seed_stamp

    version = session.execute(text(
        "SELECT version FROM rule_meta ORDER BY id DESC LIMIT 1")).scalar()
    return bool(version != seed_stamp()[0])


def open_database(url: str | None = None, *, seed: bool = True) -> Database:
    """Open (creating, migrating and seeding on first use) the database at ``url``."""
    from screening.store.parties import ensure_bundled_list

    url = url or default_database_url()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:"):
        # Each connection would get an empty database of its own (a run stores its lines
        # on another one): nothing would be kept, and a run fails half-way.
        raise DatabaseError(f"{url} is an in-memory database, which keeps nothing between "
                            f"connections; give a file (sqlite:///path/hkscreen.sqlite3) or "
                            f"a PostgreSQL URL")
    try:
        engine = create_db_engine(url)
        upgrade(engine)
        database = Database(url, engine, sessionmaker(engine, expire_on_commit=False))
        if seed:
            with database.sessions.begin() as session:
                # local: rules.store imports this module
                if _rules_missing(session):
                    from screening.rules.store import ensure_seeded
                    ensure_seeded(session)
                elif bundled_rules_outdated(session):
                    from screening.rules.store import refresh_bundled
                    refresh_bundled(session)
            with database.sessions.begin() as session:
                ensure_bundled_list(session)
            from screening.recovery import recover  # local: it uses the run store
            recover(database)
    except DatabaseError:
        raise
    except Exception as exc:  # driver errors come in many types; report them as one
        safe_url = make_url(url).render_as_string(hide_password=True)
        raise DatabaseError(f"cannot open database {safe_url}: {first_line(exc)}") from exc
    return database
