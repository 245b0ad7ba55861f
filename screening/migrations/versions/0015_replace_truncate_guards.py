"""no TRUNCATE of runs, their lines or findings sets (PostgreSQL), no INSERT OR REPLACE of a
complete run's record (SQLite: REPLACE deletes the row without firing DELETE triggers)

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 21:00:00.000000
"""

from __future__ import annotations

from alembic import op

from screening.store import append_only

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    append_only.install(op.get_bind())


def downgrade() -> None:
    append_only.remove_replace_and_truncate_guards(op.get_bind())
