"""Recording, listing, exporting and purging access records."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete
from sqlmodel import Session, select

from watch.audit.models import AccessRecord
from watch.core.db import session_scope
from watch.core.time import utcnow

#: What can be recorded, with its label for the admin page and the data export.
KINDS = {
    "alert": _l("Alert"),
    "alert_photo": _l("Alert photo"),
    "household_roster": _l("Household roster"),
    "boat_register": _l("Boat register"),
    "boat": _l("Boat"),
    "away_notice": _l("Away notice"),
}
ROLES = {"police": _l("Police"), "admin": _l("Admin"), "member": _l("Neighbour")}
#: Kinds whose every reader is recorded, not only police and admins: an away
#: notice tells neighbours when a house stands empty, so each read is kept.
EVERY_READER = {"away_notice"}


def actor_role(actor) -> str | None:
    """'admin' or 'police' for the people whose views are recorded; None for everyone else."""
    if getattr(actor, "is_admin", False):
        return "admin"
    if getattr(actor, "is_police", False):
        return "police"
    return None


def record_access(session: Session, *, actor, kind: str, object_id: int, owner_id: int | None = None) -> AccessRecord | None:
    """Record that a police officer or admin viewed `kind` #object_id (owner_id: whose data, if one person's).

    Call it after the access check passed, when the data is shown. Views by anyone
    else are not recorded (returns None), except for EVERY_READER kinds. Adds the row and commits, so call it
    where nothing else is pending in the session (a GET view, an API read).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown access kind {kind!r}")
    role = actor_role(actor)
    if role is None and kind in EVERY_READER:
        role = "member"
    if role is None:
        return None
    row = AccessRecord(actor_id=actor.id, actor_name=actor.display_name or "", actor_role=role, kind=kind,
                       object_id=int(object_id), owner_id=owner_id)
    session.add(row)
    session.commit()
    return row


def records(session: Session, *, actor_id: int | None = None, kind: str | None = None, owner_id: int | None = None,
            since: datetime | None = None, until: datetime | None = None, limit: int = 200) -> list[AccessRecord]:
    """The newest records matching every filter given."""
    query = select(AccessRecord)
    if actor_id is not None:
        query = query.where(AccessRecord.actor_id == actor_id)
    if kind:
        query = query.where(AccessRecord.kind == kind)
    if owner_id is not None:
        query = query.where(AccessRecord.owner_id == owner_id)
    if since is not None:
        query = query.where(AccessRecord.at >= since)
    if until is not None:
        query = query.where(AccessRecord.at < until)
    return list(session.exec(query.order_by(AccessRecord.at.desc(), AccessRecord.id.desc()).limit(limit)))


def purge(session: Session, *, days: int, now: datetime | None = None) -> int:
    """Delete records older than `days` (AUDIT_RETENTION_DAYS). Commits."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    result = session.execute(delete(AccessRecord).where(AccessRecord.at < cutoff))
    session.commit()
    return result.rowcount or 0


def purge_task(app: Flask) -> None:
    """Retention, as a registered periodic task."""
    with session_scope(app) as session:
        purge(session, days=int(app.config["AUDIT_RETENTION_DAYS"]))
