"""Alembic environment: runs on the connection handed over by screening.db.upgrade."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import screening.rules.schema
import screening.store.schema  # noqa: F401  (registers the tables on Base.metadata)
from screening.orm import Base

target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:  # plain `alembic` command line: use the configured URL
        engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "")
        with engine.begin() as conn:
            _run(conn)
        return
    _run(connection)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite needs batch mode for ALTER
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
