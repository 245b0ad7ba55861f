"""line cells stored once per batch (run_line_cells), frozen with their run

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 17:40:00.000000
"""

from __future__ import annotations

import json

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
    # The lines stored since keep their cells in the records: each line gets its own back
    # (as 0012's code stored them) before the records go, or the cells would be lost.
    bind = op.get_bind()
    append_only.remove(bind)  # a complete run's lines are frozen
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    update = sa.text('UPDATE run_lines SET raw_json = :raw '
                     'WHERE run_id = :run AND "row" = :row AND raw_json = \'\'')
    keys = bind.execute(sa.text(
        "SELECT run_id, first_row FROM run_line_cells ORDER BY run_id, first_row")).all()
    for run_id, first_row in keys:  # a record at a time: a big run's would fill memory
        record = json.loads(bind.execute(sa.text(
            "SELECT cells_json FROM run_line_cells WHERE run_id = :run AND first_row = :first"),
            {"run": run_id, "first": first_row}).scalar_one())
        bind.execute(update, [{"raw": encode(cells), "run": run_id, "row": row}
                              for row, cells in zip(record["rows"], record["cells"],
                                                    strict=True)])
    left = bind.execute(sa.text("SELECT count(*) FROM run_lines WHERE raw_json = ''")).scalar()
    if left:
        raise RuntimeError(f"{left} stored lines have no cells record: not downgrading, "
                           f"their original cells would be lost")
    op.drop_table('run_line_cells')
    append_only.install(bind)
