"""push delivery priority (police first)

Revision ID: a3c1e7d2f901
Revises: 93228d334c8c
Create Date: 2026-11-30 15:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'a3c1e7d2f901'
down_revision = '93228d334c8c'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('push_deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('priority', sa.Integer(), server_default='0', nullable=False))
        batch_op.drop_index('ix_push_deliveries_claim')
        batch_op.create_index('ix_push_deliveries_claim', ['status', 'priority', 'next_attempt_at'], unique=False)
    op.execute("UPDATE push_deliveries SET priority = 2 WHERE role IN ('police', 'backup_police')")
    op.execute("UPDATE push_deliveries SET priority = 1 WHERE role IN ('contact', 'admin')")


def downgrade() -> None:
    with op.batch_alter_table('push_deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_push_deliveries_claim')
        batch_op.create_index('ix_push_deliveries_claim', ['status', 'next_attempt_at'], unique=False)
        batch_op.drop_column('priority')
