"""Tell admins by e-mail what needs them: mail that failed for good, push services refusing our configuration.

At most one notice per WATCH_MAIL_ADMIN_NOTICE_MINUTES (default an hour),
whatever the number of failures; a periodic task.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask
from flask_babel import gettext as _
from sqlalchemy import func
from sqlmodel import Session, select

from watch import mail
from watch.accounts.models import User
from watch.core.db import engine
from watch.core.time import utcnow
from watch.mail import failures
from watch.push.models import FAILED, Delivery

KIND = "admin_notice"
PUSH_CONFIG_STATUSES = (400, 401, 403)


def _push_config_failures(session: Session, since: datetime) -> list[tuple[int, str, int]]:
    """(HTTP status, reason, count) of deliveries push services refused as badly configured since `since`."""
    rows = session.exec(
        select(Delivery.last_status, Delivery.reason, func.count())
        .where(Delivery.status == FAILED, Delivery.last_status.in_(PUSH_CONFIG_STATUSES), Delivery.next_attempt_at > since)
        .group_by(Delivery.last_status, Delivery.reason).order_by(func.count().desc()).limit(10)
    ).all()
    return [(s, r or "", n) for s, r, n in rows]


def send_admin_notices(app: Flask, *, now: datetime | None = None) -> int:
    """Queue one notice to every admin with a confirmed address, if anything failed and the last notice is old enough."""
    now = now or utcnow()
    quiet = timedelta(minutes=app.config["MAIL_ADMIN_NOTICE_MINUTES"])
    with Session(engine(app), expire_on_commit=False) as session:
        last = failures.last_queued_at(session, KIND)
        if last is not None and now - last < quiet:
            return 0
        since = last or now - timedelta(days=1)
        failed = failures.unreported(session, except_kind=KIND)
        push = _push_config_failures(session, since)
        if not failed and not push:
            return 0
        admins = session.exec(select(User).where(User.is_admin, User.email_verified_at.is_not(None))).all()
        for admin in admins:
            with mail.recipient_locale(admin):
                paragraphs = []
                if failed:
                    paragraphs.append(_("%(n)s e-mail messages could not be delivered and will not be retried. Latest:", n=len(failed)))
                    paragraphs += [f"{m.created_at:%Y-%m-%d %H:%M} {m.to_address}: {m.last_error}" for m in failed[-5:]]
                if push:
                    paragraphs.append(_("Push services refused deliveries as badly configured (check the VAPID key and subject):"))
                    paragraphs += [f"HTTP {status} × {count}: {reason[:200]}" for status, reason, count in push]
                text, html = mail.compose(
                    greeting=_("Hello %(name)s,", name=admin.display_name), paragraphs=paragraphs,
                    action=(_("Open the e-mail admin page"), mail.public_url("mail_admin.outbox")),
                )
                notice = mail.queue(session, to=admin.email, to_name=admin.display_name, user=admin, kind=KIND,
                           subject=_("Trygg Granne: deliveries failed"), text=text, html=html)
                if notice is not None:
                    notice.created_at = now  # the next notice waits an interval from this one
        if not admins:
            return 0
        if failed:
            failures.mark_reported(session, failed, now)
        session.commit()
        return len(admins)
