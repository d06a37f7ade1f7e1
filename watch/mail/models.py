"""The outbox: one row per e-mail, written in the transaction that caused it."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from watch.core.time import utcnow

PENDING, SENT, FAILED = "pending", "sent", "failed"


class OutboxMessage(SQLModel, table=True):
    """An e-mail waiting to be sent, sent, or failed for good.

    The sender claims a due row with a lease (`lease_until`), so any number of
    worker processes may run the send task; a killed worker's claim lapses.
    """

    __tablename__ = "mail_outbox"

    id: int | None = Field(default=None, primary_key=True)
    # What caused it ("password_reset", "invitation", ...): for the admin list and purges.
    kind: str = Field(max_length=40, index=True)
    to_address: str = Field(max_length=254)
    to_name: str | None = Field(default=None, max_length=80)
    # The recipient's account, if any: deleted with it (GDPR).
    user_id: int | None = Field(default=None, foreign_key="users.id", index=True, ondelete="CASCADE")
    subject: str = Field(max_length=200)
    body_text: str
    body_html: str | None = None
    # https:// or mailto: link for List-Unsubscribe (digests and notices).
    list_unsubscribe: str | None = Field(default=None, max_length=500)
    status: str = Field(default=PENDING, max_length=10, index=True)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(default_factory=utcnow, index=True)
    lease_until: datetime | None = None
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    sent_at: datetime | None = None
    # Set when admins were told about this permanent failure.
    admins_notified_at: datetime | None = None


DIGEST_CHOICES = ("off", "daily", "weekly")


class MailPreference(SQLModel, table=True):
    """A member's e-mail choices; no row means the defaults (outcomes on, no digest)."""

    __tablename__ = "mail_preferences"

    user_id: int = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    # The outcome of my own alert when police close it.
    outcomes: bool = Field(default=True)
    # A summary of my areas' alerts: "off", "daily" or "weekly".
    digest: str = Field(default="off", max_length=8)
    last_digest_at: datetime | None = None
