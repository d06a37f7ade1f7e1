"""Alembic migrations: the only way the schema is made outside the test suite."""
from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from flask import Flask

HERE = Path(__file__).resolve().parent


def alembic_config(app: Flask, connection=None) -> Config:
    """An Alembic config pointing at this folder and at the app's database."""
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.set_main_option("sqlalchemy.url", app.config["DATABASE_URL"].replace("%", "%%"))
    cfg.attributes["app"] = app
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(app: Flask, revision: str = "head", connection=None) -> None:
    """Apply migrations up to `revision`."""
    from alembic import command

    command.upgrade(alembic_config(app, connection), revision)
