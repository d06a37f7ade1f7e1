"""Admins hear about permanently failed mail and refused push configuration, at most once an hour."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlmodel import select

from tests.mail.conftest import body
from watch import mail
from watch.core import tasks
from watch.core.time import utcnow
from watch.mail.models import OutboxMessage
from watch.mail.sender import send_due
from watch.push.notices.admin import send_admin_notices


def _fail_one(app, session, smtp, to):
    mail.queue(session, to=to, subject="Hej", text="x", kind="test")
    session.commit()
    smtp.inbox.refuse = "550 5.1.1 No such user"
    assert send_due(app)["failed"] == 1
    smtp.inbox.refuse = None


def test_admins_are_told_of_failed_mail_once_an_hour(app, session, make_user, smtp):
    admin = make_user(admin=True, email="admin@kommun.se")
    make_user(admin=True, email_verified_at=None)  # unconfirmed: never mailed
    session.exec(delete(OutboxMessage))
    session.commit()
    _fail_one(app, session, smtp, "borta@example.se")
    now = utcnow()
    assert send_admin_notices(app, now=now) == 1
    assert send_admin_notices(app, now=now) == 0
    send_due(app)
    [notice] = smtp.messages
    assert notice["To"] == f"{admin.display_name} <admin@kommun.se>"
    assert "borta@example.se" in body(notice) and "550" in body(notice)
    assert "https://tryggranne.test/admin/mail/" in body(notice)
    # A new failure within the hour waits; after the hour it is reported, the old one not again.
    _fail_one(app, session, smtp, "annan@example.se")
    assert send_admin_notices(app, now=now + timedelta(minutes=30)) == 0
    assert send_admin_notices(app, now=now + timedelta(minutes=61)) == 1
    send_due(app)
    second = smtp.messages[-1]
    assert "annan@example.se" in body(second) and "borta@example.se" not in body(second)


def test_nothing_failed_nothing_sent(app, session, make_user, smtp):
    make_user(admin=True)
    assert send_admin_notices(app) == 0
    assert "mail.admin_notices" in {t.name for t in tasks.tasks(app)}


def test_push_configuration_failures_reach_admins(app, session, make_user, smtp):
    from watch.push.models import FAILED, Delivery

    make_user(admin=True, email="admin@kommun.se")
    session.exec(delete(OutboxMessage))
    session.add_all([Delivery(alert_id=1, user_id=1, status=FAILED, last_status=403, reason="invalid VAPID subject") for _ in range(3)])
    session.add(Delivery(alert_id=1, user_id=1, status=FAILED, last_status=500, reason="server error"))
    session.commit()
    assert send_admin_notices(app) == 1
    send_due(app)
    [notice] = smtp.messages
    assert "HTTP 403 × 3: invalid VAPID subject" in body(notice) and "server error" not in body(notice)
    assert session.exec(select(OutboxMessage).where(OutboxMessage.kind == "admin_notice")).one()
