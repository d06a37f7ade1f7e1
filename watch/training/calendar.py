"""iCalendar feeds of training sessions: per municipality (public) and per person (secret, resettable URL).

The personal feed is the person's one calendar: other domains add their dated
things to it (night-walk shifts) through the events.personal_calendar signal,
and the same CalendarKey opens their group feeds.

UIDs are stable (the session id and the site's host), SEQUENCE counts changes
and a cancelled session stays in the feed as STATUS:CANCELLED, so calendar apps
update their copy instead of duplicating it.
"""
from __future__ import annotations

import secrets

from flask_babel import gettext as _
from icalendar import Event
from sqlmodel import Session, select

from watch import mail
from watch.core import calendar as ical
from watch.core import events
from watch.training.models import KIND_LABELS, CalendarKey, RegistrationStatus, TrainingRegistration, TrainingSession


def uid(ts: TrainingSession) -> str:
    """The session's UID: never changes for the life of the session."""
    return ical.uid("training", ts.id)


def _event(ts: TrainingSession, waiting: bool = False) -> Event:
    ev = ical.event(uid(ts), updated_at=ts.updated_at, sequence=ts.sequence, starts_at=ts.starts_at, ends_at=ts.ends_at)
    summary = ts.title + (" (" + _("waiting list") + ")" if waiting else "")
    ev.add("summary", summary)
    ev.add("location", ts.place)
    ev.add("categories", [str(KIND_LABELS[ts.kind])])
    desc = [str(KIND_LABELS[ts.kind])]
    if ts.trainers:
        desc.append(_("Trainers: %(names)s", names=ts.trainers))
    if ts.notes:
        desc.append(ts.notes)
    ev.add("description", "\n".join(desc))
    ev.add("url", mail.public_url("training.detail", session_id=ts.id))
    ev.add("status", "CANCELLED" if ts.cancelled_at else ("TENTATIVE" if waiting else "CONFIRMED"))
    return ev


def municipality_feed(session: Session, municipality: str) -> bytes:
    """Every session of the municipality (public: sessions name no participants)."""
    cal = ical.calendar(_("Training in %(m)s", m=municipality), "training")
    for ts in session.exec(select(TrainingSession).where(TrainingSession.municipality == municipality)
                           .order_by(TrainingSession.starts_at)).all():
        cal.add_component(_event(ts))
    return cal.to_ical()


def personal_feed(session: Session, user_id: int) -> bytes:
    """The sessions the user registered for (or waits for), and what other domains add (night-walk shifts)."""
    cal = ical.calendar(_("My calendar"), "training")
    rows = session.exec(select(TrainingSession, TrainingRegistration)
                        .join(TrainingRegistration, TrainingRegistration.session_id == TrainingSession.id)
                        .where(TrainingRegistration.user_id == user_id, TrainingRegistration.status != RegistrationStatus.cancelled)
                        .order_by(TrainingSession.starts_at)).all()
    for ts, reg in rows:
        cal.add_component(_event(ts, waiting=reg.status == RegistrationStatus.waiting))
    events.personal_calendar.send(user_id, session=session, calendar=cal)
    return cal.to_ical()


def key_of(session: Session, user, *, reset: bool = False) -> str:
    """The user's secret calendar key (made on first use; `reset` replaces it and kills the old URL). Commits."""
    row = session.get(CalendarKey, user.id)
    if row is None or reset:
        if row is not None:
            session.delete(row)
            session.flush()
        row = CalendarKey(user_id=user.id, key=secrets.token_urlsafe(24))
        session.add(row)
        session.commit()
    return row.key


def existing_key(session: Session, user) -> str | None:
    """The user's calendar key, if they made one."""
    row = session.get(CalendarKey, user.id)
    return row.key if row else None


def user_for_key(session: Session, key: str) -> int | None:
    """The user id behind a calendar key, or None."""
    if not key or len(key) > 64:
        return None
    row = session.exec(select(CalendarKey).where(CalendarKey.key == key)).first()
    return row.user_id if row else None
