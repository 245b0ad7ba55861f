"""line cells stored once per batch (run_line_cells), frozen with their run

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 17:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from screening.store import append_only

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('run_line_cells',
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('first_row', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_row', sa.Integer(), nullable=False),
    sa.Column('cells_json', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_run_line_cells_run_id_runs'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('run_id', 'first_row', name=op.f('pk_run_line_cells'))
    )
    append_only.install(op.get_bind())  # its rows freeze with their run


def downgrade() -> None:
    op.drop_table('run_line_cells')
    append_only.install(op.get_bind())
