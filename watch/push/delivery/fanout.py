"""Durable fan-out: an alert's pending deliveries, one per target device.

Posting an alert writes, in the alert's transaction, the police contacts'
deliveries and (above PUSH_FANOUT_INLINE_MAX devices) one FanoutJob; a worker
then expands the job into the other deliveries in chunks of PUSH_FANOUT_CHUNK,
contact representatives first, each chunk committed with the job's cursor under
the job's lease. A device gets an alert once (unique per alert and subscription,
and each chunk skips devices already targeted), so an expansion killed half-way
is simply continued by the next worker that claims the job. Small audiences are
written inline, by one INSERT ... SELECT, as before (bench/alert_post.py measures
where the line is).
"""
from __future__ import annotations

import logging
from datetime import UTC, timedelta

from flask import current_app
from sqlalchemy import (
    and_,
    case,
    func,
    insert,
    literal,
    not_,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.orm import aliased
from sqlmodel import Session

from watch.accounts.models import User
from watch.alerts.models import Alert, AlertArea
from watch.areas.models import Area, AreaMembership, AreaRole, AreaStatus
from watch.core import events
from watch.core.time import utcnow
from watch.push.delivery.wake import announce
from watch.push.devices import preferences
from watch.push.models import (
    JOB_DONE,
    JOB_OPEN,
    KIND_ALERT,
    KIND_ESCALATION,
    PENDING,
    PRIORITY,
    ROLE_ADMIN,
    ROLE_BACKUP_POLICE,
    ROLE_CONTACT,
    ROLE_MEMBER,
    ROLE_POLICE,
    Delivery,
    FanoutJob,
    PushSubscription,
)

log = logging.getLogger(__name__)
COLUMNS = ("alert_id", "subscription_id", "user_id", "area_id", "role", "priority", "kind", "status", "attempts",
           "next_attempt_at", "created_at", "shrunk")
RANK_POLICE, RANK_CONTACT, RANK_MEMBER = 3, 2, 1


def _constants(alert_id: int, kind: str, now):
    table = Delivery.__table__
    return (
        literal(kind, table.c.kind.type), literal(PENDING, table.c.status.type), literal(0, table.c.attempts.type),
        literal(now, table.c.next_attempt_at.type), literal(now, table.c.created_at.type),
        literal(False, table.c.shrunk.type),
    )


def _aware(moment):
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


def _audience(session: Session, alert, ids: list[int], now, *, min_rank: int = RANK_MEMBER, max_rank: int = RANK_POLICE,
              after: int | None = None, upto: int | None = None, skip_targeted: bool = False):
    """SELECT of the delivery rows for the alert's areas `ids`: one per device, its best role there."""
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
    if after is not None:
        conditions.append(s.id > after)
    if upto is not None:
        conditions.append(s.id <= upto)
    if skip_targeted:
        conditions.append(not_(select(Delivery.id).where(Delivery.alert_id == alert.id, Delivery.subscription_id == s.id)
                               .exists()))
    if min_rank > RANK_MEMBER:
        # Start from the few police (and contact) memberships, by ix_area_memberships_area_role, rather
        # than grouping every member's devices to keep a handful; HAVING below still decides.
        roles = [AreaRole.police] if min_rank >= RANK_POLICE else [AreaRole.police, AreaRole.contact]
        ranked = aliased(AreaMembership, name="ranked")
        conditions.append(m.user_id.in_(select(ranked.user_id).where(ranked.area_id.in_(ids), ranked.role.in_(roles))))
    rank = func.max(case((police_row, RANK_POLICE), (m.role == AreaRole.contact, RANK_CONTACT), else_=RANK_MEMBER))
    role = case((rank == RANK_POLICE, ROLE_POLICE), (rank == RANK_CONTACT, ROLE_CONTACT), else_=ROLE_MEMBER)
    priority = case((rank == RANK_POLICE, PRIORITY[ROLE_POLICE]), (rank == RANK_CONTACT, PRIORITY[ROLE_CONTACT]),
                    else_=PRIORITY[ROLE_MEMBER])
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
    if min_rank > RANK_MEMBER or max_rank < RANK_POLICE:
        query = query.having(rank.between(min_rank, max_rank))
    return query


def fan_out(session: Session, alert, area_ids, *, now=None) -> int:
    """Insert all the pending deliveries for an alert in these areas at once; returns how many devices."""
    ids = sorted({int(a) for a in area_ids})
    if not ids:
        return 0
    return _insert(session, _audience(session, alert, ids, now or utcnow()))


def fan_out_police(session: Session, alert, area_ids, *, now=None) -> int:
    """Insert the police contacts' deliveries only (the rest comes from the alert's FanoutJob)."""
    ids = sorted({int(a) for a in area_ids})
    if not ids:
        return 0
    return _insert(session, _audience(session, alert, ids, now or utcnow(), min_rank=RANK_POLICE))


def audience_at_most(session: Session, area_ids, limit: int) -> bool:
    """Whether the areas' members have at most `limit` devices (counts no further than limit + 1)."""
    m, s = AreaMembership, PushSubscription
    ids = sorted({int(a) for a in area_ids})
    if session.get_bind().dialect.name == "postgresql":
        # Member by member (uq_membership_area_user), then their devices (ix_push_subscriptions_user_id),
        # stopping at limit + 1. Without the fence (OFFSET 0) PostgreSQL flattens this into a hash join
        # that reads every device in town, even for an area of 20 phones.
        devices = select(s.id).where(s.user_id == m.user_id).offset(0).lateral()
        sample = select(devices.c.id).select_from(m).join(devices, true()).where(m.area_id.in_(ids))
    else:
        sample = select(s.id).join(m, m.user_id == s.user_id).where(m.area_id.in_(ids))
    return session.execute(select(func.count()).select_from(sample.limit(limit + 1).subquery())).scalar_one() <= limit


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


def fan_out_all(session: Session, alert, area_ids) -> int:
    """The areas' members by their preferences, plus whoever other domains add (events.alert_extra_audience)."""
    return fan_out(session, alert, area_ids) + _extra_audience(session, alert, area_ids)


def on_alert_posted(alert, session, area_ids=(), **_kw) -> None:
    """Receiver of watch.core.events.alert_posted: store the police deliveries and a FanoutJob (or, for a
    small audience, every delivery), and wake the workers after commit.

    The in-process worker (PUSH_WORKER_INPROCESS) is started by the app's before_request hook.
    """
    ids = sorted({int(a) for a in area_ids})
    limit = int(current_app.config["PUSH_FANOUT_INLINE_MAX"])
    now = utcnow()
    if not ids or audience_at_most(session, ids, limit):
        count = fan_out(session, alert, ids, now=now) + _extra_audience(session, alert, ids)
    else:
        # The extra audience comes when the job finishes, after the areas' roles are written.
        count = fan_out_police(session, alert, ids, now=now)
        session.add(FanoutJob(alert_id=alert.id, created_at=now))
        count += 1  # the job is work for the workers too
    if count:
        announce(session)


def _extra_audience(session: Session, alert, area_ids) -> int:
    extra: dict[int, int] = {}
    events.alert_extra_audience.send(alert, session=session, area_ids=list(area_ids), extra=extra)
    return fan_out_users(session, alert, extra)


# -- expanding a job (workers) ---------------------------------------------------------
def claim_job(session: Session, token: str, *, lease_seconds: float, postgres: bool) -> int | None:
    """Lease the oldest open, unleased fan-out job to `token`; returns its id, or None."""
    now = utcnow()
    t = FanoutJob.__table__
    due = (select(t.c.id).where(t.c.status == JOB_OPEN, or_(t.c.claimed_until.is_(None), t.c.claimed_until < now))
           .order_by(t.c.created_at, t.c.id).limit(1))
    if postgres:
        due = due.with_for_update(skip_locked=True)
    job_id = session.execute(due).scalar_one_or_none()
    if job_id is None:
        return None
    # The condition again: on SQLite another process may have taken it between the two statements.
    result = session.execute(update(t).where(t.c.id == job_id, t.c.status == JOB_OPEN,
                                             or_(t.c.claimed_until.is_(None), t.c.claimed_until < now))
                             .values(claimed_by=token, claimed_until=now + timedelta(seconds=lease_seconds)))
    return job_id if result.rowcount == 1 else None


def expand_step(session: Session, job_id: int, token: str, *, chunk: int, lease_seconds: float) -> tuple[int, bool]:
    """Write the next chunk of a leased job's deliveries, moving its cursor, in one transaction (the
    caller commits); returns (deliveries written, job finished). (0, True) also when the lease was lost."""
    job = session.get(FanoutJob, job_id)
    if job is None or job.claimed_by != token or job.status != JOB_OPEN:
        return 0, True
    alert = session.get(Alert, job.alert_id)
    ids = sorted(session.execute(select(AlertArea.area_id).where(AlertArea.alert_id == job.alert_id)).scalars())
    now = utcnow()
    written, done, cursor = 0, False, job.cursor
    if alert is None or alert.hidden_at is not None or not ids:
        done = True
    else:
        # Preferences and quiet hours as at the moment of posting.
        at = _aware(alert.created_at) or now
        if cursor is None:  # first the contact representatives (and any police contact not yet targeted)
            written = _insert(session, _audience(session, alert, ids, at, min_rank=RANK_CONTACT, skip_targeted=True))
            cursor = 0
        else:
            m, s = AreaMembership, PushSubscription
            upto = session.execute(
                select(s.id).join(m, m.user_id == s.user_id).where(m.area_id.in_(ids), s.id > cursor)
                .group_by(s.id).order_by(s.id).offset(chunk - 1).limit(1)
            ).scalar_one_or_none()
            written = _insert(session, _audience(session, alert, ids, at, after=cursor, upto=upto, skip_targeted=True))
            if upto is None:
                done = True
                written += _extra_audience(session, alert, ids)
            else:
                cursor = upto
    t = FanoutJob.__table__
    values = {"cursor": cursor, "written": t.c.written + written, "claimed_until": now + timedelta(seconds=lease_seconds)}
    if done:
        values.update(status=JOB_DONE, finished_at=now, claimed_by=None, claimed_until=None)
    # Only under our lease: if it ran out and another worker took the job, this chunk is rolled back.
    moved = session.execute(update(t).where(t.c.id == job_id, t.c.claimed_by == token).values(**values))
    if moved.rowcount != 1:
        session.rollback()
        return 0, True
    if written:
        announce(session)
    return written, done


def open_jobs(session: Session) -> int:
    """How many fan-out jobs are not yet fully expanded."""
    return session.execute(select(func.count()).select_from(FanoutJob).where(FanoutJob.status == JOB_OPEN)).scalar_one()
