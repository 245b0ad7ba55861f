"""override reason on reviews (a decision recorded against a finding)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 04:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from screening.store import append_only

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('override_reason', sa.Text(), server_default='',
                                      nullable=False))
    append_only.install(op.get_bind())  # batch mode may rebuild the table without triggers


def downgrade() -> None:
    append_only.remove(op.get_bind())
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_column('override_reason')
    append_only.install(op.get_bind())
