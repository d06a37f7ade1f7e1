"""Alembic migrations are the schema: they apply cleanly and match the models."""
from __future__ import annotations

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlmodel import SQLModel

from tests.conftest import PG_URL, _with_search_path
from watch import create_app
from watch.migrations import upgrade


@pytest.fixture
def empty_database_url(tmp_path):
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    schema = f"m_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield _with_search_path(PG_URL, schema)
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def test_migrations_create_the_schema_the_models_describe(tmp_path, empty_database_url):
    app = create_app({"ENV": "testing", "DATABASE_URL": empty_database_url, "SECRET_KEY": "m" * 40, "INSTANCE_PATH": str(tmp_path)})
    upgrade(app)
    engine = create_engine(empty_database_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata)
    engine.dispose()
    assert diff == [], "models and migrations disagree: flask --app watch db revision -m '...'\n" + "\n".join(map(str, diff))


def test_cli_upgrade(tmp_path, empty_database_url):
    app = create_app({"ENV": "testing", "DATABASE_URL": empty_database_url, "SECRET_KEY": "m" * 40, "INSTANCE_PATH": str(tmp_path)})
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])  # idempotent
    assert result.exit_code == 0, result.output
