"""GDPR receivers, the organisation guard, retention and its purge task."""
from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from watch.core import events
from watch.core.db import session_scope
from watch.core.time import utcnow
from watch.core.errors import ServiceError
from watch.walks.models import Measure, MeasureObservation, Walk, WalkInvite, WalkObservation
from watch.walks.observations import remove_files


def on_user_deleting(user, session, **_kw) -> None:
    """Observations describe places: they stay, forgetting who made them; so do the walks someone planned."""
    for obs in session.exec(select(WalkObservation).where(WalkObservation.author_id == user.id)).all():
        obs.author_id, obs.client_key = None, None
        session.add(obs)
    for walk in session.exec(select(Walk).where(Walk.created_by_id == user.id)).all():
        walk.created_by_id = None
        session.add(walk)
    session.flush()


def on_user_export(user, session, data, **_kw) -> None:
    """The observations the user logged on walks."""
    rows = session.exec(select(WalkObservation, Walk).join(Walk, Walk.id == WalkObservation.walk_id)
                        .where(WalkObservation.author_id == user.id).order_by(WalkObservation.id))
    data["walk_observations"] = [
        {"walk": w.name, "municipality": w.municipality, "observed_at": o.observed_at.isoformat(), "category": o.category,
         "lon": o.lon, "lat": o.lat, "note": o.note, "suggestion": o.suggestion, "has_photo": bool(o.photo)}
        for o, w in rows
    ]


def on_organisation_deleting(org, session, **_kw) -> None:
    """An organisation that organised walks is kept (deactivate it); invitations and responsibilities just go."""
    if session.exec(select(Walk.id).where(Walk.organiser_id == org.id).limit(1)).first() is not None:
        raise ServiceError("organisation_in_use", _l("The organisation has organised safety walks: deactivate it instead."), 409)
    for invite in session.exec(select(WalkInvite).where(WalkInvite.organisation_id == org.id)).all():
        session.delete(invite)
    for m in session.exec(select(Measure).where(Measure.responsible_org_id == org.id)).all():
        m.responsible_org_id = None
        session.add(m)


def drop_walk(session: Session, walk: Walk) -> list[str]:
    """Delete a walk with everything under it; returns the photo files to remove after the commit."""
    measures = session.exec(select(Measure).where(Measure.walk_id == walk.id)).all()
    observations = session.exec(select(WalkObservation).where(WalkObservation.walk_id == walk.id)).all()
    files = [m.after_photo for m in measures] + [o.photo for o in observations]
    ids = [m.id for m in measures]
    if ids:
        for link in session.exec(select(MeasureObservation).where(MeasureObservation.measure_id.in_(ids))).all():
            session.delete(link)
    session.flush()
    for row in [*measures, *observations, *session.exec(select(WalkInvite).where(WalkInvite.walk_id == walk.id)).all()]:
        session.delete(row)
    session.flush()
    session.delete(walk)
    return [f for f in files if f]


def purge(session: Session, *, days: int, now=None) -> int:
    """Delete walks that started more than `days` ago, with their observations, measures and photos."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    walks = session.exec(select(Walk).where(Walk.starts_at < cutoff)).all()
    for walk in walks:
        files = drop_walk(session, walk)
        session.commit()
        remove_files(files)
    return len(walks)


def retention_task(app: Flask) -> None:
    """The registered purge task (WALKS_RETENTION_DAYS)."""
    with session_scope(app) as session:
        purge(session, days=int(app.config["WALKS_RETENTION_DAYS"]))


def connect() -> None:
    """Connect the receivers."""
    events.user_deleting.connect(on_user_deleting)
    events.user_export.connect(on_user_export)
    events.organisation_deleting.connect(on_organisation_deleting)
