"""areas: a move to another municipality is proposed like a new outline

Revision ID: e41a7c2d9b10
Revises: e5a7d3c1b209
Create Date: 2026-11-30 18:30:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = 'e41a7c2d9b10'
down_revision = 'e5a7d3c1b209'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('area_outline_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outline_changed', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('municipality', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('area_outline_changes', schema=None) as batch_op:
        batch_op.drop_column('municipality')
        batch_op.drop_column('outline_changed')
