"""rules revision token: triggers on every rule table change it, so a kept copy of the
rules (screening.rules.cache) is reused only while the rules are unchanged

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 09:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from screening.rules import revision as rules_revision

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rules_revision',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rules_revision'))
    )
    bind = op.get_bind()
    bind.execute(sa.text(f"INSERT INTO rules_revision (id, token) "
                         f"VALUES (1, {rules_revision.first_token(bind.dialect.name)})"))
    rules_revision.install(bind)


def downgrade() -> None:
    rules_revision.remove(op.get_bind())
    op.drop_table('rules_revision')
