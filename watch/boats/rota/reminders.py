"""Reminders to the next team: an e-mail (through the mail outbox) before each watch.

Idempotent across workers: a conditional update of the shift's `reminded_at`
claims it; only the claimant queues the messages, in the same transaction.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask
from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import update
from sqlmodel import Session, select

from watch import mail
from watch.accounts.models import User
from watch.areas.models import Area
from watch.boats.rota import service
from watch.boats.rota.models import WatchAssignment, WatchSeason, WatchShift
from watch.core.db import session_scope
from watch.core.time import utcnow


def send_due(session: Session, *, hours: float, now: datetime | None = None) -> int:
    """Queue a reminder to every member of each shift starting within `hours`; returns how many e-mails."""
    now = (now or utcnow()).astimezone(service.tz())
    nights = [now.date() - timedelta(days=1), now.date(), now.date() + timedelta(days=1)]
    queued = 0
    rows = session.exec(select(WatchShift, WatchSeason).join(WatchSeason, WatchSeason.id == WatchShift.season_id)
                        .where(WatchShift.night.in_(nights), WatchShift.reminded_at.is_(None))).all()
    for shift, season in rows:
        begin, end = service.window(season, shift)
        if not (now < begin <= now + timedelta(hours=hours)):
            continue
        claimed = session.execute(update(WatchShift).where(WatchShift.id == shift.id, WatchShift.reminded_at.is_(None))
                                  .values(reminded_at=utcnow())).rowcount
        if claimed != 1:
            continue
        area = session.get(Area, season.area_id)
        for user in session.exec(select(User).join(WatchAssignment, WatchAssignment.user_id == User.id)
                                 .where(WatchAssignment.shift_id == shift.id)):
            with mail.recipient_locale(user):
                when = format_datetime(begin, "EEEE d MMMM HH:mm")
                text, html = mail.compose(
                    greeting=_("Hello %(name)s,", name=user.display_name),
                    paragraphs=[_("You have night watch in %(area)s from %(when)s to %(end)s. Scan the checkpoints on each round; never intervene: call 112 if a crime is going on.",
                                  area=area.name, when=when, end=end.strftime("%H:%M"))],
                    action=(_("Tonight's rounds and log"), mail.public_url("rota.night", shift_id=shift.id)))
                if mail.queue(session, to=user.email, to_name=user.display_name, user=user, kind="watch_reminder",
                              subject=_("Night watch %(when)s", when=when), text=text, html=html) is not None:
                    queued += 1
        session.commit()
    return queued


def reminder_task(app: Flask) -> None:
    """The registered task (WATCH_REMINDER_HOURS before each watch)."""
    with session_scope(app) as session:
        send_due(session, hours=float(app.config["WATCH_REMINDER_HOURS"]))
