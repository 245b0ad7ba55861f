"""reviews.account: the OS account and machine each decision was recorded from

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 04:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from screening.store import append_only

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Earlier decisions keep an empty account: it was not recorded then.
    op.add_column("reviews", sa.Column("account", sa.Text(), nullable=False,
                                       server_default=""))
    append_only.install(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("reviews") as batch:
        batch.drop_column("account")
    append_only.install(op.get_bind())
