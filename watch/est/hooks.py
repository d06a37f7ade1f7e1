"""GDPR receivers, the organisation guard, retention and the purge task."""
from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from watch.core import events
from watch.core.db import session_scope
from watch.core.time import utcnow
from watch.core.errors import ServiceError
from watch.est.models import EstAction, EstPhoto, EstReport, EstSnapshot
from watch.est.reports.photos import remove_files


def on_user_deleting(user, session, **_kw) -> None:
    """Reports stay (they describe places, not the reporter), forgetting who wrote and reviewed them."""
    for r in session.exec(select(EstReport).where((EstReport.reporter_id == user.id) | (EstReport.reviewed_by_id == user.id))).all():
        if r.reporter_id == user.id:
            r.reporter_id = None
            r.client_key = None
        if r.reviewed_by_id == user.id:
            r.reviewed_by_id = None
        session.add(r)
    for s in session.exec(select(EstSnapshot).where(EstSnapshot.frozen_by_id == user.id)).all():
        s.frozen_by_id = None
        session.add(s)
    session.flush()


def on_user_export(user, session, data, **_kw) -> None:
    """The EST reports the user wrote."""
    data["est_reports"] = [
        {"id": r.id, "municipality": r.municipality, "occurred_at": r.occurred_at.isoformat(), "category": r.category,
         "subcategory": r.subcategory, "description": r.description, "status": r.status}
        for r in session.exec(select(EstReport).where(EstReport.reporter_id == user.id).order_by(EstReport.id))
    ]


def on_organisation_deleting(org, session, **_kw) -> None:
    """An organisation with reports or actions is kept: deactivate it instead."""
    used = session.exec(select(EstReport.id).where(EstReport.organisation_id == org.id).limit(1)).first() or \
        session.exec(select(EstAction.id).where(EstAction.owner_organisation_id == org.id).limit(1)).first()
    if used is not None:
        raise ServiceError("organisation_in_use", _l("The organisation has EST reports or actions: deactivate it instead."), 409)


def purge(session: Session, *, days: int, now=None) -> int:
    """Delete reports (and their photos) older than `days`; frozen pictures keep their aggregates."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    ids = list(session.exec(select(EstReport.id).where(EstReport.occurred_at < cutoff)).all())
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        names = list(session.exec(select(EstPhoto.filename).where(EstPhoto.report_id.in_(chunk))).all())
        for r in session.exec(select(EstReport).where(EstReport.merged_into_id.in_(chunk))).all():
            r.merged_into_id = None
            session.add(r)
        for r in session.exec(select(EstReport).where(EstReport.id.in_(chunk))).all():
            session.delete(r)
        session.commit()
        remove_files(names)
    return len(ids)


def retention_task(app: Flask) -> None:
    """The registered purge task (EST_RETENTION_DAYS)."""
    with session_scope(app) as session:
        purge(session, days=int(app.config["EST_RETENTION_DAYS"]))


def connect() -> None:
    """Connect the receivers."""
    events.user_deleting.connect(on_user_deleting)
    events.user_export.connect(on_user_export)
    events.organisation_deleting.connect(on_organisation_deleting)
