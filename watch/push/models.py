"""Devices that receive pushes, one delivery record per device and alert, preferences, escalations."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from watch.core.time import utcnow

# Delivery.status values. pending/retrying are claimable; the others are final.
PENDING, SENT, RETRYING, GONE, FAILED = "pending", "sent", "retrying", "gone", "failed"
STATUSES = (PENDING, SENT, RETRYING, GONE, FAILED)
OPEN_STATUSES = (PENDING, RETRYING)

# Delivery.role: why this device gets the alert.
ROLE_MEMBER, ROLE_CONTACT, ROLE_POLICE = "member", "contact", "police"
ROLE_BACKUP_POLICE, ROLE_ADMIN = "backup_police", "admin"
POLICE_ROLES = (ROLE_POLICE, ROLE_BACKUP_POLICE)
# Delivery.priority: who must know first. Workers claim the highest first, so the police
# contact's push leaves in the first batch whatever the audience size.
PRIORITY = {ROLE_POLICE: 2, ROLE_BACKUP_POLICE: 2, ROLE_CONTACT: 1, ROLE_ADMIN: 1, ROLE_MEMBER: 0}

# Delivery.kind
KIND_ALERT, KIND_ESCALATION, KIND_NOTICE = "alert", "escalation", "notice"

# PushNotice.priority: an urgent notice is sent through quiet hours with Urgency: high.
NOTICE_NORMAL, NOTICE_URGENT = "normal", "urgent"
NOTICE_PRIORITIES = (NOTICE_NORMAL, NOTICE_URGENT)
# Delivery.priority of notices: urgent ones beside contacts, below police alert pushes.
NOTICE_DELIVERY_PRIORITY = {NOTICE_URGENT: 1, NOTICE_NORMAL: 0}

# FanoutJob.status
JOB_OPEN, JOB_DONE = "open", "done"

# PushPreference.level
LEVEL_ALL, LEVEL_URGENT, LEVEL_NONE = "all", "urgent", "none"
LEVELS = (LEVEL_ALL, LEVEL_URGENT, LEVEL_NONE)


class PushSubscription(SQLModel, table=True):
    """One browser's push subscription (a phone or a computer) of one user."""

    __tablename__ = "push_subscriptions"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    # The endpoint is a capability URL: whoever knows it can push to the device.
    endpoint: str = Field(max_length=2048, unique=True)
    p256dh: str = Field(max_length=100)
    auth: str = Field(max_length=32)
    host: str = Field(max_length=255)
    label: str = Field(default="", max_length=80)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    last_success_at: datetime | None = None


class Delivery(SQLModel, table=True):
    """One alert (or notice) to one device: claimed, sent and finalised by a worker.

    An alert's police deliveries are written with the alert; the rest by a worker
    expanding the alert's FanoutJob (watch.push.delivery.fanout). One row per alert and device
    (unique), so an expansion that is run twice writes nothing twice.
    """

    __tablename__ = "push_deliveries"
    __table_args__ = (
        # Claiming: the due open deliveries, highest priority first, then oldest.
        Index("ix_push_deliveries_claim", "status", "priority", "next_attempt_at"),
        Index("ix_push_deliveries_alert_user", "alert_id", "user_id"),
        # Idempotent fan-out: a device gets an alert (or a notice) once. NULLs (notices'
        # alert_id, a gone device) are distinct, on PostgreSQL and SQLite alike.
        Index("uq_push_deliveries_alert_subscription", "alert_id", "subscription_id", unique=True),
        Index("uq_push_deliveries_notice_subscription", "notice_id", "subscription_id", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    # No foreign keys: each is a trigger per row on PostgreSQL (the alert's alone was a third
    # of the INSERT), and an alert to 10,000 devices writes 10,000 rows inside the POST. A
    # purged alert, a subscription that is gone, a deleted user (user_deleting removes their
    # rows) or area leaves an id matching nothing: the worker skips such rows, and
    # watch.push.delivery.worker.purge() deletes final rows after PUSH_DELIVERY_RETENTION_DAYS.
    # Exactly one of alert_id and notice_id is set.
    alert_id: int | None = Field(default=None)
    notice_id: int | None = Field(default=None)
    subscription_id: int | None = Field(default=None)
    # Not indexed: every index is paid for 10,000 times per big alert, and the only lookup
    # by user is an account deletion (rare; the table is kept short by the retention purge).
    user_id: int
    area_id: int | None = Field(default=None)
    role: str = Field(default=ROLE_MEMBER, max_length=16)
    kind: str = Field(default=KIND_ALERT, max_length=16)
    priority: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    status: str = Field(default=PENDING, max_length=16)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(default_factory=utcnow)
    last_status: int | None = None
    reason: str | None = Field(default=None, max_length=500)
    shrunk: bool = Field(default=False)  # sent without the text after a 413
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None
    claimed_by: str | None = Field(default=None, max_length=80)
    claimed_until: datetime | None = None


class PushPreference(SQLModel, table=True):
    """A user's choice for one area: all alerts, urgent only, or none. No row: all."""

    __tablename__ = "push_preferences"
    __table_args__ = (UniqueConstraint("user_id", "area_id", name="uq_push_preference_user_area"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    area_id: int = Field(foreign_key="areas.id", index=True, ondelete="CASCADE")
    level: str = Field(default=LEVEL_ALL, max_length=8)


class PushQuietHours(SQLModel, table=True):
    """A user's quiet hours, in minutes after local midnight (Europe/Stockholm); may wrap midnight."""

    __tablename__ = "push_quiet_hours"

    user_id: int = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    start_minute: int
    end_minute: int


class PushEscalation(SQLModel, table=True):
    """An alert's area was escalated to backup police and admins (at most once)."""

    __tablename__ = "push_escalations"
    __table_args__ = (UniqueConstraint("alert_id", "area_id", name="uq_push_escalation_alert_area"),)

    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = Field(foreign_key="alerts.id", index=True, ondelete="CASCADE")
    area_id: int = Field(foreign_key="areas.id", ondelete="CASCADE")
    escalated_at: datetime = Field(default_factory=utcnow)
    devices: int = Field(default=0)


class PushNotice(SQLModel, table=True):
    """A push that is not an alert (a crisis point opened, a rota reminder): its text, once, for all its deliveries."""

    __tablename__ = "push_notices"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)  # what sent it, e.g. "crisis_point"; the service worker gets it
    title: str = Field(max_length=120)
    body: str = Field(default="", max_length=500)
    url: str = Field(max_length=500)  # a path on this site
    priority: str = Field(default=NOTICE_NORMAL, max_length=8)
    ttl: int = Field(default=24 * 3600)
    area_id: int | None = Field(default=None)  # whose area preferences apply, if any
    created_at: datetime = Field(default_factory=utcnow, index=True)


class FanoutJob(SQLModel, table=True):
    """An alert's deliveries still to be written: a worker expands it in chunks, under a lease.

    The police contacts' deliveries are written with the alert; the job writes the
    rest, contact representatives first, then members in subscription id order from
    `cursor`. A worker killed mid-expansion leaves the job leased until claimed_until;
    then another worker continues from the last committed chunk.
    """

    __tablename__ = "push_fanout_jobs"
    __table_args__ = (Index("ix_push_fanout_jobs_claim", "status", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = Field(unique=True)  # one job per alert, covering all its areas
    status: str = Field(default=JOB_OPEN, max_length=8)
    # None: the contact representatives are not yet written; else the last subscription id written.
    cursor: int | None = None
    written: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    claimed_by: str | None = Field(default=None, max_length=80)
    claimed_until: datetime | None = None
