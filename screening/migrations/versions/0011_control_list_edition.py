"""control list edition: the whole Commerce Control List, Part 746 controls, paragraph text

The rule tables are seed data: their rows are removed here and the first start after the
upgrade loads the bundled rules again (screening.rules.store.ensure_seeded). Runs keep the
rules version they were screened with; the change log is untouched.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 03:57:52.768005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


_RULE_CONTENT = ('rule_country_chart', 'rule_country_groups', 'rule_country_aliases',
                 'rule_destination_mappings', 'rule_eccns', 'rule_eccn_controls',
                 'rule_special_controls', 'rule_license_exceptions',
                 'rule_license_exception_rules', 'rule_end_use_rules', 'rule_eei_rules',
                 'rule_savings_clauses', 'rule_regime_changes')


def upgrade() -> None:

    # Seed data only: reloaded from the bundled rules on the next start.
    for table in _RULE_CONTENT:
        op.execute(sa.text(f'DELETE FROM {table}'))

    op.create_table('rule_ccl_dates',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('eccn', sa.String(length=8), nullable=False),
    sa.Column('paragraphs', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('citation', sa.Text(), nullable=False),
    sa.Column('verification', sa.String(length=12), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_ccl_dates'))
    )
    with op.batch_alter_table('rule_ccl_dates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rule_ccl_dates_eccn'), ['eccn'], unique=False)

    op.create_table('rule_chart_footnotes',
    sa.Column('footnote', sa.String(length=8), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('edition', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('footnote', name=op.f('pk_rule_chart_footnotes'))
    )
    op.create_table('rule_destination_controls',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('country_code', sa.String(length=2), nullable=False),
    sa.Column('items', sa.String(length=8), nullable=False),
    sa.Column('severity', sa.String(length=12), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('requirement', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('citation', sa.Text(), nullable=False),
    sa.Column('verification', sa.String(length=12), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_destination_controls'))
    )
    with op.batch_alter_table('rule_destination_controls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rule_destination_controls_country_code'), ['country_code'], unique=False)

    op.create_table('rule_eccn_exception_flags',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('eccn', sa.String(length=8), nullable=False),
    sa.Column('exception', sa.String(length=8), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('edition', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_eccn_exception_flags'))
    )
    with op.batch_alter_table('rule_eccn_exception_flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rule_eccn_exception_flags_eccn'), ['eccn'], unique=False)

    op.create_table('rule_eccn_paragraphs',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('eccn', sa.String(length=8), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('paragraph', sa.String(length=40), nullable=False),
    sa.Column('depth', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('edition', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_eccn_paragraphs'))
    )
    with op.batch_alter_table('rule_eccn_paragraphs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rule_eccn_paragraphs_eccn'), ['eccn'], unique=False)

    with op.batch_alter_table('rule_country_chart', schema=None) as batch_op:
        batch_op.add_column(sa.Column('footnotes', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('referral', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('edition', sa.String(length=20), nullable=False, server_default=''))

    with op.batch_alter_table('rule_country_groups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('edition', sa.String(length=20), nullable=False, server_default=''))

    with op.batch_alter_table('rule_eccn_controls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rule_eccn_controls_eccn'))
    op.drop_table('rule_eccn_controls')
    op.create_table('rule_eccn_controls',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('eccn', sa.String(length=8), nullable=False),
    sa.Column('column', sa.String(length=4), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('reason', sa.String(length=8), nullable=False),
    sa.Column('paragraphs', sa.Text(), nullable=False),
    sa.Column('except_paragraphs', sa.Text(), nullable=False),
    sa.Column('condition', sa.Text(), nullable=False),
    sa.Column('scope', sa.Text(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('edition', sa.String(length=20), nullable=False),
    sa.Column('citation', sa.Text(), nullable=False),
    sa.Column('verification', sa.String(length=12), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_eccn_controls'))
    )
    with op.batch_alter_table('rule_eccn_controls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rule_eccn_controls_eccn'), ['eccn'], unique=False)

    with op.batch_alter_table('rule_eccns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('points_to_itar', sa.String(length=8), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('valid_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('supp2_verification', sa.String(length=12), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('edition', sa.String(length=20), nullable=False, server_default=''))

    with op.batch_alter_table('rule_end_use_rules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('severity', sa.String(length=12), nullable=False, server_default=''))

    with op.batch_alter_table('rule_special_controls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requirement', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('reason', sa.String(length=8), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('except_paragraphs', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('condition', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('scope', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('edition', sa.String(length=20), nullable=False, server_default=''))



def downgrade() -> None:
    with op.batch_alter_table('rule_special_controls', schema=None) as batch_op:
        batch_op.drop_column('edition')
        batch_op.drop_column('scope')
        batch_op.drop_column('condition')
        batch_op.drop_column('except_paragraphs')
        batch_op.drop_column('reason')
        batch_op.drop_column('requirement')

    with op.batch_alter_table('rule_end_use_rules', schema=None) as batch_op:
        batch_op.drop_column('severity')

    with op.batch_alter_table('rule_eccns', schema=None) as batch_op:
        batch_op.drop_column('edition')
        batch_op.drop_column('supp2_verification')
        batch_op.drop_column('valid_from')
        batch_op.drop_column('points_to_itar')

    with op.batch_alter_table('rule_eccn_controls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rule_eccn_controls_eccn'))
    op.drop_table('rule_eccn_controls')
    op.create_table('rule_eccn_controls',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('eccn', sa.String(length=8), nullable=False),
    sa.Column('column', sa.String(length=4), nullable=False),
    sa.Column('paragraphs', sa.Text(), nullable=False),
    sa.Column('except_paragraphs', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('citation', sa.Text(), nullable=False),
    sa.Column('verification', sa.String(length=12), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_eccn_controls'))
    )
    with op.batch_alter_table('rule_eccn_controls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rule_eccn_controls_eccn'), ['eccn'], unique=False)

    with op.batch_alter_table('rule_country_groups', schema=None) as batch_op:
        batch_op.drop_column('edition')

    with op.batch_alter_table('rule_country_chart', schema=None) as batch_op:
        batch_op.drop_column('edition')
        batch_op.drop_column('referral')
        batch_op.drop_column('footnotes')

    with op.batch_alter_table('rule_eccn_paragraphs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rule_eccn_paragraphs_eccn'))

    op.drop_table('rule_eccn_paragraphs')
    with op.batch_alter_table('rule_eccn_exception_flags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rule_eccn_exception_flags_eccn'))

    op.drop_table('rule_eccn_exception_flags')
    with op.batch_alter_table('rule_destination_controls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rule_destination_controls_country_code'))

    op.drop_table('rule_destination_controls')
    op.drop_table('rule_chart_footnotes')
    with op.batch_alter_table('rule_ccl_dates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rule_ccl_dates_eccn'))

    op.drop_table('rule_ccl_dates')
