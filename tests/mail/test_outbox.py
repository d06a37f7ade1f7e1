"""The outbox: queued in the caller's transaction, sent by the task over real SMTP, retried, failed for good."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.mail.conftest import body
from watch import create_app, mail
from watch.core import tasks
from watch.core.time import utcnow
from watch.core.errors import ServiceError
from watch.mail.models import FAILED, PENDING, SENT, OutboxMessage
from watch.mail.sender import _claim, send_due
from watch.core.settings import ConfigError


def _queue(session, n=1, **kw):
    rows = []
    for i in range(n):
        args = {"to": f"anna{i}@example.se", "subject": f"Hej {i}", "text": f"Text {i}", "kind": "test"} | kw
        rows.append(mail.queue(session, **args))
    return rows


def test_a_committed_message_arrives_once_with_text_html_and_headers(app, session, smtp):
    with mail.recipient_locale(locale="sv"):
        text, html = mail.compose(greeting="Hej Anna,", paragraphs=["Något <b>hände</b>."],
                                  action=("Öppna", mail.public_url("main.index")))
    mail.queue(session, to="Anna@Example.se", to_name="Anna Åberg", subject="Något hände", text=text, html=html,
               kind="test", list_unsubscribe="https://tryggranne.test/unsubscribe/x")
    session.commit()
    assert send_due(app) == {"sent": 1, "retry": 0, "failed": 0}
    assert send_due(app)["sent"] == 0  # nothing twice
    [message] = smtp.messages
    assert message["To"] == "Anna Åberg <Anna@example.se>"
    assert message["Subject"] == "Något hände"
    assert message["List-Unsubscribe"] == "<https://tryggranne.test/unsubscribe/x>"
    assert message["Message-ID"] and message["Auto-Submitted"] == "auto-generated"
    assert "https://tryggranne.test/\r\n" in body(message)
    html_part = body(message, "html")
    assert "Något &lt;b&gt;hände&lt;/b&gt;." in html_part and 'href="https://tryggranne.test/"' in html_part
    assert "<img" not in html_part and "http://" not in html_part
    row = session.exec(select(OutboxMessage)).one()
    session.refresh(row)
    assert row.status == SENT and row.sent_at is not None


def test_a_rolled_back_transaction_sends_nothing(app, session, smtp):
    _queue(session, 2)
    session.rollback()
    assert send_due(app)["sent"] == 0 and smtp.messages == []


def test_links_come_from_the_public_url_not_the_host_header(app, client, session, smtp):
    app.config["PUBLIC_URL"] = "https://granne.kommun.se/app"
    with app.test_request_context("/", base_url="http://evil.example"):
        assert mail.public_url("main.index") == "https://granne.kommun.se/app/"


@pytest.mark.parametrize("field, value, code", [
    ("subject", "Hej\r\nBcc: all@example.se", "mail_header_invalid"),
    ("subject", "Hej\nBcc: all@example.se", "mail_header_invalid"),
    ("to_name", "Anna\r\nBcc: all@example.se", "mail_header_invalid"),
    ("to", "anna@example.se\r\nBcc: all@example.se", "mail_header_invalid"),
    ("to", "not an address", "email_invalid"),
    ("to", "a" * 250 + "@example.se", "email_invalid"),
    ("to", "anna@", "email_invalid"),
    ("subject", "", "mail_subject_invalid"),
    ("subject", "x" * 201, "mail_subject_invalid"),
    ("list_unsubscribe", "javascript:alert(1)", "mail_unsubscribe_invalid"),
])
def test_bad_headers_and_addresses_are_refused_and_nothing_is_queued(app, session, smtp, field, value, code):
    with pytest.raises(ServiceError) as exc:
        _queue(session, **{field: value})
    assert exc.value.code == code and exc.value.status == 422
    assert session.exec(select(OutboxMessage)).all() == []


def test_the_message_is_in_the_recipients_language(app, session, make_user, smtp):
    from flask_babel import gettext as _

    msgid = "Line breaks are not allowed in names, addresses or subjects."
    with mail.recipient_locale(make_user(locale="en")):
        assert _(msgid) == msgid
    with mail.recipient_locale(make_user()):
        assert _(msgid) == "Radbrytningar är inte tillåtna i namn, adresser eller ämnesrader."


def test_server_down_then_back_every_message_arrives_exactly_once(app, session, smtp):
    _queue(session, 5)
    session.commit()
    smtp.stop()
    now = utcnow()
    assert send_due(app, now=now) == {"sent": 0, "retry": 5, "failed": 0}
    smtp.start()
    assert send_due(app, now=now)["sent"] == 0  # backing off: not due yet
    later = now + timedelta(seconds=app.config["MAIL_BACKOFF_BASE_SECONDS"])
    assert send_due(app, now=later) == {"sent": 5, "retry": 0, "failed": 0}
    assert sorted(m["Subject"] for m in smtp.messages) == [f"Hej {i}" for i in range(5)]
    assert send_due(app, now=later + timedelta(hours=2))["sent"] == 0
    assert len(smtp.messages) == 5


def test_a_temporary_refusal_is_retried_and_then_delivered_once(app, session, smtp):
    _queue(session, 3)
    session.commit()
    smtp.inbox.refuse = "451 4.3.0 Try again later"
    now = utcnow()
    assert send_due(app, now=now) == {"sent": 0, "retry": 3, "failed": 0}
    smtp.inbox.refuse = None
    assert send_due(app, now=now + timedelta(hours=1))["sent"] == 3
    assert len(smtp.messages) == 3
    rows = session.exec(select(OutboxMessage)).all()
    for row in rows:
        session.refresh(row)
    assert {(r.status, r.attempts) for r in rows} == {(SENT, 1)}


def _forget_confirmations(session):
    """make_user() queues a confirmation link per account; these tests count only their own."""
    from sqlalchemy import delete

    session.exec(delete(OutboxMessage).where(OutboxMessage.kind == "confirm_email"))
    session.commit()


def test_a_permanent_refusal_fails_for_good_and_admins_see_it(app, session, client, auth, make_user, smtp):
    member, admin = make_user(), make_user(admin=True)
    _forget_confirmations(session)
    _queue(session, 1)
    session.commit()
    smtp.inbox.refuse = "554 5.7.1 Rejected as spam"
    assert send_due(app) == {"sent": 0, "retry": 0, "failed": 1}
    row = session.exec(select(OutboxMessage)).one()
    session.refresh(row)
    assert row.status == FAILED and "554" in row.last_error
    auth.as_user(member)
    assert client.get("/admin/mail/").status_code == 403
    auth.as_user(admin)
    page = client.get("/admin/mail/")
    assert page.status_code == 200 and "anna0@example.se" in page.text and "554" in page.text
    smtp.inbox.refuse = None
    assert client.post(f"/admin/mail/{row.id}/retry").status_code == 302
    assert client.post("/admin/mail/999999/retry").status_code == 404
    assert send_due(app)["sent"] == 1 and len(smtp.messages) == 1


def test_after_max_attempts_a_message_fails_for_good(app, session, smtp):
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    _queue(session, 1)
    session.commit()
    smtp.stop()
    now = utcnow()
    for step in range(3):
        send_due(app, now=now + timedelta(days=step))
    row = session.exec(select(OutboxMessage)).one()
    session.refresh(row)
    assert row.status == FAILED and row.attempts == 3 and "gave up" in row.last_error


def test_a_claimed_message_is_not_claimed_twice_until_its_lease_lapses(app, session, smtp):
    _queue(session, 2)
    session.commit()
    now = utcnow()
    from watch.core.db import engine
    from sqlmodel import Session

    with Session(engine(app)) as a, Session(engine(app)) as b:
        assert len(_claim(app, a, now)) == 2
        assert _claim(app, b, now) == []
        assert len(_claim(app, b, now + timedelta(seconds=app.config["MAIL_LEASE_SECONDS"] + 1))) == 2


def test_the_send_task_is_registered_and_runs_through_tick(app, session, runner, smtp):
    assert {"mail.send", "mail.purge"} <= {t.name for t in tasks.tasks(app)}
    _queue(session, 1)
    session.commit()
    result = runner.invoke(args=["tick", "--only", "mail.send"])
    assert "ran mail.send" in result.output
    assert len(smtp.messages) == 1


def test_purge_keeps_pending_and_recent_messages(app, session, smtp):
    old, recent, waiting = _queue(session, 3)
    old.status, old.created_at = SENT, utcnow() - timedelta(days=60)
    recent.status = SENT
    waiting.created_at = utcnow() - timedelta(days=60)
    session.commit()
    from watch.mail.sender import purge

    assert purge(app) == 1
    assert {r.id for r in session.exec(select(OutboxMessage))} == {recent.id, waiting.id}


def test_deleting_a_user_deletes_their_mail_and_export_lists_it(app, session, make_user, smtp):
    from watch.accounts import service

    user = make_user()
    _forget_confirmations(session)
    mail.queue(session, to=user.email, user=user, subject="Till dig", text="x", kind="test")
    _queue(session, 1)
    session.commit()
    assert [m["subject"] for m in service.export_data(session, user)["mail"]] == ["Till dig"]
    service.delete_user(session, user)
    assert [r.to_address for r in session.exec(select(OutboxMessage))] == ["anna0@example.se"]


def test_disabled_mail_stores_nothing(app, session, smtp):
    app.config["MAIL_DISABLED"] = True
    assert _queue(session, 1) == [None]
    assert session.exec(select(OutboxMessage)).all() == []


def test_development_writes_eml_files_and_prints_the_link(tmp_path, database_url, capfd):
    from sqlmodel import SQLModel

    from tests.conftest import make_test_config
    from watch.core.db import engine, get_session

    cfg = make_test_config(tmp_path, database_url) | {"ENV": "development"}
    app = create_app(cfg)
    SQLModel.metadata.create_all(engine(app))
    with app.app_context():
        mail.queue(get_session(), to="anna@example.se", subject="Länk", text="Klicka: http://127.0.0.1:5000/x\n", kind="test")
        get_session().commit()
        assert send_due(app)["sent"] == 1
    [eml] = list((tmp_path / "instance" / "mail").glob("*.eml"))
    import email
    from email.policy import default

    assert email.message_from_bytes(eml.read_bytes(), policy=default)["Subject"] == "Länk"
    assert "anna@example.se" in capfd.readouterr().err and "http://127.0.0.1:5000/x" in eml.read_text()
    engine(app).dispose()


@pytest.mark.parametrize("changes, message", [
    ({}, "WATCH_MAIL_SERVER"),
    ({"MAIL_SERVER": "smtp.kommun.se"}, "WATCH_MAIL_DEFAULT_SENDER"),
    ({"MAIL_SERVER": "smtp.kommun.se", "MAIL_DEFAULT_SENDER": "a@kommun.se"}, "WATCH_PUBLIC_URL"),
    ({"MAIL_SERVER": "smtp.kommun.se", "MAIL_DEFAULT_SENDER": "a@kommun.se", "PUBLIC_URL": "http://x"}, "WATCH_PUBLIC_URL"),
])
def test_production_refuses_to_start_without_mail_settings(tmp_path, changes, message):
    from watch.push.webpush.vapid import generate_vapid_keypair

    cfg = {"ENV": "production", "DATABASE_URL": "sqlite://", "SECRET_KEY": "k" * 40, "INSTANCE_PATH": str(tmp_path),
           "VAPID_SUBJECT": "mailto:trygghet@nykoping.se", "VAPID_PRIVATE_KEY": generate_vapid_keypair()[0].decode()} | changes
    with pytest.raises(ConfigError, match=message):
        create_app(cfg)
    create_app(cfg | {"MAIL_DISABLED": True})  # explicitly without e-mail: starts
