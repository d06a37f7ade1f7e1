"""Receivers of the per-user data signals (GDPR delete and export)."""
from __future__ import annotations

from sqlmodel import select

from watch import events
from watch.training.models import CalendarKey, ExpiryReminder, RegistrationStatus, TrainingRegistration, TrainingSession, TrainingTrainer
from watch.training.service import promote_waiting, aware


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


def connect() -> None:
    """Connect the receivers (idempotent)."""
    events.user_deleting.connect(on_user_deleting)
    events.user_export.connect(on_user_export)
