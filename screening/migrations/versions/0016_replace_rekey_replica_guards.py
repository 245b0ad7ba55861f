"""no INSERT OR REPLACE over an append-only record and no UPDATE OR REPLACE onto a
complete run or its line (SQLite: REPLACE deletes without firing DELETE triggers); the
PostgreSQL triggers fire under session_replication_role = replica too (ENABLE ALWAYS)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 03:00:00.000000
"""

from __future__ import annotations

from alembic import op

from screening.rules import revision as rules_revision
from screening.store import append_only

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    append_only.install(op.get_bind())
    rules_revision.install(op.get_bind())


def downgrade() -> None:
    append_only.remove_rekey_and_replica_guards(op.get_bind())
    rules_revision.fire_in_origin_sessions_only(op.get_bind())
