"""Receivers of signals: GDPR delete and export, and a newly appointed contact representative."""
from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from watch.core import events
from watch.training.models import (TRAINS_CONTACTS, CalendarKey, ExpiryReminder, RegistrationStatus, TrainingRegistration,
                                   TrainingSession, TrainingTrainer)
from watch.training.service import promote_waiting
from watch.core.time import aware, local


def on_user_deleting(user, session, **_kw) -> None:
    """A deleted user's registrations, trainer roles, calendar key and reminders go; their place goes to the queue."""
    freed = []
    for reg in session.exec(select(TrainingRegistration).where(TrainingRegistration.user_id == user.id)).all():
        if reg.status == RegistrationStatus.registered:
            freed.append(reg.session_id)
        session.delete(reg)
    for model in (TrainingTrainer, ExpiryReminder):
        for row in session.exec(select(model).where(model.user_id == user.id)).all():
            session.delete(row)
    key = session.get(CalendarKey, user.id)
    if key is not None:
        session.delete(key)
    session.flush()
    for session_id in freed:
        ts = session.get(TrainingSession, session_id)
        if ts is not None:
            promote_waiting(session, ts)


def on_user_export(user, session, data, **_kw) -> None:
    """The user's registrations and attendance."""
    rows = session.exec(select(TrainingRegistration, TrainingSession)
                        .join(TrainingSession, TrainingSession.id == TrainingRegistration.session_id)
                        .where(TrainingRegistration.user_id == user.id).order_by(TrainingSession.starts_at)).all()
    data["training_registrations"] = [
        {"session": ts.title, "kind": ts.kind.value, "municipality": ts.municipality, "starts_at": aware(ts.starts_at).isoformat(),
         "place": ts.place, "status": reg.status.value, "attended": reg.attended, "registered_at": aware(reg.created_at).isoformat()}
        for reg, ts in rows]
    data["training_calendar_key_exists"] = session.get(CalendarKey, user.id) is not None


def on_contact_appointed(membership, session, **_kw) -> None:
    """A new contact representative who already attended a session that trains contacts is trained from that date."""
    latest = session.exec(select(func.max(TrainingSession.starts_at))
                          .join(TrainingRegistration, TrainingRegistration.session_id == TrainingSession.id)
                          .where(TrainingRegistration.user_id == membership.user_id, TrainingRegistration.attended.is_(True),
                                 TrainingSession.kind.in_(list(TRAINS_CONTACTS)))).one()
    if latest is None:
        return
    day = local(latest).date()
    if membership.trained_on is None or membership.trained_on < day:
        membership.trained_on = day
        session.add(membership)


def connect() -> None:
    """Connect the receivers (idempotent)."""
    events.user_deleting.connect(on_user_deleting)
    events.user_export.connect(on_user_export)
    events.contact_appointed.connect(on_contact_appointed)
