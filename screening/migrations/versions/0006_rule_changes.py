"""rule change log

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 12:54:54.338930
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('rule_changes',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('rule_file', sa.String(length=40), nullable=False),
    sa.Column('row_key', sa.Text(), nullable=False),
    sa.Column('column', sa.String(length=40), nullable=False),
    sa.Column('old_value', sa.Text(), nullable=False),
    sa.Column('new_value', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('citation', sa.Text(), nullable=False),
    sa.Column('changed_by', sa.Text(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version_before', sa.String(length=64), nullable=False),
    sa.Column('version_after', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_changes'))
    )



def downgrade() -> None:

    op.drop_table('rule_changes')

