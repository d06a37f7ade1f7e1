"""Periodic work: the understaffed warning the day before a shift, and retention.

The warning is idempotent across workers: a conditional update on the shift
claims it (understaffed_warned_at) in the same transaction as the e-mails, so
each shift is reported at most once (again only after its time is changed).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask
from flask_babel import gettext as _
from sqlalchemy import update
from sqlmodel import Session, select

from watch import mail
from watch.core.db import session_scope
from watch.core.time import local, utcnow
from watch.nightwalks.models import NightShift, NightWalkGroup, ShiftDebrief, ShiftSignup
from watch.nightwalks.service import MIN_PER_SUBGROUP, staffing, walkers


def send_understaffed_warnings(session: Session, *, hours: float, now: datetime | None = None) -> int:
    """E-mail every walker of the group about each understaffed shift starting within `hours`; returns the shifts warned."""
    now = now or utcnow()
    ids = session.exec(select(NightShift.id).where(
        NightShift.cancelled_at.is_(None), NightShift.understaffed_warned_at.is_(None),
        NightShift.starts_at > now, NightShift.starts_at <= now + timedelta(hours=hours))).all()
    warned = 0
    for shift_id in ids:
        shift = session.get(NightShift, shift_id)
        short = [g for g in staffing(session, shift) if not g.staffed]
        if not short:
            continue
        claimed = session.execute(update(NightShift).where(
            NightShift.id == shift_id, NightShift.understaffed_warned_at.is_(None)).values(understaffed_warned_at=now)).rowcount
        if claimed != 1:
            session.rollback()
            continue
        group = session.get(NightWalkGroup, shift.group_id)
        for _w, user in walkers(session, group.id):
            with mail.recipient_locale(user):
                lines = [_("Subgroup %(n)d: %(signed)d signed up, %(trained)d trained.", n=g.number, signed=g.signed,
                           trained=g.trained) for g in short]
                text, html = mail.compose(
                    greeting=_("Hello %(name)s,", name=user.display_name),
                    paragraphs=[_("The night walk of %(group)s on %(when)s at %(place)s is understaffed. Each subgroup needs "
                                  "at least %(n)d walkers, one of them trained: never walk alone.", group=group.name,
                                  when=local(shift.starts_at).strftime("%Y-%m-%d %H:%M"), place=shift.meeting_point,
                                  n=MIN_PER_SUBGROUP),
                                "\n".join(lines),
                                _("Sign up if you can, or the leaders call the shift off.")],
                    action=(_("Open the shift"), mail.public_url("nightwalks.shift", shift_id=shift.id)))
                mail.queue(session, to=user.email, to_name=user.display_name, user=user, kind="nightwalk_understaffed",
                           subject=_("Understaffed night walk %(when)s", when=local(shift.starts_at).strftime("%Y-%m-%d")),
                           text=text, html=html)
        session.commit()
        warned += 1
    return warned


def warning_task(app: Flask) -> None:
    """The registered task: understaffed warnings (NIGHTWALKS_WARN_HOURS ahead)."""
    with session_scope(app) as session:
        send_understaffed_warnings(session, hours=float(app.config["NIGHTWALKS_WARN_HOURS"]))


def purge(session: Session, *, days: int, now: datetime | None = None) -> int:
    """Delete shifts that ended more than `days` ago with their sign-ups, check-ins and debriefs."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    old = session.exec(select(NightShift).where(NightShift.ends_at < cutoff)).all()
    for shift in old:
        for model in (ShiftSignup, ShiftDebrief):
            for row in session.exec(select(model).where(model.shift_id == shift.id)).all():
                session.delete(row)
        session.flush()
        session.delete(shift)
    session.commit()
    return len(old)


def purge_task(app: Flask) -> None:
    """The registered retention task (NIGHTWALKS_RETENTION_DAYS)."""
    with session_scope(app) as session:
        purge(session, days=int(app.config["NIGHTWALKS_RETENTION_DAYS"]))
