"""Push commands: `flask --app watch push-worker` (a delivery worker; see watch.push.delivery.run) and `flask push ...`."""
from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import func, select

from watch.core.db import session_scope
from watch.push.delivery.escalation import escalate_due
from watch.push.delivery.run import serve
from watch.push.models import Delivery
from watch.push.webpush.vapid import generate_vapid_keypair

push_cli = AppGroup("push", help="Web Push: keys, escalation, delivery status.")


@click.command("push-worker")
@click.option("--once", is_flag=True, help="Send what is due (retries included) and exit.")
@click.option("--timeout", default=60.0, show_default=True, help="With --once: give up after this many seconds.")
@with_appcontext
def push_worker(once: bool, timeout: float) -> None:
    """Run a push delivery worker until SIGTERM (production: `python -m watch.push`, safe from its first instant)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    raise SystemExit(serve(current_app._get_current_object(), once=once, timeout=timeout))


@push_cli.command("generate-key")
def generate_key() -> None:
    """Print a new VAPID private key (PEM) for WATCH_VAPID_PRIVATE_KEY, and its public key."""
    pem, public = generate_vapid_keypair()
    click.echo(pem.decode("ascii").strip())
    click.echo(f"# public key (applicationServerKey): {public}", err=True)


@push_cli.command("escalate")
@with_appcontext
def escalate() -> None:
    """Escalate alerts no police contact acknowledged in time (the workers also do this)."""
    click.echo(f"escalated {escalate_due(current_app._get_current_object())} alert areas")


@push_cli.command("status")
@with_appcontext
def status() -> None:
    """Count deliveries by status."""


    with session_scope() as session:
        for st, n in session.execute(select(Delivery.status, func.count()).group_by(Delivery.status)).all():
            click.echo(f"{st}\t{n}")
