"""`flask --app watch areas ...`: list, approve, reject, mark-trained, archive, index-stats."""
from __future__ import annotations

import time
from datetime import date

import click
from flask.cli import AppGroup
from sqlmodel import select

from watch.accounts import service as accounts
from watch.areas.geometry import spatial
from watch.areas.registration import service as registration
from watch.areas.models import Area, AreaStatus
from watch.core.db import session_scope
from watch.core.errors import ServiceError

areas_cli = AppGroup("areas", help="Manage watch areas.")


def _actor(session, email: str):
    user = accounts.get_by_email(session, email)
    if user is None:
        raise click.ClickException(f"No user with e-mail {email}.")
    return user


def _run(fn):
    try:
        return fn()
    except ServiceError as exc:
        raise click.ClickException(str(exc.message))


@areas_cli.command("list")
@click.option("--status", type=click.Choice([s.value for s in AreaStatus]), help="Only areas with this status.")
@click.option("--municipality", help="Only areas in this municipality.")
def list_areas(status: str | None, municipality: str | None) -> None:
    """List areas: id, status, kind, municipality, name, contacts and training."""
    with session_scope() as session:
        q = select(Area).order_by(Area.municipality, Area.name, Area.id)
        if status:
            q = q.where(Area.status == AreaStatus(status))
        rows = [a for a in session.exec(q) if not municipality or registration.same_municipality(a.municipality, municipality)]
        for a in rows:
            trained = "trained" if registration.has_trained_contact(session, a.id) else "untrained"
            click.echo(f"{a.id}\t{a.status.value}\t{a.kind.value}\t{a.municipality}\t{a.name}\t"
                       f"{len(registration.contacts(session, a.id))} contact(s), {trained}")
        if not rows:
            click.echo("No areas.")


@areas_cli.command("approve")
@click.argument("area_id", type=int)
@click.option("--as", "actor", required=True, help="E-mail of the approving police user or admin.")
def approve(area_id: int, actor: str) -> None:
    """Approve pending area AREA_ID (needs a trained contact representative)."""
    with session_scope() as session:
        area = _run(lambda: registration.approve_area(session, _actor(session, actor), area_id))
        click.echo(f"Area {area.id} ({area.name}) is active.")


@areas_cli.command("reject")
@click.argument("area_id", type=int)
@click.option("--as", "actor", required=True, help="E-mail of the police user or admin.")
@click.option("--reason", required=True, help="Shown to the contact representative.")
def reject(area_id: int, actor: str, reason: str) -> None:
    """Reject pending area AREA_ID with a reason."""
    with session_scope() as session:
        area = _run(lambda: registration.reject_area(session, _actor(session, actor), area_id, reason=reason))
        click.echo(f"Area {area.id} ({area.name}) is rejected.")


@areas_cli.command("mark-trained")
@click.argument("area_id", type=int)
@click.argument("contact_email")
@click.option("--as", "actor", required=True, help="E-mail of the police user or admin recording it.")
@click.option("--on", "trained_on", type=click.DateTime(formats=["%Y-%m-%d"]), help="Training date (default today).")
def mark_trained(area_id: int, contact_email: str, actor: str, trained_on) -> None:
    """Record that CONTACT_EMAIL, a contact representative of AREA_ID, was trained."""
    with session_scope() as session:
        contact = _actor(session, contact_email)
        day: date | None = trained_on.date() if trained_on else None
        m = _run(lambda: registration.mark_trained(session, _actor(session, actor), area_id, user_id=contact.id, trained_on=day))
        click.echo(f"{contact.email} trained on {m.trained_on.isoformat()} (area {area_id}).")


@areas_cli.command("archive")
@click.argument("area_id", type=int)
@click.option("--as", "actor", required=True, help="E-mail of a contact, police user or admin.")
def archive(area_id: int, actor: str) -> None:
    """Archive area AREA_ID."""
    with session_scope() as session:
        area = _run(lambda: registration.archive_area(session, _actor(session, actor), area_id))
        click.echo(f"Area {area.id} ({area.name}) is archived.")


@areas_cli.command("index-stats")
def index_stats() -> None:
    """Build the spatial index of active areas and report its size."""
    spatial.invalidate()
    started = time.perf_counter()
    index = spatial.get_index()
    click.echo(f"{len(index)} active areas indexed in {(time.perf_counter() - started) * 1000:.0f} ms.")
