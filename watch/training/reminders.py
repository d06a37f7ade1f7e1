"""Reminders by e-mail (through the mail outbox): before a session, and before training runs out.

Both are idempotent across workers: a conditional update (session reminder) or a
unique row (expiry reminder) claims each message before it is queued, in the
same transaction.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import Flask, current_app
from flask_babel import gettext as _
from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from watch import mail
from watch.accounts.models import User
from watch.areas.models import Area, AreaMembership, AreaRole, AreaStatus
from watch.core.db import session_scope
from watch.core.time import local, utcnow
from watch.training.models import (TRAINS_CONTACTS, ExpiryReminder, RegistrationStatus, TrainingRegistration,
                                   TrainingSession, TrainingTrainer)
from watch.training.service import upcoming


def send_session_reminders(session: Session, *, hours: float, now: datetime | None = None) -> int:
    """E-mail everyone with a place at a session starting within `hours`; returns how many."""
    now = now or utcnow()
    rows = session.exec(
        select(TrainingRegistration.id, TrainingSession.id).join(TrainingSession, TrainingSession.id == TrainingRegistration.session_id)
        .where(TrainingRegistration.status == RegistrationStatus.registered, TrainingRegistration.reminded_at.is_(None),
               TrainingSession.cancelled_at.is_(None), TrainingSession.starts_at > now,
               TrainingSession.starts_at <= now + timedelta(hours=hours))).all()
    sent = 0
    for reg_id, ts_id in rows:
        claimed = session.execute(update(TrainingRegistration).where(
            TrainingRegistration.id == reg_id, TrainingRegistration.reminded_at.is_(None)).values(reminded_at=now)).rowcount
        if claimed != 1:
            continue
        reg, ts = session.get(TrainingRegistration, reg_id), session.get(TrainingSession, ts_id)
        user = session.get(User, reg.user_id)
        with mail.recipient_locale(user):
            text, html = mail.compose(
                greeting=_("Hello %(name)s,", name=user.display_name),
                paragraphs=[_("A reminder: %(title)s starts %(when)s at %(place)s.", title=ts.title,
                              when=local(ts.starts_at).strftime("%Y-%m-%d %H:%M"), place=ts.place),
                            _("If you cannot come, cancel your place so that someone on the waiting list gets it.")],
                action=(_("Open the session"), mail.public_url("training.detail", session_id=ts.id)))
            if mail.queue(session, to=user.email, to_name=user.display_name, user=user, kind="training_reminder",
                          subject=_("Reminder: %(title)s", title=ts.title), text=text, html=html) is not None:
                sent += 1
        session.commit()
    return sent


def expiring_contacts(session: Session, *, today: date, within_days: int) -> list[tuple[User, date, str]]:
    """(user, last training date, municipality) of contact representatives whose training runs out within the window."""
    valid = current_app.config["AREA_TRAINING_VALID_DAYS"]
    rows = session.exec(
        select(AreaMembership.user_id, func.max(AreaMembership.trained_on), func.min(Area.municipality))
        .join(Area, Area.id == AreaMembership.area_id)
        .where(AreaMembership.role == AreaRole.contact, AreaMembership.trained_on.is_not(None),
               Area.status.in_((AreaStatus.active, AreaStatus.pending)))
        .group_by(AreaMembership.user_id)).all()
    out = []
    for user_id, trained_on, municipality in rows:
        expires = trained_on + timedelta(days=valid)
        if today <= expires <= today + timedelta(days=within_days):
            out.append((session.get(User, user_id), trained_on, municipality))
    return out


def send_expiry_reminders(session: Session, *, today: date | None = None, within_days: int | None = None) -> int:
    """Remind contact representatives whose training runs out soon, with the next sessions; once per training date."""
    today = today or local(utcnow()).date()
    within_days = within_days if within_days is not None else current_app.config["TRAINING_EXPIRY_WARNING_DAYS"]
    valid = current_app.config["AREA_TRAINING_VALID_DAYS"]
    sent = 0
    for user, trained_on, municipality in expiring_contacts(session, today=today, within_days=within_days):
        try:
            with session.begin_nested():
                session.add(ExpiryReminder(user_id=user.id, trained_on=trained_on))
        except IntegrityError:
            continue  # already reminded for this training date
        nxt = upcoming(session, municipality=municipality, kinds=TRAINS_CONTACTS, limit=3)
        with mail.recipient_locale(user):
            lines = [f"{local(ts.starts_at).strftime('%Y-%m-%d %H:%M')}: {ts.title}, {ts.place}" for ts in nxt]
            paragraphs = [_("Your training as a contact representative is valid until %(day)s. Without it, a new area cannot be approved.",
                            day=(trained_on + timedelta(days=valid)).isoformat())]
            paragraphs.append(_("Next sessions:") + "\n" + "\n".join(lines) if lines else _("No session is planned yet; the police or the municipality will announce one."))
            text, html = mail.compose(greeting=_("Hello %(name)s,", name=user.display_name), paragraphs=paragraphs,
                                      action=(_("See the sessions"), mail.public_url("training.index")))
            if mail.queue(session, to=user.email, to_name=user.display_name, user=user, kind="training_expiring",
                          subject=_("Your contact representative training runs out soon"), text=text, html=html) is not None:
                sent += 1
        session.commit()
    return sent


def reminder_task(app: Flask) -> None:
    """The registered task: session reminders and expiry reminders."""
    with session_scope(app) as session:
        send_session_reminders(session, hours=float(app.config["TRAINING_REMINDER_HOURS"]))
        send_expiry_reminders(session)


def purge_task(app: Flask) -> None:
    """Retention: sessions that ended TRAINING_RETENTION_DAYS ago go, with their registrations."""
    with session_scope(app) as session:
        purge(session, days=int(app.config["TRAINING_RETENTION_DAYS"]))


def purge(session: Session, *, days: int, now: datetime | None = None) -> int:
    """Delete old sessions (registrations and trainers cascade); training dates stay on the memberships."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    old = session.exec(select(TrainingSession).where(TrainingSession.ends_at < cutoff)).all()
    for ts in old:
        for model in (TrainingRegistration, TrainingTrainer):
            for row in session.exec(select(model).where(model.session_id == ts.id)).all():
                session.delete(row)
        session.delete(ts)
    session.commit()
    return len(old)
