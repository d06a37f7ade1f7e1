"""push: fan-out jobs expanded by workers, notices (non-alert pushes), one delivery per alert/notice and device

Revision ID: f4a9c2d1e7b3
Revises: acec0043f089
Create Date: 2026-11-30 18:20:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = 'f4a9c2d1e7b3'
down_revision = 'acec0043f089'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'push_notices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column('body', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column('url', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column('priority', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column('ttl', sa.Integer(), nullable=False),
        sa.Column('area_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('push_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_push_notices_created_at'), ['created_at'], unique=False)

    op.create_table(
        'push_fanout_jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('alert_id', sa.Integer(), nullable=False),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column('cursor', sa.Integer(), nullable=True),
        sa.Column('written', sa.Integer(), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('finished_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('claimed_by', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column('claimed_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('alert_id'),
    )
    with op.batch_alter_table('push_fanout_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_push_fanout_jobs_claim', ['status', 'created_at'], unique=False)

    with op.batch_alter_table('push_deliveries', schema=None) as batch_op:
        batch_op.alter_column('alert_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('notice_id', sa.Integer(), nullable=True))
        batch_op.create_index('uq_push_deliveries_alert_subscription', ['alert_id', 'subscription_id'], unique=True)
        batch_op.create_index('uq_push_deliveries_notice_subscription', ['notice_id', 'subscription_id'], unique=True)


def downgrade() -> None:
    op.execute("DELETE FROM push_deliveries WHERE alert_id IS NULL")
    with op.batch_alter_table('push_deliveries', schema=None) as batch_op:
        batch_op.drop_index('uq_push_deliveries_notice_subscription')
        batch_op.drop_index('uq_push_deliveries_alert_subscription')
        batch_op.drop_column('notice_id')
        batch_op.alter_column('alert_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('push_fanout_jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_push_fanout_jobs_claim')
    op.drop_table('push_fanout_jobs')
    with op.batch_alter_table('push_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_push_notices_created_at'))
    op.drop_table('push_notices')
