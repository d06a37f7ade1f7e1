"""Training sessions: create and change, register with a waiting list, cancel and promote, attendance.

Attendance at a session that trains contact representatives records their
training on the session's date through watch.areas.registration.record_training,
which is what area approval checks.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlmodel import Session, select

from watch import mail
from watch.accounts.models import User
from watch.areas.registration.service import record_training
from watch.core.time import aware, local, utcnow
from watch.core.errors import ServiceError
from watch.training.access import can_organise, get_session_for
from watch.training.models import (TRAINS_CONTACTS, RegistrationStatus, SessionKind, TrainingRegistration,
                                   TrainingSession, TrainingTrainer)

def _text(value, *, field: str, max_len: int, required: bool = True) -> str:
    value = " ".join((value or "").split())
    if required and not value:
        raise ServiceError(f"{field}_missing", _l("Fill in this field."), 422, field=field)
    if len(value) > max_len:
        raise ServiceError(f"{field}_too_long", _l("The text can be at most %(n)d characters.", n=max_len), 422, field=field)
    return value


def _fields(session: Session, actor, *, municipality, kind, title, place, starts_at, ends_at, capacity,
            trainers="", notes="", trainer_emails=()) -> tuple[dict, list[User]]:
    municipality = _text(municipality, field="municipality", max_len=80)
    if not can_organise(session, actor, municipality):
        raise ServiceError("training_forbidden", _l("Only the police, the safety coordinator of the municipality or an admin may organise training."), 403)
    try:
        kind = SessionKind(kind)
    except ValueError:
        raise ServiceError("kind_invalid", _l("Choose a kind of session."), 422, field="kind")
    if starts_at is None or ends_at is None:
        raise ServiceError("time_missing", _l("Enter when the session starts and ends."), 422, field="starts_at")
    starts_at, ends_at = aware(starts_at), aware(ends_at)
    if ends_at <= starts_at:
        raise ServiceError("ends_before_start", _l("The session must end after it starts."), 422, field="ends_at")
    if ends_at - starts_at > timedelta(hours=24):
        raise ServiceError("too_long", _l("A session can last at most 24 hours."), 422, field="ends_at")
    try:
        capacity = int(capacity)
    except (TypeError, ValueError):
        capacity = 0
    if not 1 <= capacity <= 1000:
        raise ServiceError("capacity_invalid", _l("The capacity must be between 1 and 1000 places."), 422, field="capacity")
    people = []
    for email in [e.strip() for e in trainer_emails if e and e.strip()]:
        user = session.exec(select(User).where(func.lower(User.email) == email.lower())).first()
        if user is None:
            raise ServiceError("trainer_unknown", _l("No user has the e-mail address %(email)s.", email=email), 422, field="trainer_emails")
        people.append(user)
    values = dict(municipality=municipality, kind=kind, title=_text(title, field="title", max_len=120),
                  place=_text(place, field="place", max_len=200), starts_at=starts_at, ends_at=ends_at,
                  capacity=capacity, trainers=_text(trainers, field="trainers", max_len=300, required=False),
                  notes=(notes or "").strip()[:4000])
    return values, people


def create_session(session: Session, actor, **fields) -> TrainingSession:
    """A new session (police, safety coordinator, admin); trainers named by e-mail may take attendance. Commits."""
    values, people = _fields(session, actor, **fields)
    ts = TrainingSession(**values, created_by_id=actor.id)
    session.add(ts)
    session.flush()
    for user in {u.id: u for u in people}.values():
        session.add(TrainingTrainer(session_id=ts.id, user_id=user.id))
    session.commit()
    return ts


def update_session(session: Session, actor, session_id: int, **fields) -> TrainingSession:
    """Change a session; more places promote people from the waiting list. Commits."""
    ts = get_session_for(session, actor, session_id, need="organise")
    values, people = _fields(session, actor, **fields)
    for key, value in values.items():
        setattr(ts, key, value)
    ts.sequence += 1
    ts.updated_at = utcnow()
    session.add(ts)
    for t in session.exec(select(TrainingTrainer).where(TrainingTrainer.session_id == ts.id)).all():
        session.delete(t)
    session.flush()
    for user in {u.id: u for u in people}.values():
        session.add(TrainingTrainer(session_id=ts.id, user_id=user.id))
    promote_waiting(session, ts)
    session.commit()
    return ts


def cancel_session(session: Session, actor, session_id: int) -> TrainingSession:
    """Call a session off (organisers): everyone registered or waiting gets an e-mail; calendars show it cancelled. Commits."""
    ts = get_session_for(session, actor, session_id, need="organise")
    if ts.cancelled_at is not None:
        raise ServiceError("session_cancelled", _l("The session is cancelled."), 409)
    if aware(ts.ends_at) <= utcnow():
        raise ServiceError("session_over", _l("A session that is over cannot be cancelled."), 409)
    ts.cancelled_at = ts.updated_at = utcnow()
    ts.sequence += 1
    session.add(ts)
    for reg, user in participants(session, ts.id):
        with mail.recipient_locale(user):
            text, html = mail.compose(
                greeting=_("Hello %(name)s,", name=user.display_name),
                paragraphs=[_("%(title)s on %(when)s is cancelled.", title=ts.title,
                              when=local(ts.starts_at).strftime("%Y-%m-%d %H:%M"))],
                action=(_("See the sessions"), mail.public_url("training.index", municipality=ts.municipality)))
            mail.queue(session, to=user.email, to_name=user.display_name, user=user, kind="training_cancelled",
                       subject=_("Cancelled: %(title)s", title=ts.title), text=text, html=html)
    session.commit()
    return ts


def _locked(session: Session, session_id: int) -> TrainingSession | None:
    # Row lock on PostgreSQL so two registrations cannot both take the last place.
    return session.exec(select(TrainingSession).where(TrainingSession.id == session_id).with_for_update()).first()


def _count(session: Session, session_id: int, status: RegistrationStatus) -> int:
    return session.exec(select(func.count()).select_from(TrainingRegistration).where(
        TrainingRegistration.session_id == session_id, TrainingRegistration.status == status)).one()


def places_left(session: Session, ts: TrainingSession) -> int:
    """Free places (never below zero)."""
    return max(0, ts.capacity - _count(session, ts.id, RegistrationStatus.registered))


def register(session: Session, user, session_id: int) -> TrainingRegistration:
    """Take a place, or a place on the waiting list when the session is full (not an error). Commits."""
    get_session_for(session, user, session_id)
    ts = _locked(session, session_id)
    if ts.cancelled_at is not None:
        raise ServiceError("session_cancelled", _l("The session is cancelled."), 409)
    if aware(ts.starts_at) <= utcnow():
        raise ServiceError("session_started", _l("Registration has closed: the session has already started."), 409)
    reg = session.exec(select(TrainingRegistration).where(TrainingRegistration.session_id == ts.id,
                                                          TrainingRegistration.user_id == user.id)).first()
    if reg is not None and reg.status != RegistrationStatus.cancelled:
        raise ServiceError("already_registered", _l("You are already registered for this session."), 409)
    full = _count(session, ts.id, RegistrationStatus.registered) >= ts.capacity
    status = RegistrationStatus.waiting if full else RegistrationStatus.registered
    if reg is None:
        reg = TrainingRegistration(session_id=ts.id, user_id=user.id, status=status)
    else:  # back after cancelling: the end of the queue
        reg.status, reg.created_at, reg.reminded_at = status, utcnow(), None
    session.add(reg)
    session.commit()
    return reg


def cancel_registration(session: Session, user, session_id: int) -> TrainingRegistration:
    """Give up a place (or a place in the queue); the first on the waiting list moves up and is told. Commits."""
    get_session_for(session, user, session_id)
    ts = _locked(session, session_id)
    reg = session.exec(select(TrainingRegistration).where(TrainingRegistration.session_id == ts.id,
                                                          TrainingRegistration.user_id == user.id)).first()
    if reg is None or reg.status == RegistrationStatus.cancelled:
        raise ServiceError("not_registered", _l("You are not registered for this session."), 409)
    reg.status = RegistrationStatus.cancelled
    session.add(reg)
    session.flush()
    promote_waiting(session, ts)
    session.commit()
    return reg


def promote_waiting(session: Session, ts: TrainingSession) -> list[TrainingRegistration]:
    """Move people from the waiting list into free places, in queue order, and e-mail them. Never commits."""
    if aware(ts.starts_at) <= utcnow() or ts.cancelled_at is not None:
        return []
    free = ts.capacity - _count(session, ts.id, RegistrationStatus.registered)
    if free <= 0:
        return []
    waiting = session.exec(select(TrainingRegistration).where(
        TrainingRegistration.session_id == ts.id, TrainingRegistration.status == RegistrationStatus.waiting)
        .order_by(TrainingRegistration.created_at, TrainingRegistration.id).limit(free)).all()
    for reg in waiting:
        reg.status = RegistrationStatus.registered
        session.add(reg)
        user = session.get(User, reg.user_id)
        with mail.recipient_locale(user):
            text, html = mail.compose(
                greeting=_("Hello %(name)s,", name=user.display_name),
                paragraphs=[_("A place opened up: you now have a place at %(title)s on %(when)s, %(place)s.",
                              title=ts.title, when=local(ts.starts_at).strftime("%Y-%m-%d %H:%M"), place=ts.place)],
                action=(_("Open the session"), mail.public_url("training.detail", session_id=ts.id)))
            mail.queue(session, to=user.email, to_name=user.display_name, user=user, kind="training_promoted",
                       subject=_("You have a place at %(title)s", title=ts.title), text=text, html=html)
    session.flush()
    return list(waiting)


def participants(session: Session, session_id: int) -> list[tuple[TrainingRegistration, User]]:
    """Registered and waiting people, in queue order."""
    return list(session.exec(
        select(TrainingRegistration, User).join(User, User.id == TrainingRegistration.user_id)
        .where(TrainingRegistration.session_id == session_id, TrainingRegistration.status != RegistrationStatus.cancelled)
        .order_by(TrainingRegistration.status, TrainingRegistration.created_at, TrainingRegistration.id)).all())


def registration_of(session: Session, user, session_id: int) -> TrainingRegistration | None:
    """The user's registration at the session, if any (cancelled included)."""
    if getattr(user, "id", None) is None:
        return None
    return session.exec(select(TrainingRegistration).where(TrainingRegistration.session_id == session_id,
                                                           TrainingRegistration.user_id == user.id)).first()


def record_attendance(session: Session, actor, session_id: int, *, present: set[int]) -> int:
    """Mark who came (trainer or organiser, from the day of the session). Contact representatives
    present at a session that trains them are trained on its date. Returns how many were present. Commits."""
    ts = get_session_for(session, actor, session_id, need="attendance")
    day = local(ts.starts_at).date()
    if day > local(utcnow()).date():
        raise ServiceError("attendance_early", _l("Attendance can be taken from the day of the session."), 409)
    regs = session.exec(select(TrainingRegistration).where(TrainingRegistration.session_id == ts.id,
                                                           TrainingRegistration.status == RegistrationStatus.registered)).all()
    known = {r.user_id for r in regs}
    unknown = set(present) - known
    if unknown:
        raise ServiceError("not_registered", _l("Only people with a place at the session can be marked present."), 422, field="present")
    now = utcnow()
    for reg in regs:
        reg.attended = reg.user_id in present
        reg.attendance_recorded_by_id, reg.attendance_recorded_at = actor.id, now
        session.add(reg)
        if reg.attended and ts.kind in TRAINS_CONTACTS:
            record_training(session, user_id=reg.user_id, trained_on=day, recorded_by_id=actor.id)
    session.commit()
    return len(present)


def upcoming(session: Session, *, municipality: str | None = None, kinds=None, now: datetime | None = None,
             limit: int = 50) -> list[TrainingSession]:
    """Sessions not yet ended and not cancelled, soonest first."""
    q = select(TrainingSession).where(TrainingSession.ends_at > (now or utcnow()), TrainingSession.cancelled_at.is_(None))
    if municipality:
        q = q.where(func.lower(TrainingSession.municipality) == municipality.strip().lower())
    if kinds:
        q = q.where(TrainingSession.kind.in_(list(kinds)))
    return list(session.exec(q.order_by(TrainingSession.starts_at, TrainingSession.id).limit(limit)).all())


def sessions_of_user(session: Session, user_id: int) -> list[tuple[TrainingSession, TrainingRegistration]]:
    """The user's sessions (registered or waiting), for the personal calendar."""
    return list(session.exec(
        select(TrainingSession, TrainingRegistration).join(TrainingRegistration, TrainingRegistration.session_id == TrainingSession.id)
        .where(TrainingRegistration.user_id == user_id, TrainingRegistration.status != RegistrationStatus.cancelled)
        .order_by(TrainingSession.starts_at)).all())
