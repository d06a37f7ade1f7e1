"""Notices: pushes that are not alerts (a crisis point opened, a rota reminder), for other domains.

    from watch.push.notices.service import send_notice
    notice = send_notice(session, user_ids=[...], title=..., body=..., url="/crisis/7",
                         kind="crisis_point", priority="urgent", ttl=3600)
    session.commit()

The text is stored once (PushNotice) and each of the users' devices gets a delivery
that the push workers send like an alert's, after the caller commits. The caller
writes the text in the recipients' language (group users by User.locale and send
one notice per language if they differ).

Rules (who is skipped):
- priority "urgent": every device of every user, through quiet hours, Urgency: high;
- priority "normal": users in their quiet hours now are skipped (as for non-urgent alerts);
- with area_id, the users' preference for that area applies: "none" skips every notice,
  "urgent only" skips normal notices.
"""
from __future__ import annotations

from sqlalchemy import func, insert, literal, not_, select
from sqlmodel import Session

from watch.core.time import utcnow
from watch.push.delivery.wake import announce
from watch.push.devices import preferences
from watch.push.models import (
    FAILED,
    GONE,
    KIND_NOTICE,
    NOTICE_DELIVERY_PRIORITY,
    NOTICE_PRIORITIES,
    NOTICE_URGENT,
    OPEN_STATUSES,
    PENDING,
    ROLE_MEMBER,
    SENT,
    Delivery,
    PushNotice,
    PushSubscription,
)

TITLE_MAX, BODY_MAX, URL_MAX, KIND_MAX = 120, 500, 500, 40
MIN_TTL, MAX_TTL = 60, 28 * 24 * 3600


def _check(*, title, body, url, kind, priority, ttl) -> tuple[str, str, str, str, int]:
    """Clean the caller's values or raise ValueError (a programming error of the caller, not user input)."""
    title = " ".join(str(title or "").split())
    body = " ".join(str(body or "").split())
    if not title or len(title) > TITLE_MAX:
        raise ValueError(f"a notice needs a title of 1..{TITLE_MAX} characters")
    if len(body) > BODY_MAX:
        raise ValueError(f"a notice body has at most {BODY_MAX} characters")
    url = str(url or "")
    # The service worker opens it: a path on this site only (not //host, not a scheme).
    if not url.startswith("/") or url.startswith("//") or "\\" in url or len(url) > URL_MAX or any(c.isspace() for c in url):
        raise ValueError("a notice url must be a path on this site, like /crisis/7")
    kind = str(kind or "")
    if not kind or len(kind) > KIND_MAX:
        raise ValueError(f"a notice needs a kind of 1..{KIND_MAX} characters")
    if priority not in NOTICE_PRIORITIES:
        raise ValueError(f"priority must be one of {NOTICE_PRIORITIES}")
    ttl = int(ttl)
    if not MIN_TTL <= ttl <= MAX_TTL:
        raise ValueError(f"ttl must be {MIN_TTL}..{MAX_TTL} seconds")
    return title, body, url, kind, ttl


def send_notice(session: Session, *, user_ids, title: str, body: str = "", url: str, kind: str,
                priority: str = "normal", ttl: int = 24 * 3600, area_id: int | None = None, now=None) -> PushNotice:
    """Store a notice and a pending delivery per device of these users; sent after the caller commits.

    Returns the notice (its id: notice_receipt). Does not commit: the notice is part of
    the caller's transaction (nothing is sent if it rolls back). Raises ValueError on a
    bad title, url, kind, priority or ttl.
    """
    title, body, url, kind, ttl = _check(title=title, body=body, url=url, kind=kind, priority=priority, ttl=ttl)
    now = now or utcnow()
    notice = PushNotice(kind=kind, title=title, body=body, url=url, priority=priority, ttl=ttl, area_id=area_id, created_at=now)
    session.add(notice)
    session.flush()
    ids = sorted({int(u) for u in user_ids})
    if not ids:
        return notice
    s, t = PushSubscription, Delivery.__table__
    conditions = [s.user_id.in_(ids)]
    urgent = priority == NOTICE_URGENT
    if area_id is not None:
        conditions.append(not_(preferences.refused_clause(s.user_id, literal(int(area_id)), urgent)))
    if not urgent:
        conditions.append(not_(preferences.quiet_clause(s.user_id, preferences.local_minute(now))))
    query = select(
        literal(notice.id, t.c.notice_id.type), s.id, s.user_id, literal(area_id, t.c.area_id.type),
        literal(ROLE_MEMBER, t.c.role.type), literal(KIND_NOTICE, t.c.kind.type),
        literal(NOTICE_DELIVERY_PRIORITY[priority], t.c.priority.type), literal(PENDING, t.c.status.type),
        literal(0, t.c.attempts.type), literal(now, t.c.next_attempt_at.type), literal(now, t.c.created_at.type),
        literal(False, t.c.shrunk.type),
    ).where(*conditions)
    columns = ("notice_id", "subscription_id", "user_id", "area_id", "role", "kind", "priority", "status", "attempts",
               "next_attempt_at", "created_at", "shrunk")
    result = session.execute(insert(t).from_select(columns, query).execution_options(preserve_rowcount=True))
    if (result.rowcount or 0) > 0:
        announce(session)
    return notice


def notice_receipt(session: Session, notice_id: int) -> dict:
    """How a notice's pushes went: devices_total, sent, pending, failed, gone."""
    counts = dict(session.execute(select(Delivery.status, func.count()).where(Delivery.notice_id == notice_id)
                                  .group_by(Delivery.status)).all())
    return {
        "devices_total": sum(counts.values()),
        "sent": counts.get(SENT, 0),
        "pending": sum(counts.get(s, 0) for s in OPEN_STATUSES),
        "failed": counts.get(FAILED, 0),
        "gone": counts.get(GONE, 0),
    }


def count_deliveries(session: Session, notice_ids) -> int:
    """How many devices these notices went to (one count for many notices)."""
    ids = [int(i) for i in notice_ids]
    if not ids:
        return 0
    return int(session.execute(select(func.count()).select_from(Delivery).where(Delivery.notice_id.in_(ids))).scalar_one())


def payload(notice: PushNotice) -> dict:
    """The JSON the service worker shows: {title, body, url, notice_id, kind, tag}."""
    return {"title": notice.title, "body": notice.body, "url": notice.url, "notice_id": notice.id,
            "kind": notice.kind, "tag": notice_topic(notice.id)}


def notice_topic(notice_id: int) -> str:
    """The Topic (and notification tag) of a notice's pushes: a repeat replaces, never doubles."""
    return f"notice-{int(notice_id)}"
