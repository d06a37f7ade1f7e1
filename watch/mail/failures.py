"""Messages that failed for good: the admin list and its retry, what is waiting, what admins were not told of yet."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, update
from sqlmodel import Session, select

from watch.core.errors import NotFound
from watch.core.time import utcnow
from watch.mail.models import FAILED, PENDING, OutboxMessage


def failed(session: Session, limit: int = 200) -> list[OutboxMessage]:
    """Permanent failures, newest first."""
    return list(session.exec(select(OutboxMessage).where(OutboxMessage.status == FAILED).order_by(OutboxMessage.id.desc()).limit(limit)))


def waiting(session: Session) -> int:
    """How many messages wait to be sent."""
    return session.exec(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == PENDING)).one()


def retry(session: Session, message_id: int) -> OutboxMessage:
    """Queue a failed message again (after fixing the address or the server), or NotFound. Commits."""
    row = session.get(OutboxMessage, message_id)
    if row is None or row.status != FAILED:
        raise NotFound("mail_not_found", _l("No such failed message."))
    row.status, row.attempts, row.next_attempt_at, row.admins_notified_at = PENDING, 0, utcnow(), None
    session.add(row)
    session.commit()
    return row


def last_queued_at(session: Session, kind: str) -> datetime | None:
    """When the newest message of this kind was queued (None if never)."""
    return session.exec(select(func.max(OutboxMessage.created_at)).where(OutboxMessage.kind == kind)).one()


def unreported(session: Session, *, except_kind: str) -> list[OutboxMessage]:
    """Permanent failures admins were not told of (oldest first), leaving out the notices themselves."""
    return list(session.exec(
        select(OutboxMessage).where(OutboxMessage.status == FAILED, OutboxMessage.admins_notified_at.is_(None),
                                    OutboxMessage.kind != except_kind).order_by(OutboxMessage.id)
    ).all())


def mark_reported(session: Session, messages: list[OutboxMessage], now: datetime) -> None:
    """Note that admins were told of these failures; in the caller's transaction."""
    session.exec(update(OutboxMessage).where(OutboxMessage.id.in_([m.id for m in messages])).values(admins_notified_at=now))
