"""`flask --app watch alerts expire|purge`."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from watch.alerts import lifecycle
from watch.core.db import session_scope

alerts_cli = AppGroup("alerts", help="Alert housekeeping.")


@alerts_cli.command("expire")
def expire_cmd() -> None:
    """Close open alerts older than ALERTS_EXPIRE_HOURS."""
    with session_scope() as session:
        click.echo(f"Expired {lifecycle.expire(session)} alerts.")


@alerts_cli.command("purge")
@click.option("--days", type=int, default=None, help="Retention in days (default ALERTS_RETENTION_DAYS).")
def purge_cmd(days: int | None) -> None:
    """Delete alerts (and their photos) older than the retention period."""
    if days is not None and days < 1:
        raise click.BadParameter("must be at least 1", param_hint="--days")
    with session_scope() as session:
        alerts, photos = lifecycle.purge(session, days=days)
        click.echo(f"Purged {alerts} alerts and {photos} photos.")
