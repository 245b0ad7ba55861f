"""Database engine, connection pragmas, Alembic migrations and first-use seeding."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
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


def create_db_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # Sessions are never shared between threads, but the GUI opens them in worker threads.
        engine = create_engine(url, connect_args={"timeout": 10, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    return config


_MIGRATION_LOCK = threading.Lock()  # Alembic's migration context is process-global


def upgrade(engine: Engine, revision: str = "head") -> None:
    config = alembic_config()
    with _MIGRATION_LOCK, engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def schema_revision(engine: Engine) -> tuple[str | None, str | None]:
    """(current revision in the database, newest revision the code knows)."""
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


def open_database(url: str | None = None, *, seed: bool = True) -> Database:
    """Open (creating, migrating and seeding on first use) the database at ``url``."""
    from screening.rules.store import ensure_seeded  # local: rules.store imports this module
    from screening.store.parties import ensure_bundled_list

    url = url or default_database_url()
    try:
        engine = create_db_engine(url)
        upgrade(engine)
        database = Database(url, engine, sessionmaker(engine, expire_on_commit=False))
        if seed:
            with database.sessions.begin() as session:
                ensure_seeded(session)
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
