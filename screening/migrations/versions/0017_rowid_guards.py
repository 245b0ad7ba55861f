"""SQLite: the re-key guards also fire when a run or line is moved by its rowid's other
names (rowid, _rowid_, oid), and REPLACE cannot resolve onto a complete run's findings set
or cells record by their hidden rowid

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 04:00:00.000000
"""

from __future__ import annotations

from alembic import op

from screening.store import append_only

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    append_only.install(op.get_bind())


def downgrade() -> None:
    # The same triggers, stricter: 0016's own guards stay (no column or table changed).
    append_only.install(op.get_bind())
