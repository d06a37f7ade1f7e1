"""Cut-off reminders: before a week's cut-off, every reporter gets an e-mail (through the mail outbox).

Idempotent across workers: a conditional update of the municipality's
`reminded_week` claims the reminder; only the claimant queues the messages, in
the same transaction.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Flask
from flask_babel import gettext as _
from sqlalchemy import or_, update
from sqlmodel import Session, select

from watch import mail
from watch.accounts.models import User
from watch.core.db import session_scope
from watch.core.time import local, utcnow
from watch.est.models import EstConfig
from watch.est.rules import weeks
from watch.organisations.models import COORDINATOR, REPORTER, Organisation, OrganisationMembership


def _reporters(session: Session, municipality: str) -> list[User]:
    return list(session.exec(
        select(User).join(OrganisationMembership, OrganisationMembership.user_id == User.id)
        .join(Organisation, Organisation.id == OrganisationMembership.organisation_id)
        .where(Organisation.municipality == municipality, Organisation.active,
               OrganisationMembership.role.in_((REPORTER, COORDINATOR))).distinct()).all())


def send_due(session: Session, *, hours: float, now: datetime | None = None) -> int:
    """Queue reminders for every municipality whose cut-off is within `hours`; returns how many e-mails."""
    now = now or utcnow()
    week = weeks.shift(*weeks.week_of(now), -1)
    key = weeks.key(*week)
    munis = set(session.exec(select(Organisation.municipality).where(Organisation.active)).all())
    queued = 0
    for muni in sorted(munis):
        cfg = session.get(EstConfig, muni)
        if cfg is None:
            cfg = EstConfig(municipality=muni)
            session.add(cfg)
            session.commit()
        cut = weeks.cutoff(*week, cfg.cutoff_weekday, time(cfg.cutoff_minutes // 60, cfg.cutoff_minutes % 60))
        if not (cut - timedelta(hours=hours) <= now < cut):
            continue
        claimed = session.execute(update(EstConfig).where(
            EstConfig.municipality == muni, or_(EstConfig.reminded_week.is_(None), EstConfig.reminded_week != key))
            .values(reminded_week=key)).rowcount
        if claimed != 1:
            continue
        for user in _reporters(session, muni):
            with mail.recipient_locale(user):
                link = mail.public_url("est_reports.new", municipality=muni)
                text, html = mail.compose(
                    greeting=_("Hello %(name)s,", name=user.display_name),
                    paragraphs=[_("Reports for week %(w)s in %(m)s close %(at)s. Report what you saw in public places before then.",
                                  w=week[1], m=muni, at=local(cut).strftime("%Y-%m-%d %H:%M"))],
                    action=(_("New report"), link))
                if mail.queue(session, to=user.email, to_name=user.display_name, user=user, kind="est_reminder",
                              subject=_("EST: week %(w)s closes soon", w=week[1]), text=text, html=html) is not None:
                    queued += 1
        session.commit()
    return queued


def reminder_task(app: Flask) -> None:
    """The registered task (EST_REMINDER_HOURS before each cut-off)."""
    with session_scope(app) as session:
        send_due(session, hours=float(app.config["EST_REMINDER_HOURS"]))
