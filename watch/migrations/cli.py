"""`flask --app watch db ...`: upgrade, downgrade, revision, current."""
from __future__ import annotations

import click
from alembic import command
from flask import current_app
from flask.cli import AppGroup

from watch.core.db import engine
from watch.migrations import alembic_config

db_cli = AppGroup("db", help="Database migrations (Alembic).")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade_cmd(revision: str) -> None:
    """Apply migrations up to REVISION (default: head), and say what happened: created, upgraded or unchanged."""
    before = _revision()
    command.upgrade(alembic_config(current_app), revision)
    after = _revision()
    url = engine().url.render_as_string(hide_password=True)
    if before is None:
        click.echo(f"Created the database {url} (revision {after}).")
    elif before == after:
        click.echo(f"Database {url} is already at {after}.")
    else:
        click.echo(f"Upgraded the database {url} from {before} to {after}.")


def _revision() -> str | None:
    """The database's Alembic revision, None for an empty (new) database."""
    from alembic.runtime.migration import MigrationContext

    with engine().connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@db_cli.command("downgrade")
@click.argument("revision")
def downgrade_cmd(revision: str) -> None:
    """Revert migrations down to REVISION."""
    command.downgrade(alembic_config(current_app), revision)


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def revision_cmd(message: str) -> None:
    """Autogenerate a migration from the models."""
    command.revision(alembic_config(current_app), message=message, autogenerate=True)


@db_cli.command("current")
def current_cmd() -> None:
    """Show the database's revision."""
    command.current(alembic_config(current_app))
