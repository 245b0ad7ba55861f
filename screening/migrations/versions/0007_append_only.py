"""append-only triggers, signing keys and issued reports

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 04:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from screening.store import append_only

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('signing_keys',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('public_key', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Text(), nullable=False),
    sa.Column('host', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signing_keys')),
    sa.UniqueConstraint('fingerprint', name=op.f('uq_signing_keys_fingerprint'))
    )
    op.create_table('issued_reports',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('format', sa.String(length=8), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('signature', sa.Text(), nullable=False),
    sa.Column('key_fingerprint', sa.String(length=64), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('issued_by', sa.Text(), nullable=False),
    sa.Column('file_name', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_issued_reports_run_id_runs'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issued_reports'))
    )
    with op.batch_alter_table('issued_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issued_reports_digest'), ['digest'], unique=False)
        batch_op.create_index(batch_op.f('ix_issued_reports_file_sha256'), ['file_sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_issued_reports_run_id'), ['run_id'], unique=False)

    append_only.install(op.get_bind())


def downgrade() -> None:

    append_only.remove(op.get_bind())
    with op.batch_alter_table('issued_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issued_reports_run_id'))
        batch_op.drop_index(batch_op.f('ix_issued_reports_file_sha256'))
        batch_op.drop_index(batch_op.f('ix_issued_reports_digest'))

    op.drop_table('issued_reports')
    op.drop_table('signing_keys')
