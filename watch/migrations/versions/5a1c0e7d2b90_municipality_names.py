"""municipality names: free-text values of areas and users normalised to Sweden's official names

Revision ID: 5a1c0e7d2b90
Revises: c014654c933c
Create Date: 2026-11-30 16:05:00
"""
from alembic import op
import sqlalchemy as sa


revision = '5a1c0e7d2b90'
down_revision = 'c014654c933c'
branch_labels = None
depends_on = None


def _normalise(table: str) -> None:
    """"nyköpings kommun", " Nyköping ", "0480" -> "Nyköping"; values that match no municipality stay as typed."""
    from watch.core.municipalities import normalise

    bind = op.get_bind()
    t = sa.table(table, sa.column("municipality", sa.String))
    for (value,) in bind.execute(sa.select(t.c.municipality).distinct()).all():
        name = normalise(value)
        if name is not None and name != value:
            bind.execute(t.update().where(t.c.municipality == value).values(municipality=name))


def upgrade() -> None:
    _normalise("areas")
    _normalise("users")


def downgrade() -> None:
    pass  # the official names are valid values in the old schema too
