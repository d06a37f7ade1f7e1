"""Durable fan-out: one delivery row per target device, in the transaction that stores the alert.

The rows are written by one INSERT ... SELECT from subscriptions joined to
memberships, so posting an alert costs the same few statements for ten devices
or ten thousand; workers do the sending after commit.
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import and_, case, event, func, insert, literal, not_, or_, select, text
from sqlmodel import Session

from watch import events
from watch.accounts.models import User
from watch.areas.models import Area, AreaMembership, AreaRole, AreaStatus
from watch.db import utcnow
from watch.push import preferences
from watch.push.models import (
    KIND_ALERT, KIND_ESCALATION, PENDING, PRIORITY, ROLE_ADMIN, ROLE_BACKUP_POLICE, ROLE_CONTACT, ROLE_MEMBER, ROLE_POLICE,
    Delivery, PushSubscription,
)

CHANNEL = "watch_push"
COLUMNS = ("alert_id", "subscription_id", "user_id", "area_id", "role", "priority", "kind", "status", "attempts",
           "next_attempt_at", "created_at", "shrunk")


def _constants(alert_id: int, kind: str, now):
    table = Delivery.__table__
    return (
        literal(kind, table.c.kind.type), literal(PENDING, table.c.status.type), literal(0, table.c.attempts.type),
        literal(now, table.c.next_attempt_at.type), literal(now, table.c.created_at.type),
        literal(False, table.c.shrunk.type),
    )


def fan_out(session: Session, alert, area_ids, *, now=None) -> int:
    """Insert the pending deliveries for an alert in these areas; returns how many devices."""
    ids = sorted({int(a) for a in area_ids})
    if not ids:
        return 0
    now = now or utcnow()
    author = session.get(User, alert.author_id) if alert.author_id else None
    urgent = preferences.is_urgent(alert, bool(author and author.is_police))
    m, s = AreaMembership, PushSubscription
    police_row = m.role == AreaRole.police
    wanted = not_(preferences.refused_clause(m.user_id, m.area_id, urgent))
    if not urgent:
        wanted = and_(wanted, not_(preferences.quiet_clause(m.user_id, preferences.local_minute(now))))
    conditions = [
        m.area_id.in_(ids),
        Area.status == AreaStatus.active,
        # Police contacts always get their areas' alerts, whatever the hour.
        or_(police_row, wanted),
    ]
    if alert.author_id is not None:
        conditions.append(s.user_id != alert.author_id)
    rank = func.max(case((police_row, 3), (m.role == AreaRole.contact, 2), else_=1))
    role = case((rank == 3, ROLE_POLICE), (rank == 2, ROLE_CONTACT), else_=ROLE_MEMBER)
    priority = case((rank == 3, PRIORITY[ROLE_POLICE]), (rank == 2, PRIORITY[ROLE_CONTACT]), else_=PRIORITY[ROLE_MEMBER])
    query = (
        select(literal(alert.id, Delivery.__table__.c.alert_id.type), s.id, s.user_id, func.min(m.area_id), role, priority,
               *_constants(alert.id, KIND_ALERT, now))
        .select_from(s)
        .join(m, m.user_id == s.user_id)
        .join(Area, Area.id == m.area_id)
        .where(*conditions)
        # One delivery per device, even for a user in several of the areas.
        .group_by(s.id, s.user_id)
    )
    return _insert(session, query)


def fan_out_escalation(session: Session, alert, area: Area, police_ids: list[int], now=None) -> int:
    """Insert deliveries for backup police and admins not yet targeted by this alert; returns how many."""
    now = now or utcnow()
    s, u = PushSubscription, User
    targeted = select(Delivery.id).where(Delivery.alert_id == alert.id, Delivery.user_id == s.user_id).exists()
    audience = or_(u.is_admin.is_(True), u.id.in_(police_ids)) if police_ids else u.is_admin.is_(True)
    conditions = [audience, not_(targeted)]
    if alert.author_id is not None:
        conditions.append(s.user_id != alert.author_id)
    backup = u.id.in_(police_ids or [-1])
    role = case((backup, ROLE_BACKUP_POLICE), else_=ROLE_ADMIN)
    priority = case((backup, PRIORITY[ROLE_BACKUP_POLICE]), else_=PRIORITY[ROLE_ADMIN])
    query = (
        select(literal(alert.id, Delivery.__table__.c.alert_id.type), s.id, s.user_id,
               literal(area.id, Delivery.__table__.c.area_id.type), role, priority, *_constants(alert.id, KIND_ESCALATION, now))
        .select_from(s).join(u, u.id == s.user_id).where(*conditions)
    )
    return _insert(session, query)


def fan_out_users(session: Session, alert, users: dict[int, int], *, now=None) -> int:
    """Deliveries for these users' devices (user id -> area id) not yet targeted by the alert, whatever their preferences."""
    ids = sorted(int(u) for u in users if u != alert.author_id)
    if not ids:
        return 0
    now = now or utcnow()
    s = PushSubscription
    targeted = select(Delivery.id).where(Delivery.alert_id == alert.id, Delivery.subscription_id == s.id).exists()
    area = case({u: int(users[u]) for u in ids}, value=s.user_id)
    query = (
        select(literal(alert.id, Delivery.__table__.c.alert_id.type), s.id, s.user_id, area,
               literal(ROLE_MEMBER, Delivery.__table__.c.role.type),
               literal(PRIORITY[ROLE_MEMBER], Delivery.__table__.c.priority.type), *_constants(alert.id, KIND_ALERT, now))
        .select_from(s).where(s.user_id.in_(ids), not_(targeted))
    )
    return _insert(session, query)


def _insert(session: Session, query) -> int:
    # rowcount of INSERT ... SELECT is only kept when asked for (SQLAlchemy 2.x).
    result = session.execute(insert(Delivery.__table__).from_select(COLUMNS, query)
                             .execution_options(preserve_rowcount=True))
    return max(result.rowcount or 0, 0)


def announce(session: Session) -> None:
    """Wake workers once this transaction commits: NOTIFY on PostgreSQL, an Event in this process."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        # Delivered on commit, to every listening worker on every machine; dropped on rollback.
        session.execute(text(f"NOTIFY {CHANNEL}"))
    state = current_app.extensions.get("watch.push")
    if state is None or session.info.get("watch_push_wake"):
        return
    session.info["watch_push_wake"] = True

    def _after_commit(sess):
        sess.info.pop("watch_push_wake", None)
        state.wake.set()

    def _after_rollback(sess):
        sess.info.pop("watch_push_wake", None)

    event.listen(session, "after_commit", _after_commit, once=True)
    event.listen(session, "after_soft_rollback", _after_rollback, once=True)


def fan_out_all(session: Session, alert, area_ids) -> int:
    """The areas' members by their preferences, plus whoever other domains add (events.alert_extra_audience)."""
    count = fan_out(session, alert, area_ids)
    extra: dict[int, int] = {}
    events.alert_extra_audience.send(alert, session=session, area_ids=list(area_ids), extra=extra)
    return count + fan_out_users(session, alert, extra)


def on_alert_posted(alert, session, area_ids=(), **_kw) -> None:
    """Receiver of watch.events.alert_posted: store deliveries, wake the workers after commit."""
    count = fan_out_all(session, alert, area_ids)
    if count:
        announce(session)
        from watch.push.worker import ensure_inprocess_worker

        ensure_inprocess_worker(current_app._get_current_object())
