"""areas: index area_memberships (area_id, role, user_id), for an area's police contacts and contact representatives

Revision ID: b7d41e9a5c20
Revises: f4a9c2d1e7b3
Create Date: 2026-11-30 21:50:00
"""
from alembic import op


revision = 'b7d41e9a5c20'
down_revision = 'f4a9c2d1e7b3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('area_memberships', schema=None) as batch_op:
        batch_op.create_index('ix_area_memberships_area_role', ['area_id', 'role', 'user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('area_memberships', schema=None) as batch_op:
        batch_op.drop_index('ix_area_memberships_area_role')
