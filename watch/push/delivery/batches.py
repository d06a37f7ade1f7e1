"""One batch's database side: claim under a lease, build the messages, record outcomes, purge.

Any number of workers share the table: on PostgreSQL the claim skips rows other
workers hold (FOR UPDATE SKIP LOCKED); a claim is a lease, so a dead worker's
rows become claimable again once claimed_until has passed.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, delete, or_, select, update
from sqlmodel import Session

from watch.accounts.models import User
from watch.alerts.models import Alert
from watch.areas.models import Area
from watch.core.time import utcnow
from watch.push.delivery import messages
from watch.push.devices import preferences
from watch.push.models import (
    FAILED,
    GONE,
    JOB_DONE,
    NOTICE_URGENT,
    OPEN_STATUSES,
    RETRYING,
    SENT,
    Delivery,
    FanoutJob,
    PushNotice,
    PushSubscription,
)
from watch.push.notices import service as notices
from watch.push.retry import SendResult, backoff_delay
from watch.push.webpush.message import PushMessage, alert_topic

log = logging.getLogger("watch.push.delivery.worker")
_IN_CHUNK = 1000  # ids per IN (...): well under SQLite's bound-parameter limit


def claim(session: Session, token: str, *, limit: int, lease_seconds: float, postgres: bool) -> int:
    """Lease up to `limit` due open deliveries to `token`; returns how many."""
    now = utcnow()
    due = (
        select(Delivery.id)
        .where(Delivery.status.in_(OPEN_STATUSES), Delivery.next_attempt_at <= now,
               or_(Delivery.claimed_until.is_(None), Delivery.claimed_until < now))
        # Police first (models.PRIORITY), then the longest waiting.
        .order_by(Delivery.priority.desc(), Delivery.next_attempt_at, Delivery.id)
        .limit(limit)
    )
    if postgres:
        # Rows another worker is claiming right now are skipped, not waited for.
        due = due.with_for_update(skip_locked=True)
    # One statement: on SQLite the write lock makes it atomic across processes too.
    result = session.execute(
        update(Delivery.__table__)
        .where(Delivery.__table__.c.id.in_(due.scalar_subquery()))
        .values(claimed_by=token, claimed_until=now + timedelta(seconds=lease_seconds))
    )
    return max(result.rowcount or 0, 0)


@dataclass
class Job:
    """One claimed delivery, ready to send."""

    id: int
    subscription_id: int | None
    attempts: int
    shrunk: bool
    message: PushMessage | None
    skip_reason: str = ""
    skip_status: str = FAILED
    expires_at: datetime | None = None  # created + TTL: retrying after this is pointless


def load_jobs(session: Session, token: str) -> list[Job]:
    """The deliveries leased to `token`, with their messages built in each recipient's language."""
    d, s = Delivery, PushSubscription
    rows = session.execute(
        select(d.id, d.alert_id, d.area_id, d.role, d.kind, d.attempts, d.shrunk, s.id, s.endpoint, s.p256dh,
               s.auth, User.locale, d.created_at, d.notice_id)
        .select_from(d).outerjoin(s, s.id == d.subscription_id).join(User, User.id == d.user_id)
        .where(d.claimed_by == token)
    ).all()
    alert_ids = {r[1] for r in rows if r[1] is not None}
    alerts = ({a.id: a for a in session.execute(select(Alert).where(Alert.id.in_(alert_ids))).scalars()}
              if alert_ids else {})
    notice_ids = {r[13] for r in rows if r[13] is not None}
    notes = ({n.id: n for n in session.execute(select(PushNotice).where(PushNotice.id.in_(notice_ids))).scalars()}
             if notice_ids else {})
    area_ids = {r[2] for r in rows if r[2] is not None}
    names = dict(session.execute(select(Area.id, Area.name).where(Area.id.in_(area_ids))).all()) if area_ids else {}
    payloads: dict[tuple, dict] = {}
    per_role: dict[tuple, tuple[int, str, str]] = {}
    jobs = []
    for (did, alert_id, area_id, role, kind, attempts, shrunk, sub_id, endpoint, p256dh, auth, locale, created,
         notice_id) in rows:
        alert = alerts.get(alert_id)
        job = Job(did, sub_id, attempts, shrunk, None)
        created = created if created.tzinfo else created.replace(tzinfo=UTC)
        if sub_id is None:
            job.skip_reason, job.skip_status = "subscription removed", GONE
        elif notice_id is not None:
            notice = notes.get(notice_id)
            if notice is None:
                job.skip_reason = "notice removed before it was sent"
            else:
                message = PushMessage(endpoint, p256dh, auth, notices.payload(notice), ttl=notice.ttl,
                                      urgency="high" if notice.priority == NOTICE_URGENT else "normal",
                                      topic=notices.notice_topic(notice.id))
                job.message = message.shrink() if shrunk else message
                job.expires_at = created + timedelta(seconds=message.ttl)
        elif alert is None or alert.hidden_at is not None:
            job.skip_reason = "alert hidden before it was sent"
        else:
            lang = messages.locale_for(locale)
            key = (alert_id, area_id, kind, lang)
            if key not in payloads:
                payloads[key] = messages.payload(alert, area_name=names.get(area_id), kind=kind, locale=lang)
            headers = per_role.get((alert_id, role))
            if headers is None:  # the same for every device of the alert with this role
                headers = per_role[(alert_id, role)] = (preferences.ttl_for(alert), preferences.urgency_header(alert, role),
                                                        alert_topic(alert.id))
            message = PushMessage(endpoint, p256dh, auth, payloads[key], ttl=headers[0], urgency=headers[1], topic=headers[2])
            job.message = message.shrink() if shrunk else message
            job.expires_at = created + timedelta(seconds=message.ttl)
        jobs.append(job)
    return jobs


def outcome(job: Job, result: SendResult, *, now, base: float, cap: float, floor: float) -> dict:
    """The new column values of a delivery after one attempt: retried by time until its TTL, not by count."""
    attempts = job.attempts + 1
    row = {"b_id": job.id, "subscription_id": job.subscription_id, "status": FAILED, "attempts": attempts, "next_attempt_at": now,
           "last_status": result.http_status, "reason": (result.reason or None) and result.reason[:500],
           "sent_at": None, "shrunk": job.shrunk}
    if result.status == "sent":
        row.update(status=SENT, sent_at=now)
    elif result.status == "gone":
        row.update(status=GONE, subscription_id=None)
    elif result.status == "too_large" and not job.shrunk:
        # Retry once at once, without the text; the app shows the alert when the push is opened.
        row.update(status=RETRYING, shrunk=True)
    elif result.status == "retry" and (retry_at := _retry_at(job, result, now, base, cap, floor)) is not None:
        row.update(status=RETRYING, next_attempt_at=retry_at)
    else:
        if result.status == "retry":
            row["reason"] = f"gave up after {attempts} attempts, TTL over: {result.reason or result.http_status}"[:500]
        log.error("push delivery %s failed (%s, HTTP %s): %s", job.id, result.status, result.http_status, row["reason"])
    return row


def _retry_at(job: Job, result: SendResult, now, base: float, cap: float, floor: float):
    """When to try again, or None if that would be after the message's TTL."""
    at = now + timedelta(seconds=backoff_delay(job.attempts, result.retry_after, base=base, cap=cap, floor=floor))
    if job.expires_at is not None and at >= job.expires_at:
        return None
    return at


def record(session: Session, token: str, rows: list[dict], *, gone_subscriptions: set[int], sent_subscriptions: set[int], now) -> None:
    """Write the outcomes (only where our lease still holds) and drop subscriptions that are gone.

    Rows with the same outcome (nearly all of a batch: sent, first attempt, 201) are written by one
    UPDATE ... WHERE id IN (...), not one statement per row: the database side of a batch then costs
    a few statements whatever its size. A row's subscription_id is only ever cleared (None), never
    written back, so a subscription deleted meanwhile is not resurrected.
    """
    t = Delivery.__table__
    groups: dict[tuple, list[int]] = {}
    for row in rows:
        key = (row["status"], row["attempts"], row["next_attempt_at"], row["last_status"], row["reason"], row["sent_at"],
               row["shrunk"], row["subscription_id"] is None)
        groups.setdefault(key, []).append(row["b_id"])
    for (status, attempts, next_at, last_status, reason, sent_at, shrunk, clear_sub), ids in groups.items():
        values = {"status": status, "attempts": attempts, "next_attempt_at": next_at, "last_status": last_status,
                  "reason": reason, "sent_at": sent_at, "shrunk": shrunk, "claimed_by": None, "claimed_until": None}
        if clear_sub:
            values["subscription_id"] = None
        for start in range(0, len(ids), _IN_CHUNK):
            session.execute(update(t).where(t.c.claimed_by == token, t.c.id.in_(ids[start:start + _IN_CHUNK])).values(**values))
    if sent_subscriptions:
        s = PushSubscription.__table__
        ids = sorted(sent_subscriptions)
        for start in range(0, len(ids), _IN_CHUNK):
            session.execute(update(s).where(s.c.id.in_(ids[start:start + _IN_CHUNK])).values(last_success_at=now))
    if gone_subscriptions:
        # The push service said the browser unsubscribed: never send there again.
        session.execute(delete(PushSubscription.__table__).where(PushSubscription.__table__.c.id.in_(gone_subscriptions)))


def purge(session: Session, *, retention_days: float, now=None) -> int:
    """Delete final deliveries older than the retention period, those of alerts that no longer exist,
    finished fan-out jobs and notices past the retention period (and their deliveries with them)."""
    now = now or utcnow()
    cutoff = now - timedelta(days=retention_days)
    t, n, j = Delivery.__table__, PushNotice.__table__, FanoutJob.__table__
    old = session.execute(delete(t).where(t.c.status.not_in(OPEN_STATUSES), t.c.created_at < cutoff))
    orphans = session.execute(delete(t).where(t.c.alert_id.is_not(None),
                                              ~select(Alert.id).where(Alert.id == t.c.alert_id).exists()))
    # A notice's text is kept as long as its receipts, and no longer.
    old_notices = select(n.c.id).where(n.c.created_at < cutoff).scalar_subquery()
    session.execute(delete(t).where(t.c.notice_id.in_(old_notices)))
    session.execute(delete(n).where(n.c.created_at < cutoff))
    session.execute(delete(j).where(or_(and_(j.c.status == JOB_DONE, j.c.created_at < cutoff),
                                        ~select(Alert.id).where(Alert.id == j.c.alert_id).exists())))
    return (old.rowcount or 0) + (orphans.rowcount or 0)
