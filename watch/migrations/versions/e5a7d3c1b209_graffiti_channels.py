"""graffiti: webhook and Open311 channels, deliveries, received updates, municipal settings

Revision ID: e5a7d3c1b209
Revises: 9eca0b7394a5
Create Date: 2026-11-30 18:20:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = 'e5a7d3c1b209'
down_revision = '9eca0b7394a5'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('graffiti_routing_rules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('endpoint', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True))
        batch_op.add_column(sa.Column('secret', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True))
        batch_op.add_column(sa.Column('service_code', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True))

    op.create_table('graffiti_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=True),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('endpoint', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('remote_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('remote_token', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['report_id'], ['graffiti_reports.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rule_id'], ['graffiti_routing_rules.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('graffiti_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_graffiti_deliveries_report_id'), ['report_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_graffiti_deliveries_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_graffiti_deliveries_next_attempt_at'), ['next_attempt_at'], unique=False)

    op.create_table('graffiti_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('update_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['report_id'], ['graffiti_reports.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('report_id', 'update_id', name='uq_graffiti_update')
    )
    with op.batch_alter_table('graffiti_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_graffiti_updates_report_id'), ['report_id'], unique=False)

    op.create_table('graffiti_settings',
    sa.Column('municipality', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('working_days', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('municipality')
    )


def downgrade() -> None:
    op.drop_table('graffiti_settings')
    with op.batch_alter_table('graffiti_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_graffiti_updates_report_id'))
    op.drop_table('graffiti_updates')
    with op.batch_alter_table('graffiti_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_graffiti_deliveries_next_attempt_at'))
        batch_op.drop_index(batch_op.f('ix_graffiti_deliveries_status'))
        batch_op.drop_index(batch_op.f('ix_graffiti_deliveries_report_id'))
    op.drop_table('graffiti_deliveries')
    with op.batch_alter_table('graffiti_routing_rules', schema=None) as batch_op:
        batch_op.drop_column('service_code')
        batch_op.drop_column('secret')
        batch_op.drop_column('endpoint')
