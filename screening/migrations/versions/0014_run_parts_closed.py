"""nothing can be added to a complete run's findings sets or cells records (a second cells
record naming a line's row would change the cells the line shows)

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 18:00:00.000000
"""

from __future__ import annotations

from alembic import op

from screening.store import append_only

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    append_only.install(op.get_bind())


def downgrade() -> None:
    append_only.remove_insert_guards(op.get_bind())
