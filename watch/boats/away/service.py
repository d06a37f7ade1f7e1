"""Away notices (grannlapp): write, read (every read by someone else is logged), help, purge.

Who may read a notice: its owner, and its audience: the neighbours the owner
chose, the area's contact representatives, or every member of the area. Never
police as such, never admins as such, never anyone outside the area, never any
public page or EST feed.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_
from sqlmodel import Session, select

from watch.accounts.models import User
from watch.areas.models import Area, AreaMembership, AreaRole, AreaStatus
from watch.areas.service import get_area_for, membership_of
from watch.audit.service import record_access
from watch.boats.away.models import AwayAudience, AwayNotice, AwayReader, AwayRequest
from watch.core.db import get_session
from watch.core.errors import NotFound, ServiceError
from watch.core.time import utcnow

MAX_REQUESTS = 10
NEIGHBOUR_ROLES = (AreaRole.member, AreaRole.contact)
_PHONE = re.compile(r"^\+?[0-9][0-9 \-()]{4,30}$")
TEXT_LIMITS = {"phone": 32, "key_holder": 120, "expected_activity": 500}
LABELS = {"phone": _l("Phone where you can be reached"), "key_holder": _l("Who has a key"),
          "expected_activity": _l("What activity to expect")}


def _refuse(code: str, message, field: str | None = None, status: int = 422):
    if field:
        return ServiceError(code, message, status, field=field)
    return ServiceError(code, message, status)


def _as_date(value, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise _refuse("date_invalid", _l("Enter a date, e.g. 2025-07-01."), field)


def today() -> date:
    """The local date (the municipality's time zone) the rules count from."""
    return utcnow().astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def _check_period(starts_on, ends_on) -> tuple[date, date]:
    cfg = current_app.config
    starts_on, ends_on = _as_date(starts_on, "starts_on"), _as_date(ends_on, "ends_on")
    now = today()
    if ends_on < now:
        raise _refuse("away_in_past", _l("The return date has already passed."), "ends_on")
    if ends_on < starts_on:
        raise _refuse("away_order", _l("The return date must be on or after the day you leave."), "ends_on")
    if (ends_on - starts_on).days > cfg["AWAY_MAX_DAYS"]:
        raise _refuse("away_too_long", _l("An away notice can cover at most %(n)d days.", n=cfg["AWAY_MAX_DAYS"]), "ends_on")
    if (starts_on - now).days > cfg["AWAY_MAX_AHEAD_DAYS"]:
        raise _refuse("away_too_far_ahead", _l("Announce an absence at most %(n)d days ahead.", n=cfg["AWAY_MAX_AHEAD_DAYS"]), "starts_on")
    return starts_on, ends_on


def _clean_texts(fields: dict) -> dict:
    out = {}
    for key, limit in TEXT_LIMITS.items():
        text = " ".join(str(fields.get(key) or "").split())
        if len(text) > limit:
            raise _refuse(f"{key}_too_long", _l("%(label)s can be at most %(n)d characters.", label=LABELS[key], n=limit), key)
        out[key] = text
    if out["phone"] and not _PHONE.match(out["phone"]):
        raise _refuse("phone_invalid", _l("Enter a phone number with digits, e.g. 070-123 45 67."), "phone")
    return out


def _clean_requests(requests) -> list[str]:
    items = [" ".join(str(r).split()) for r in (requests or [])]
    items = [r for r in items if r]
    if len(items) > MAX_REQUESTS:
        raise _refuse("requests_too_many", _l("At most %(n)d requests.", n=MAX_REQUESTS), "requests")
    if any(len(r) > 200 for r in items):
        raise _refuse("request_too_long", _l("A request can be at most 200 characters."), "requests")
    return items


def neighbours(session: Session, user, area_id: int) -> list[tuple[int, str]]:
    """(user id, display name) of the area's members and contacts the user may choose as readers."""
    rows = session.exec(select(User.id, User.display_name).join(AreaMembership, AreaMembership.user_id == User.id)
                        .where(AreaMembership.area_id == area_id, AreaMembership.role.in_(NEIGHBOUR_ROLES), User.id != user.id)
                        .order_by(User.display_name, User.id)).all()
    return [(uid, name) for uid, name in rows]


def area_for_notice(session: Session, user, area_id: int) -> Area:
    """The active area where the user (a member or contact) may leave a notice; a refusal otherwise."""
    area = get_area_for(session, user, area_id, need="view")
    m = membership_of(session, user, area.id)
    if m is None or m.role not in NEIGHBOUR_ROLES:
        raise _refuse("not_a_member", _l("Join the area before you leave an away notice there."), status=403)
    if area.status != AreaStatus.active:
        raise _refuse("area_not_active", _l("Away notices can be left only in an active area."), status=409)
    return area


def create_notice(session: Session, user, area_id: int, *, starts_on, ends_on, audience="neighbours", readers=(),
                  requests=(), **fields) -> AwayNotice:
    """Leave an away notice in an area you belong to. Commits; nothing is written on a refusal."""
    area = area_for_notice(session, user, area_id)
    starts_on, ends_on = _check_period(starts_on, ends_on)
    try:
        audience = AwayAudience(audience)
    except ValueError:
        raise _refuse("audience_invalid", _l("Choose who may read the notice."), "audience")
    texts = _clean_texts(fields)
    items = _clean_requests(requests)
    reader_ids: set[int] = set()
    if audience is AwayAudience.neighbours:
        try:
            reader_ids = {int(r) for r in readers or ()}
        except (TypeError, ValueError):
            raise _refuse("reader_invalid", _l("Choose neighbours from the list."), "readers")
        if not reader_ids:
            raise _refuse("readers_missing", _l("Choose at least one neighbour who may read the notice."), "readers")
        allowed = {uid for uid, _name in neighbours(session, user, area.id)}
        if not reader_ids <= allowed:
            raise _refuse("reader_not_in_area", _l("You can only choose neighbours who are members of this area."), "readers")
    keep = current_app.config["AWAY_KEEP_DAYS"]
    notice = AwayNotice(area_id=area.id, owner_id=user.id, starts_on=starts_on, ends_on=ends_on, audience=audience,
                        delete_after=ends_on + timedelta(days=keep), **texts)
    session.add(notice)
    session.flush()
    session.add_all([AwayReader(notice_id=notice.id, user_id=uid) for uid in sorted(reader_ids)])
    session.add_all([AwayRequest(notice_id=notice.id, text=t) for t in items])
    session.commit()
    return notice


def can_read(session: Session, user, notice: AwayNotice) -> bool:
    """The owner and the notice's audience; nobody else (not police or admins as such)."""
    uid = getattr(user, "id", None)
    if uid is None:
        return False
    if notice.owner_id == uid:
        return True
    m = membership_of(session, user, notice.area_id)
    if m is None or m.role not in NEIGHBOUR_ROLES:
        return False
    if notice.audience is AwayAudience.area:
        return True
    if notice.audience is AwayAudience.contacts:
        return m.role == AreaRole.contact
    return session.exec(select(AwayReader.id).where(AwayReader.notice_id == notice.id, AwayReader.user_id == uid)).first() is not None


def _log_read(session: Session, user, notice: AwayNotice) -> None:
    """A read by someone other than the owner goes to the access log (which keeps police and admin views)."""
    if notice.owner_id != user.id:
        record_access(session, actor=user, kind="away_notice", object_id=notice.id, owner_id=notice.owner_id)


def get_notice_for(session: Session, user, notice_id: int) -> AwayNotice:
    """A notice the user may read (the read is logged, and committed); NotFound otherwise."""
    notice = session.get(AwayNotice, notice_id) if isinstance(notice_id, int) else None
    if notice is None or not can_read(session, user, notice):
        raise NotFound("away_not_found", _l("That away notice does not exist, or you cannot read it."))
    _log_read(session, user, notice)
    session.commit()
    return notice


def readable_notices(session: Session, user) -> list[AwayNotice]:
    """The user's own notices and those they may read (each one shown is a logged read). Commits."""
    if getattr(user, "id", None) is None:
        return []
    area_ids = list(session.exec(select(AreaMembership.area_id).where(AreaMembership.user_id == user.id,
                                                                                AreaMembership.role.in_(NEIGHBOUR_ROLES))))
    rows = session.exec(select(AwayNotice).where(or_(AwayNotice.owner_id == user.id, AwayNotice.area_id.in_(area_ids or [-1])))
                        .order_by(AwayNotice.starts_on, AwayNotice.id)).all()
    visible = [n for n in rows if can_read(session, user, n)]
    for n in visible:
        _log_read(session, user, n)
    session.commit()
    return visible


def requests_of(session: Session, notice_id: int) -> list[AwayRequest]:
    """A notice's requests, in the order written."""
    return list(session.exec(select(AwayRequest).where(AwayRequest.notice_id == notice_id).order_by(AwayRequest.id)))


def accept_request(session: Session, user, request_id: int) -> AwayRequest:
    """A reader takes on a request (empty the mailbox...). Commits."""
    req = session.get(AwayRequest, request_id) if isinstance(request_id, int) else None
    notice = session.get(AwayNotice, req.notice_id) if req is not None else None
    if notice is None or not can_read(session, user, notice):
        raise NotFound("away_not_found", _l("That away notice does not exist, or you cannot read it."))
    if notice.owner_id == user.id:
        raise _refuse("own_request", _l("Your neighbours accept your requests, not you."), status=409)
    if req.accepted_by_id is not None and req.accepted_by_id != user.id:
        raise _refuse("request_taken", _l("Someone else has already taken this on."), status=409)
    req.accepted_by_id, req.accepted_at = user.id, utcnow()
    session.add(req)
    _log_read(session, user, notice)
    session.commit()
    return req


def delete_notice(session: Session, user, notice_id: int) -> None:
    """The owner takes the notice down (e.g. home early). Commits."""
    notice = session.get(AwayNotice, notice_id) if isinstance(notice_id, int) else None
    if notice is None or notice.owner_id != user.id:
        raise NotFound("away_not_found", _l("That away notice does not exist, or you cannot read it."))
    drop_notices(session, [notice.id])
    session.commit()


def drop_notices(session: Session, ids: list[int]) -> None:
    """Delete these notices with their readers and requests (no commit)."""
    if not ids:
        return
    session.execute(delete(AwayRequest).where(AwayRequest.notice_id.in_(ids)))
    session.execute(delete(AwayReader).where(AwayReader.notice_id.in_(ids)))
    session.execute(delete(AwayNotice).where(AwayNotice.id.in_(ids)))


def purge(session: Session, *, on: date | None = None) -> int:
    """Delete notices AWAY_KEEP_DAYS after the return. Commits; returns how many."""
    on = on or today()
    ids = list(session.exec(select(AwayNotice.id).where(AwayNotice.delete_after < on)))
    drop_notices(session, ids)
    session.commit()
    return len(ids)


def purge_task(app) -> int:
    """Periodic task: delete away notices a few days after the return (AWAY_KEEP_DAYS)."""
    return purge(get_session())  # the task runner provides the app context


def absent_audience(session: Session, area_ids, *, on: date | None = None) -> dict[int, int]:
    """user id -> area id of the absent owners and their accepted helpers, for an alert in these areas now."""
    on = on or today()
    ids = sorted({int(a) for a in area_ids})
    if not ids:
        return {}
    notices = session.exec(select(AwayNotice).where(AwayNotice.area_id.in_(ids), AwayNotice.starts_on <= on,
                                                    AwayNotice.ends_on >= on)).all()
    out: dict[int, int] = {}
    for n in notices:
        out.setdefault(n.owner_id, n.area_id)
        for helper in session.exec(select(AwayRequest.accepted_by_id).where(AwayRequest.notice_id == n.id,
                                                                                AwayRequest.accepted_by_id.is_not(None))):
            out.setdefault(helper, n.area_id)
    return out
