"""GDPR: a deleted user's mail goes with them; the export lists what was sent to them."""
from __future__ import annotations

from sqlalchemy import delete, or_
from sqlmodel import select

from watch.mail.models import MailPreference, OutboxMessage


def on_user_deleting(user, *, session, **_kw) -> None:
    """Delete every outbox row to the user (by account or address), and their e-mail choices."""
    session.exec(delete(MailPreference).where(MailPreference.user_id == user.id))
    session.exec(delete(OutboxMessage).where(or_(OutboxMessage.user_id == user.id, OutboxMessage.to_address == user.email)))


def on_user_export(user, *, session, data, **_kw) -> None:
    """Messages to the user still kept in the outbox (no bodies: they hold one-time links)."""
    rows = session.exec(
        select(OutboxMessage).where(or_(OutboxMessage.user_id == user.id, OutboxMessage.to_address == user.email))
        .order_by(OutboxMessage.created_at)
    )
    pref = session.get(MailPreference, user.id)
    data["mail_preferences"] = {"outcomes": pref.outcomes, "digest": pref.digest} if pref else None
    data["mail"] = [
        {"subject": r.subject, "kind": r.kind, "status": r.status, "created_at": r.created_at.isoformat(),
         "sent_at": r.sent_at.isoformat() if r.sent_at else None}
        for r in rows
    ]
