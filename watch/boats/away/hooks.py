"""Away notices in the GDPR delete and export, when a member leaves, and in an alert's audience."""
from __future__ import annotations

from sqlalchemy import delete
from sqlmodel import select

from watch.core import events
from watch.boats.away import service
from watch.boats.away.models import AwayNotice, AwayReader, AwayRequest


def on_user_deleting(user, session, **_):
    """Delete the user's notices; forget them as reader and helper."""
    service.drop_notices(session, list(session.exec(select(AwayNotice.id).where(AwayNotice.owner_id == user.id))))
    session.execute(delete(AwayReader).where(AwayReader.user_id == user.id))
    for req in session.exec(select(AwayRequest).where(AwayRequest.accepted_by_id == user.id)).all():
        req.accepted_by_id, req.accepted_at = None, None
        session.add(req)
    session.flush()


def on_membership_ending(membership, session, **_):
    """Who leaves an area takes their notices there along and stops reading the area's notices."""
    area_notices = select(AwayNotice.id).where(AwayNotice.area_id == membership.area_id)
    service.drop_notices(session, list(session.exec(area_notices.where(AwayNotice.owner_id == membership.user_id))))
    session.execute(delete(AwayReader).where(AwayReader.user_id == membership.user_id, AwayReader.notice_id.in_(area_notices)))


def on_user_export(user, session, data, **_):
    """The user's own notices with their requests, and the requests they took on."""
    data["away_notices"] = [
        {"area_id": n.area_id, "starts_on": n.starts_on.isoformat(), "ends_on": n.ends_on.isoformat(),
         "audience": n.audience.value, "phone": n.phone, "key_holder": n.key_holder, "expected_activity": n.expected_activity,
         "requests": [r.text for r in service.requests_of(session, n.id)]}
        for n in session.exec(select(AwayNotice).where(AwayNotice.owner_id == user.id))
    ]
    data["away_requests_accepted"] = [
        {"text": r.text, "accepted_at": r.accepted_at.isoformat() if r.accepted_at else None}
        for r in session.exec(select(AwayRequest).where(AwayRequest.accepted_by_id == user.id))
    ]


def on_alert_extra_audience(alert, session, area_ids=(), extra=None, **_):
    """An alert in the area during an absence also reaches the absent owner and their helpers."""
    if extra is None:
        return
    for user_id, area_id in service.absent_audience(session, area_ids).items():
        extra.setdefault(user_id, area_id)


def connect() -> None:
    """Connect the receivers."""
    events.user_deleting.connect(on_user_deleting)
    events.user_export.connect(on_user_export)
    events.membership_ending.connect(on_membership_ending)
    events.alert_extra_audience.connect(on_alert_extra_audience)
