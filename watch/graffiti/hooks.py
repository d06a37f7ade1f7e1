"""GDPR receivers, the organisation guard, retention and the periodic tasks."""
from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlmodel import Session, select

from watch.core import events
from watch.core.db import session_scope
from watch.core.time import utcnow
from watch.graffiti.models import GraffitiDelivery, GraffitiPhoto, GraffitiReport, GraffitiUpdate, OwnerZone, RoutingRule
from watch.graffiti.service import remove_files


def on_user_deleting(user, session, **_kw) -> None:
    """Reports describe places: they stay, forgetting who sent them."""
    for r in session.exec(select(GraffitiReport).where(GraffitiReport.reporter_id == user.id)).all():
        r.reporter_id, r.client_key = None, None
        session.add(r)
    for u in session.exec(select(GraffitiUpdate).where(GraffitiUpdate.by_id == user.id)).all():
        u.by_id = None
        session.add(u)
    session.flush()


def on_user_export(user, session, data, **_kw) -> None:
    """The graffiti reports the user sent."""
    data["graffiti_reports"] = [
        {"id": r.id, "municipality": r.municipality, "observed_at": r.observed_at.isoformat(), "address": r.address,
         "lon": r.lon, "lat": r.lat, "object_type": r.object_type, "area_m2": r.area_m2, "status": r.status}
        for r in session.exec(select(GraffitiReport).where(GraffitiReport.reporter_id == user.id).order_by(GraffitiReport.id))
    ]


def on_organisation_deleting(org, session, **_kw) -> None:
    """Reports routed to the organisation lose the link; its owner zones stay, without the organisation."""
    for r in session.exec(select(GraffitiReport).where(GraffitiReport.organisation_id == org.id)).all():
        r.organisation_id = None
        session.add(r)
    for z in session.exec(select(OwnerZone).where(OwnerZone.organisation_id == org.id)).all():
        z.organisation_id = None
        session.add(z)
    for rule in session.exec(select(RoutingRule).where(RoutingRule.organisation_id == org.id)).all():
        for d in session.exec(select(GraffitiDelivery).where(GraffitiDelivery.rule_id == rule.id)).all():
            d.rule_id = None
            session.add(d)
        session.delete(rule)


def purge(session: Session, *, days: int, now=None) -> int:
    """Delete reports older than `days` with their photos."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    reports = session.exec(select(GraffitiReport).where(GraffitiReport.created_at < cutoff)).all()
    for r in reports:
        for other in session.exec(select(GraffitiReport).where(GraffitiReport.duplicate_of_id == r.id)).all():
            other.duplicate_of_id = None
            session.add(other)
        photos = session.exec(select(GraffitiPhoto).where(GraffitiPhoto.report_id == r.id)).all()
        files = [p.filename for p in photos] + [r.after_photo]
        for p in photos:
            session.delete(p)
        for row in [*session.exec(select(GraffitiDelivery).where(GraffitiDelivery.report_id == r.id)),
                    *session.exec(select(GraffitiUpdate).where(GraffitiUpdate.report_id == r.id))]:
            session.delete(row)
        session.flush()
        session.delete(r)
        session.commit()
        remove_files(files)
    return len(reports)


def retention_task(app: Flask) -> None:
    """The registered purge task (GRAFFITI_RETENTION_DAYS)."""
    with session_scope(app) as session:
        purge(session, days=int(app.config["GRAFFITI_RETENTION_DAYS"]))


def connect() -> None:
    """Connect the receivers."""
    events.user_deleting.connect(on_user_deleting)
    events.user_export.connect(on_user_export)
    events.organisation_deleting.connect(on_organisation_deleting)
