"""party-list provenance, the run's party-screening statement, the affiliates rule table

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 04:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from screening.store import append_only

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rule_affiliate_rules',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('lists', sa.Text(), nullable=False),
    sa.Column('min_share_pct', sa.Float(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('published', sa.Date(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('citation', sa.Text(), nullable=False),
    sa.Column('verification', sa.String(length=12), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_affiliate_rules'))
    )
    with op.batch_alter_table('party_lists', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_counts_json', sa.Text(), server_default='{}',
                                      nullable=False))
        batch_op.add_column(sa.Column('origin', sa.String(length=16), server_default='import',
                                      nullable=False))
    with op.batch_alter_table('party_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('number', sa.Text(), server_default='', nullable=False))
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('party_check_json', sa.Text(), server_default='{}',
                                      nullable=False))
    append_only.install(op.get_bind())  # the runs trigger names every column (SQLite)


def downgrade() -> None:
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.drop_column('party_check_json')
    append_only.install(op.get_bind())
    with op.batch_alter_table('party_entries', schema=None) as batch_op:
        batch_op.drop_column('number')
    with op.batch_alter_table('party_lists', schema=None) as batch_op:
        batch_op.drop_column('origin')
        batch_op.drop_column('source_counts_json')
    op.drop_table('rule_affiliate_rules')
