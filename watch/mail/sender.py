"""Deliver the outbox: the periodic send task, retries with backoff, permanent failures.

Backends: SMTP through Flask-Mail (WATCH_MAIL_SERVER set), or, in development
and tests without a server, `.eml` files in instance/mail/ plus one console
line per message with its first link.
"""
from __future__ import annotations

import logging
import re
import smtplib
from contextlib import contextmanager
from datetime import datetime, timedelta
from email.utils import make_msgid
from pathlib import Path
from typing import Callable, Iterator

import click
import flask_mail
from flask import Flask
from sqlalchemy import delete, or_, update
from sqlmodel import Session, select

from watch.core.db import engine
from watch.core.time import utcnow
from watch.mail.models import FAILED, PENDING, SENT, OutboxMessage

log = logging.getLogger(__name__)
LINK = re.compile(r"https?://\S+")


class Transient(Exception):
    """Worth retrying later (server down, 4xx)."""


class ConnectionFailed(Transient):
    """The server could not be reached or refused the session: stop this batch."""


class Permanent(Exception):
    """The server refused this message for good (5xx for the recipient or the content)."""


def backend_name(app: Flask) -> str:
    """"smtp", "files" or "disabled"."""
    if app.config["MAIL_DISABLED"]:
        return "disabled"
    return "smtp" if app.config.get("MAIL_SERVER") else "files"


def mail_dir(app: Flask) -> Path:
    """Where the file backend writes .eml files."""
    return Path(app.config.get("MAIL_FILE_DIR") or Path(app.instance_path) / "mail")


def build(app: Flask, row: OutboxMessage) -> flask_mail.Message:
    """The MIME message of an outbox row; its Message-ID is stable across retries."""
    to = (row.to_name, row.to_address) if row.to_name else row.to_address
    headers = {"Auto-Submitted": "auto-generated"}
    if row.list_unsubscribe:
        # No List-Unsubscribe-Post (RFC 8058 one-click): every POST here needs a CSRF
        # token, so the link opens a page whose button stops the summary.
        headers["List-Unsubscribe"] = f"<{row.list_unsubscribe}>"
    message = flask_mail.Message(
        subject=row.subject, recipients=[to], body=row.body_text, html=row.body_html,
        sender=app.config["MAIL_DEFAULT_SENDER"], extra_headers=headers,
    )
    domain = (app.config["MAIL_DEFAULT_SENDER"] or "watch.invalid").rsplit("@", 1)[-1].strip(" >")
    message.msgId = make_msgid(idstring=f"outbox-{row.id}-{int(row.created_at.timestamp())}", domain=domain)
    if message.has_bad_headers():
        raise Permanent("header injection refused")
    return message


class _SMTPConnection(flask_mail.Connection):
    """Flask-Mail's connection with a timeout, so a hung server cannot stall the worker."""

    def configure_host(self):
        mail, timeout = self.mail, self.timeout
        cls = smtplib.SMTP_SSL if mail.use_ssl else smtplib.SMTP
        host = cls(mail.server, mail.port, timeout=timeout)
        if mail.use_tls and not mail.use_ssl:
            host.starttls()
        if mail.username and mail.password:
            host.login(mail.username, mail.password)
        return host


@contextmanager
def _smtp(app: Flask) -> Iterator[Callable[[OutboxMessage], None]]:
    conn = _SMTPConnection(app.extensions["mail"])
    conn.timeout = app.config["MAIL_TIMEOUT_SECONDS"]
    opened = False

    def send(row: OutboxMessage) -> None:
        nonlocal opened
        message = build(app, row)
        try:
            if not opened:
                conn.host = conn.configure_host()
                opened = True
            conn.send(message)
        except (smtplib.SMTPRecipientsRefused,) as exc:
            codes = [code for code, _msg in exc.recipients.values()]
            if codes and all(code >= 500 for code in codes):
                raise Permanent(f"recipient refused: {codes[0]}")
            raise Transient(f"recipient deferred: {codes}")
        except smtplib.SMTPDataError as exc:
            if exc.smtp_code >= 500:
                raise Permanent(f"message refused: {exc.smtp_code} {_short(exc.smtp_error)}")
            raise Transient(f"message deferred: {exc.smtp_code}")
        except (smtplib.SMTPException, OSError) as exc:
            # Connection, authentication, sender refused: the server or our
            # settings, not this message. Retry, and stop the batch.
            _close(conn)
            opened = False
            raise ConnectionFailed(f"{type(exc).__name__}: {_short(exc)}")

    try:
        yield send
    finally:
        _close(conn)


def _close(conn) -> None:
    if conn.host is not None:
        try:
            conn.host.quit()
        except (smtplib.SMTPException, OSError):
            conn.host.close()
        conn.host = None


@contextmanager
def _files(app: Flask) -> Iterator[Callable[[OutboxMessage], None]]:
    folder = mail_dir(app)
    folder.mkdir(parents=True, exist_ok=True)

    def send(row: OutboxMessage) -> None:
        message = build(app, row)
        path = folder / f"{row.created_at:%Y%m%d-%H%M%S}-{row.id}.eml"
        path.write_bytes(message.as_bytes())
        link = LINK.search(row.body_text)
        click.echo(f"mail: to {row.to_address} «{row.subject}» {link.group(0) if link else ''} ({path})", err=True)

    yield send


def _short(value) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return " ".join(str(value).split())[:300]


def backoff(app: Flask, attempts: int) -> timedelta:
    """Delay before the next attempt after `attempts` failures: exponential, capped."""
    base, cap = app.config["MAIL_BACKOFF_BASE_SECONDS"], app.config["MAIL_BACKOFF_CAP_SECONDS"]
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def _claim(app: Flask, session: Session, now: datetime) -> list[OutboxMessage]:
    """Lease a batch of due rows; a row another worker holds is skipped."""
    due = session.exec(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now,
               or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(app.config["MAIL_BATCH_SIZE"])
    ).all()
    lease = now + timedelta(seconds=app.config["MAIL_LEASE_SECONDS"])
    claimed = []
    for message_id in due:
        result = session.exec(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == PENDING,
                   or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now))
            .values(lease_until=lease)
        )
        if result.rowcount == 1:
            claimed.append(message_id)
    session.commit()
    return [session.get(OutboxMessage, i) for i in claimed]


def send_due(app: Flask, *, now: datetime | None = None) -> dict[str, int]:
    """Send every due message once; the periodic task. Returns counts by outcome.

    `now` lets tests step time forward instead of sleeping.
    """
    kind = backend_name(app)
    counts = {"sent": 0, "retry": 0, "failed": 0}
    if kind == "disabled":
        return counts
    now = now or utcnow()
    opener = _smtp if kind == "smtp" else _files
    with Session(engine(app), expire_on_commit=False) as session:
        while True:
            batch = _claim(app, session, now)
            if not batch:
                break
            with opener(app) as send:
                down = None
                for row in batch:
                    try:
                        if down is not None:
                            raise down
                        send(row)
                    except ConnectionFailed as exc:
                        down = exc
                        _retry(app, row, str(exc), now, counts)
                    except Transient as exc:
                        _retry(app, row, str(exc), now, counts)
                    except Permanent as exc:
                        _fail(row, str(exc), counts)
                    else:
                        row.status, row.sent_at, row.lease_until = SENT, utcnow(), None
                        counts["sent"] += 1
                    session.add(row)
                    session.commit()  # one row at a time: a crash re-sends at most one
            if down is not None or len(batch) < app.config["MAIL_BATCH_SIZE"]:
                break
    if counts["retry"] or counts["failed"]:
        log.warning("mail: %(sent)d sent, %(retry)d to retry, %(failed)d failed for good", counts)
    return counts


def _retry(app: Flask, row: OutboxMessage, error: str, now: datetime, counts: dict) -> None:
    row.attempts += 1
    row.last_error = error[:500]
    row.lease_until = None
    if row.attempts >= app.config["MAIL_MAX_ATTEMPTS"]:
        _fail(row, f"gave up after {row.attempts} attempts: {error}", counts)
        return
    row.next_attempt_at = now + backoff(app, row.attempts)
    counts["retry"] += 1


def _fail(row: OutboxMessage, error: str, counts: dict) -> None:
    row.status, row.last_error, row.lease_until = FAILED, error[:500], None
    counts["failed"] += 1


def purge(app: Flask, *, now: datetime | None = None) -> int:
    """Delete sent and failed messages older than WATCH_MAIL_RETENTION_DAYS."""
    cutoff = (now or utcnow()) - timedelta(days=app.config["MAIL_RETENTION_DAYS"])
    with Session(engine(app)) as session:
        result = session.exec(delete(OutboxMessage).where(OutboxMessage.status != PENDING, OutboxMessage.created_at < cutoff))
        session.commit()
    return result.rowcount

