"""initial schema: rules, runs, mapping profiles

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 11:35:18.347221
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('mapping_profiles',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('mapping_json', sa.Text(), nullable=False),
    sa.Column('date_order', sa.String(length=3), nullable=False),
    sa.Column('header_signature', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mapping_profiles')),
    sa.UniqueConstraint('name', name=op.f('uq_mapping_profiles_name'))
    )
    with op.batch_alter_table('mapping_profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mapping_profiles_header_signature'), ['header_signature'], unique=False)

    op.create_table('rule_country_aliases',
    sa.Column('alias', sa.String(length=200), nullable=False),
    sa.Column('country_code', sa.String(length=2), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('alias', name=op.f('pk_rule_country_aliases'))
    )
    with op.batch_alter_table('rule_country_aliases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rule_country_aliases_country_code'), ['country_code'], unique=False)

    op.create_table('rule_country_chart',
    sa.Column('row_key', sa.String(length=32), nullable=False),
    sa.Column('country_code', sa.String(length=2), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('CB1', sa.Boolean(), nullable=False),
    sa.Column('CB2', sa.Boolean(), nullable=False),
    sa.Column('CB3', sa.Boolean(), nullable=False),
    sa.Column('NP1', sa.Boolean(), nullable=False),
    sa.Column('NP2', sa.Boolean(), nullable=False),
    sa.Column('NS1', sa.Boolean(), nullable=False),
    sa.Column('NS2', sa.Boolean(), nullable=False),
    sa.Column('MT1', sa.Boolean(), nullable=False),
    sa.Column('RS1', sa.Boolean(), nullable=False),
    sa.Column('RS2', sa.Boolean(), nullable=False),
    sa.Column('FC1', sa.Boolean(), nullable=False),
    sa.Column('CC1', sa.Boolean(), nullable=False),
    sa.Column('CC2', sa.Boolean(), nullable=False),
    sa.Column('CC3', sa.Boolean(), nullable=False),
    sa.Column('AT1', sa.Boolean(), nullable=False),
    sa.Column('AT2', sa.Boolean(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('date_basis', sa.Text(), nullable=False),
    sa.Column('unverified_cells', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('citation', sa.Text(), nullable=False),
    sa.Column('verification', sa.String(length=12), nullable=False),
    sa.PrimaryKeyConstraint('row_key', name=op.f('pk_rule_country_chart'))
    )
    with op.batch_alter_table('rule_country_chart', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rule_country_chart_country_code'), ['country_code'], unique=False)

    op.create_table('rule_country_groups',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('country_code', sa.String(length=2), nullable=False),
    sa.Column('group', sa.String(length=8), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('date_basis', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('citation', sa.Text(), nullable=False),
    sa.Column('verification', sa.String(length=12), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_country_groups'))
    )
    with op.batch_alter_table('rule_country_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rule_country_groups_country_code'), ['country_code'], unique=False)

    op.create_table('rule_destination_mappings',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('country_code', sa.String(length=2), nullable=False),
    sa.Column('licensed_as', sa.String(length=2), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('citation', sa.Text(), nullable=False),
    sa.Column('verification', sa.String(length=12), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_destination_mappings'))
    )
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

    op.create_table('rule_eccns',
    sa.Column('eccn', sa.String(length=8), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('reasons_for_control', sa.String(length=100), nullable=False),
    sa.Column('supp2', sa.String(length=8), nullable=False),
    sa.Column('supp2_since', sa.Date(), nullable=True),
    sa.Column('supp2_citation', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('citation', sa.Text(), nullable=False),
    sa.Column('verification', sa.String(length=12), nullable=False),
    sa.PrimaryKeyConstraint('eccn', name=op.f('pk_rule_eccns'))
    )
    op.create_table('rule_eei_rules',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('country_code', sa.String(length=2), nullable=False),
    sa.Column('scope', sa.String(length=8), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('citation', sa.Text(), nullable=False),
    sa.Column('verification', sa.String(length=12), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_eei_rules'))
    )
    op.create_table('rule_end_use_rules',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('rule', sa.String(length=12), nullable=False),
    sa.Column('country_code', sa.String(length=2), nullable=False),
    sa.Column('scope', sa.String(length=8), nullable=False),
    sa.Column('end_user', sa.String(length=20), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('citation', sa.Text(), nullable=False),
    sa.Column('verification', sa.String(length=12), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_end_use_rules'))
    )
    op.create_table('rule_license_exception_rules',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('country_code', sa.String(length=2), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('citation', sa.Text(), nullable=False),
    sa.Column('verification', sa.String(length=12), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_license_exception_rules'))
    )
    with op.batch_alter_table('rule_license_exception_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rule_license_exception_rules_code'), ['code'], unique=False)

    op.create_table('rule_license_exceptions',
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('section', sa.Text(), nullable=False),
    sa.Column('eligible_groups', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('citation', sa.Text(), nullable=False),
    sa.Column('verification', sa.String(length=12), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_rule_license_exceptions'))
    )
    op.create_table('rule_meta',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('version', sa.String(length=64), nullable=False),
    sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('loaded_by', sa.String(length=200), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_meta'))
    )
    op.create_table('rule_regime_changes',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('effective', sa.Date(), nullable=True),
    sa.Column('published', sa.Date(), nullable=True),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('citation', sa.Text(), nullable=False),
    sa.Column('verification', sa.String(length=12), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_regime_changes'))
    )
    op.create_table('rule_savings_clauses',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('country_code', sa.String(length=2), nullable=False),
    sa.Column('change_date', sa.Date(), nullable=True),
    sa.Column('lost', sa.String(length=20), nullable=False),
    sa.Column('export_by', sa.Date(), nullable=True),
    sa.Column('edge_date', sa.Date(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('citation', sa.Text(), nullable=False),
    sa.Column('verification', sa.String(length=12), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_savings_clauses'))
    )
    op.create_table('rule_special_controls',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('eccn', sa.String(length=8), nullable=False),
    sa.Column('paragraphs', sa.Text(), nullable=False),
    sa.Column('destinations', sa.Text(), nullable=False),
    sa.Column('groups', sa.Text(), nullable=False),
    sa.Column('except_groups', sa.Text(), nullable=False),
    sa.Column('except_destinations', sa.Text(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('severity', sa.String(length=12), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('citation', sa.Text(), nullable=False),
    sa.Column('verification', sa.String(length=12), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_special_controls'))
    )
    with op.batch_alter_table('rule_special_controls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rule_special_controls_eccn'), ['eccn'], unique=False)

    op.create_table('runs',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('input_name', sa.Text(), nullable=False),
    sa.Column('input_size', sa.Integer(), nullable=False),
    sa.Column('input_sha256', sa.String(length=64), nullable=False),
    sa.Column('input_copy', sa.Text(), nullable=False),
    sa.Column('sheet', sa.Text(), nullable=False),
    sa.Column('header_row', sa.Integer(), nullable=True),
    sa.Column('mapping_json', sa.Text(), nullable=False),
    sa.Column('headers_json', sa.Text(), nullable=False),
    sa.Column('mapping_profile', sa.Text(), nullable=False),
    sa.Column('date_order', sa.String(length=3), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=True),
    sa.Column('app_version', sa.String(length=40), nullable=False),
    sa.Column('rules_version', sa.String(length=64), nullable=False),
    sa.Column('user', sa.String(length=200), nullable=False),
    sa.Column('host', sa.String(length=200), nullable=False),
    sa.Column('database', sa.String(length=40), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('line_count', sa.Integer(), nullable=False),
    sa.Column('blank_rows', sa.Integer(), nullable=False),
    sa.Column('counts_json', sa.Text(), nullable=False),
    sa.Column('newly_licensable', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_runs'))
    )
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_runs_input_sha256'), ['input_sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_runs_rules_version'), ['rules_version'], unique=False)

    op.create_table('run_finding_sets',
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('set_no', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('findings_json', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_run_finding_sets_run_id_runs'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('run_id', 'set_no', name=op.f('pk_run_finding_sets'))
    )
    op.create_table('run_lines',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('row', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Text(), nullable=False),
    sa.Column('verdict', sa.String(length=16), nullable=False),
    sa.Column('destination', sa.String(length=2), nullable=True),
    sa.Column('ultimate_destination', sa.String(length=2), nullable=True),
    sa.Column('licensing_destination', sa.String(length=2), nullable=True),
    sa.Column('newly_licensable', sa.Boolean(), nullable=False),
    sa.Column('export_date', sa.Date(), nullable=True),
    sa.Column('date_assumed', sa.Boolean(), nullable=False),
    sa.Column('eccn', sa.String(length=40), nullable=True),
    sa.Column('license_exception', sa.String(length=20), nullable=True),
    sa.Column('license_number', sa.Text(), nullable=True),
    sa.Column('end_user', sa.Text(), nullable=True),
    sa.Column('end_user_type', sa.String(length=20), nullable=True),
    sa.Column('consignee', sa.Text(), nullable=True),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('quantity', sa.Float(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('hs_code', sa.Text(), nullable=True),
    sa.Column('raw_json', sa.Text(), nullable=False),
    sa.Column('findings_set', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['run_id', 'findings_set'], ['run_finding_sets.run_id', 'run_finding_sets.set_no'], name='fk_run_lines_findings_set'),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_run_lines_run_id_runs'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_run_lines'))
    )
    with op.batch_alter_table('run_lines', schema=None) as batch_op:
        batch_op.create_index('ix_run_lines_run_row', ['run_id', 'row'], unique=False)
        batch_op.create_index('ix_run_lines_run_verdict', ['run_id', 'verdict'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('run_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_run_lines_run_verdict')
        batch_op.drop_index('ix_run_lines_run_row')

    op.drop_table('run_lines')
    op.drop_table('run_finding_sets')
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_runs_rules_version'))
        batch_op.drop_index(batch_op.f('ix_runs_input_sha256'))

    op.drop_table('runs')
    with op.batch_alter_table('rule_special_controls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rule_special_controls_eccn'))

    op.drop_table('rule_special_controls')
    op.drop_table('rule_savings_clauses')
    op.drop_table('rule_regime_changes')
    op.drop_table('rule_meta')
    op.drop_table('rule_license_exceptions')
    with op.batch_alter_table('rule_license_exception_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rule_license_exception_rules_code'))

    op.drop_table('rule_license_exception_rules')
    op.drop_table('rule_end_use_rules')
    op.drop_table('rule_eei_rules')
    op.drop_table('rule_eccns')
    with op.batch_alter_table('rule_eccn_controls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rule_eccn_controls_eccn'))

    op.drop_table('rule_eccn_controls')
    op.drop_table('rule_destination_mappings')
    with op.batch_alter_table('rule_country_groups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rule_country_groups_country_code'))

    op.drop_table('rule_country_groups')
    with op.batch_alter_table('rule_country_chart', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rule_country_chart_country_code'))

    op.drop_table('rule_country_chart')
    with op.batch_alter_table('rule_country_aliases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rule_country_aliases_country_code'))

    op.drop_table('rule_country_aliases')
    with op.batch_alter_table('mapping_profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mapping_profiles_header_signature'))

    op.drop_table('mapping_profiles')

