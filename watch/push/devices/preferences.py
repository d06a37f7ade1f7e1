"""Who wants which pushes: per-area levels, quiet hours, and what counts as urgent."""
from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, exists, or_
from sqlmodel import Session, select

from watch.core.errors import ServiceError
from watch.core.time import utcnow
from watch.push.models import (
    LEVEL_ALL,
    LEVEL_NONE,
    LEVEL_URGENT,
    LEVELS,
    POLICE_ROLES,
    PushPreference,
    PushQuietHours,
)

LEVEL_LABELS = {
    LEVEL_ALL: _l("All alerts"),
    LEVEL_URGENT: _l("Only urgent (burglary-type alerts and police information)"),
    LEVEL_NONE: _l("None"),
}


def category_value(alert) -> str:
    """The alert's category as a plain string."""
    return getattr(alert.category, "value", alert.category)


def is_information(alert) -> bool:
    """An information post (police, contact representatives, admins)."""
    return category_value(alert) == "information"


def is_urgent(alert, author_is_police: bool) -> bool:
    """Urgent for preferences and quiet hours: burglary-type categories and police information."""
    if is_information(alert):
        return author_is_police
    return category_value(alert) in current_app.config["PUSH_URGENT_CATEGORIES"]


def urgency_header(alert, role: str) -> str:
    """Urgency: high for police recipients and burglary-type alerts; information is normal."""
    if is_information(alert):
        return "normal"
    if role in POLICE_ROLES or category_value(alert) in current_app.config["PUSH_URGENT_CATEGORIES"]:
        return "high"
    return "normal"


def ttl_for(alert) -> int:
    """TTL by category (never 0: an alert is still worth seeing a little later)."""
    cfg = current_app.config
    ttl = int((cfg.get("PUSH_TTL_BY_CATEGORY") or {}).get(category_value(alert), cfg["PUSH_TTL_SECONDS"]))
    return max(60, ttl)


def local_minute(now: datetime | None = None) -> int:
    """Minutes after local midnight in the configured time zone."""
    local = (now or utcnow()).astimezone(ZoneInfo(current_app.config["PUSH_TIMEZONE"]))
    return local.hour * 60 + local.minute


def in_quiet_hours(start: int, end: int, minute: int) -> bool:
    """Whether minute lies in [start, end), wrapping midnight when start > end."""
    if start == end:
        return False
    if start < end:
        return start <= minute < end
    return minute >= start or minute < end


def quiet_clause(user_id_column, minute: int):
    """SQL: the user has quiet hours now (the same rule as in_quiet_hours)."""
    q = PushQuietHours
    return exists().where(
        q.user_id == user_id_column,
        or_(
            and_(q.start_minute < q.end_minute, q.start_minute <= minute, q.end_minute > minute),
            and_(q.start_minute > q.end_minute, or_(q.start_minute <= minute, q.end_minute > minute)),
        ),
    )


def refused_clause(user_id_column, area_id_column, urgent: bool):
    """SQL: the user turned this area's pushes off (or to urgent only, for a non-urgent alert)."""
    p = PushPreference
    levels = [LEVEL_NONE] if urgent else [LEVEL_NONE, LEVEL_URGENT]
    return exists().where(p.user_id == user_id_column, p.area_id == area_id_column, p.level.in_(levels))


def levels_for(session: Session, user) -> dict[int, str]:
    """Area id -> the user's level there (areas without a row are 'all')."""
    rows = session.exec(select(PushPreference.area_id, PushPreference.level).where(PushPreference.user_id == user.id))
    return {area_id: level for area_id, level in rows}


def quiet_hours_for(session: Session, user) -> tuple[time, time] | None:
    """The user's quiet hours as local times, or None."""
    row = session.get(PushQuietHours, user.id)
    if row is None:
        return None
    return time(row.start_minute // 60, row.start_minute % 60), time(row.end_minute // 60, row.end_minute % 60)


def save(session: Session, user, *, levels: dict[int, str], area_ids: set[int],
         quiet_start: time | None, quiet_end: time | None) -> None:
    """Check everything, then store the levels (for the user's areas) and quiet hours. Commits."""
    for area_id, level in levels.items():
        if level not in LEVELS:
            raise ServiceError("preference_invalid", _l("Choose all, urgent only or none."), 422)
        if area_id not in area_ids:
            raise ServiceError("preference_area", _l("You are not a member of that area."), 422)
    if (quiet_start is None) != (quiet_end is None):
        raise ServiceError("quiet_hours_incomplete", _l("Give both a start and an end time, or neither."), 422, field="quiet_end")
    if quiet_start is not None and quiet_start == quiet_end:
        raise ServiceError("quiet_hours_empty", _l("The start and end of quiet hours must differ."), 422, field="quiet_end")
    existing = {p.area_id: p for p in session.exec(select(PushPreference).where(PushPreference.user_id == user.id))}
    for area_id, level in levels.items():
        row = existing.get(area_id)
        if level == LEVEL_ALL:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(PushPreference(user_id=user.id, area_id=area_id, level=level))
        else:
            row.level = level
    session.execute(delete(PushQuietHours).where(PushQuietHours.user_id == user.id))
    if quiet_start is not None:
        session.add(PushQuietHours(user_id=user.id, start_minute=quiet_start.hour * 60 + quiet_start.minute,
                                   end_minute=quiet_end.hour * 60 + quiet_end.minute))
    session.commit()
