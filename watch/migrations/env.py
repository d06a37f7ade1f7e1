"""Alembic environment: runs against the app's engine and SQLModel metadata."""
from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from watch.core import db

config = context.config
target_metadata = SQLModel.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    with db.engine(config.attributes["app"]).connect() as conn:
        _run(conn)
        conn.commit()
