"""restricted-party lists, entries and false positives

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 12:46:57.592064
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('party_lists',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('format', sa.String(length=20), nullable=False),
    sa.Column('file_name', sa.Text(), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('list_date', sa.Date(), nullable=True),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('imported_by', sa.Text(), nullable=False),
    sa.Column('entry_count', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_lists'))
    )
    op.create_table('party_entries',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('list_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.Text(), nullable=False),
    sa.Column('list_code', sa.String(length=40), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('alt_names', sa.Text(), nullable=False),
    sa.Column('countries', sa.Text(), nullable=False),
    sa.Column('addresses', sa.Text(), nullable=False),
    sa.Column('license_requirement', sa.Text(), nullable=False),
    sa.Column('license_policy', sa.Text(), nullable=False),
    sa.Column('federal_register_notice', sa.Text(), nullable=False),
    sa.Column('start_date', sa.Text(), nullable=False),
    sa.Column('source_url', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['list_id'], ['party_lists.id'], name=op.f('fk_party_entries_list_id_party_lists'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_entries'))
    )
    with op.batch_alter_table('party_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_entries_list_id'), ['list_id'], unique=False)

    op.create_table('party_false_positives',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('party', sa.Text(), nullable=False),
    sa.Column('entry_key', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=16), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('row', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('reviewer', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_party_false_positives_run_id_runs'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_false_positives'))
    )
    with op.batch_alter_table('party_false_positives', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_party_false_positives_party'), ['party'], unique=False)

    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('party_lists_json', sa.Text(), server_default='[]', nullable=False))




def downgrade() -> None:

    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.drop_column('party_lists_json')

    with op.batch_alter_table('party_false_positives', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_false_positives_party'))

    op.drop_table('party_false_positives')
    with op.batch_alter_table('party_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_party_entries_list_id'))

    op.drop_table('party_entries')
    op.drop_table('party_lists')

