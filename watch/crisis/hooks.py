"""GDPR receivers: points describe places; a person appears only as the author of a change and as an e-mail choice."""
from __future__ import annotations

from sqlalchemy import delete
from sqlmodel import select

from watch.core import events
from watch.crisis.models import CrisisMailChoice, CrisisPoint, CrisisPointEvent


def on_user_deleting(user, session, **_kw) -> None:
    """The change log forgets who; the e-mail choice goes."""
    for e in session.exec(select(CrisisPointEvent).where(CrisisPointEvent.actor_id == user.id)).all():
        e.actor_id = None
        session.add(e)
    session.exec(delete(CrisisMailChoice).where(CrisisMailChoice.user_id == user.id))
    session.flush()


def on_user_export(user, session, data, **_kw) -> None:
    """The user's e-mail choice and the changes they made to trygghetspunkter."""
    data["crisis_mail"] = session.get(CrisisMailChoice, user.id) is not None
    data["crisis_point_changes"] = [
        {"point_id": e.point_id, "action": e.action, "at": e.at.isoformat()}
        for e in session.exec(select(CrisisPointEvent).where(CrisisPointEvent.actor_id == user.id).order_by(CrisisPointEvent.id))
    ]


def on_organisation_deleting(org, session, **_kw) -> None:
    """Points staffed by the organisation keep their role text, without the organisation."""
    for p in session.exec(select(CrisisPoint).where(CrisisPoint.organisation_id == org.id)).all():
        p.organisation_id = None
        session.add(p)


def connect() -> None:
    """Connect the receivers."""
    events.user_deleting.connect(on_user_deleting)
    events.user_export.connect(on_user_export)
    events.organisation_deleting.connect(on_organisation_deleting)
