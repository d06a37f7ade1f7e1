"""Finding the alerts a user may see: viewport, time span, categories, keyset pages."""
from __future__ import annotations

import base64
from datetime import datetime, timedelta
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_
from sqlmodel import Session, select

from watch.alerts.access import visible_clause
from watch.alerts.models import Alert, AlertArea, AlertPhoto, AlertUpdate, Category, Outcome, Status, lat_band
from watch.accounts.models import User
from watch.areas.models import AreaMembership, AreaRole
from watch.core.time import utcnow
from watch.core.errors import ServiceError

SPANS = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30), "365d": timedelta(days=365)}
SPAN_LABELS = {"24h": _l("Last 24 hours"), "7d": _l("Last 7 days"), "30d": _l("Last 30 days"), "365d": _l("Last year")}



class AlertRow(NamedTuple):
    """The columns of an alert that a list or map shows, read-only."""

    id: int
    author_id: int | None
    category: Category
    text: str
    observed_at: datetime
    created_at: datetime
    lon: float
    lat: float
    registration: str | None
    boat_id: int | None
    status: Status
    acknowledged_by_id: int | None
    acknowledged_at: datetime | None
    closed_by_id: int | None
    closed_at: datetime | None
    outcome: Outcome | None
    hidden_at: datetime | None
    hidden_reason: str | None


# Plain tuples rather than Alert objects: a map viewport asks for up to 1,000 alerts, and
# building (then garbage-collecting) that many ORM objects cost more than the SQL itself;
# a NamedTuple because an SQLAlchemy Row's attribute access is ten times slower.
ROW_COLUMNS = tuple(getattr(Alert, name) for name in AlertRow._fields)
# A bbox taller than this many latitude bands (0.5 degree) holds so many alerts that reading
# newest-first and stopping at the limit beats reading every alert in the box and sorting.
MAX_BANDS = 50


def _bad(code, message, field):
    return ServiceError(code, message, 422, field=field)


def parse_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    """'min_lon,min_lat,max_lon,max_lat' -> a tuple, or a refusal."""
    if not value:
        return None
    try:
        parts = [float(p) for p in value.split(",")]
    except ValueError:
        parts = []
    if len(parts) != 4 or not (-180 <= parts[0] <= parts[2] <= 180 and -90 <= parts[1] <= parts[3] <= 90):
        raise _bad("bbox_invalid", _l("bbox must be min_lon,min_lat,max_lon,max_lat in degrees."), "bbox")
    return tuple(parts)


def parse_categories(value: str | list | None) -> list[Category] | None:
    """'a,b' or a list -> categories, or a refusal for an unknown one."""
    if not value:
        return None
    items = value.split(",") if isinstance(value, str) else list(value)
    try:
        return [Category(v.strip()) for v in items if v.strip()] or None
    except ValueError:
        raise _bad("category_unknown", _l("Unknown category."), "category")


def parse_statuses(value: str | list | None) -> list[Status] | None:
    """'open,acknowledged' or a list -> statuses ("active" = open and acknowledged), or a refusal."""
    if not value:
        return None
    items = value.split(",") if isinstance(value, str) else list(value)
    out: list[Status] = []
    try:
        for v in (i.strip() for i in items):
            if v == "active":
                out += [Status.open, Status.acknowledged]
            elif v and v != "all":
                out.append(Status(v))
    except ValueError:
        raise _bad("status_unknown", _l("Unknown status."), "status")
    return out or None


def bbox_clause(bbox: tuple[float, float, float, float]):
    """The SQL condition for alerts inside a bbox, shaped for the (lat_band, lon) index."""
    min_lon, min_lat, max_lon, max_lat = bbox
    clause = and_(Alert.lat >= min_lat, Alert.lat <= max_lat, Alert.lon >= min_lon, Alert.lon <= max_lon)
    first, last = lat_band(min_lat), lat_band(max_lat)
    if last - first < MAX_BANDS:
        # IN, not BETWEEN: each band is its own index range on lon (a range on the band would scan whole bands).
        clause = and_(Alert.lat_band.in_(list(range(first, last + 1))), clause)
    return clause


def encode_cursor(alert: Alert | AlertRow) -> str:
    """The keyset position after this alert."""
    return base64.urlsafe_b64encode(f"{alert.observed_at.isoformat()}|{alert.id}".encode()).decode().rstrip("=")


def decode_cursor(value: str | None) -> tuple[datetime, int] | None:
    """A cursor back into (observed_at, id), or a refusal."""
    if not value:
        return None
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        when, _, ident = raw.partition("|")
        return datetime.fromisoformat(when), int(ident)
    except (ValueError, UnicodeDecodeError):
        raise _bad("cursor_invalid", _l("The page cursor is not valid."), "cursor")


def list_alerts(
    session: Session, user, *, bbox=None, since: datetime | None = None, until: datetime | None = None,
    categories=None, area_id: int | None = None, cursor=None, limit: int = 50, statuses=None,
) -> tuple[list[AlertRow], str | None]:
    """Visible alerts as read-only AlertRows, newest observed first, one keyset page; (rows, next cursor)."""
    query = select(*ROW_COLUMNS)
    visible = visible_clause(session, user)
    if visible is not None:
        query = query.where(visible)
    if bbox:
        query = query.where(bbox_clause(bbox))
    if since:
        query = query.where(Alert.observed_at >= since)
    if until:
        query = query.where(Alert.observed_at <= until)
    if categories:
        query = query.where(Alert.category.in_(list(categories)))
    if statuses:
        query = query.where(Alert.status.in_(list(statuses)))
    if area_id is not None:
        query = query.where(Alert.id.in_(select(AlertArea.alert_id).where(AlertArea.area_id == area_id)))
    position = decode_cursor(cursor) if isinstance(cursor, str) or cursor is None else cursor
    if position:
        when, ident = position
        query = query.where(or_(Alert.observed_at < when, and_(Alert.observed_at == when, Alert.id < ident)))
    result = session.exec(query.order_by(Alert.observed_at.desc(), Alert.id.desc()).limit(limit + 1))
    rows = list(map(AlertRow._make, result))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (encode_cursor(rows[-1]) if more and rows else None)


def since_for_span(span: str | None) -> datetime | None:
    """The start of a named time span (24h, 7d, 30d, 365d)."""
    return utcnow() - SPANS[span] if span in SPANS else None


def names(session: Session, ids) -> dict[int, str]:
    """Display names of users by id."""
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return {i: n for i, n in session.exec(select(User.id, User.display_name).where(User.id.in_(ids))).all()}


def speaker_roles(session: Session, ids, area_ids) -> dict[int, str]:
    """user id -> "police" or "contact": in whose name someone speaks in an alert of these areas."""
    ids = {i for i in ids if i}
    if not ids:
        return {}
    out: dict[int, str] = {}
    if area_ids:
        rows = session.exec(select(AreaMembership.user_id, AreaMembership.role).where(
            AreaMembership.user_id.in_(ids), AreaMembership.area_id.in_(list(area_ids)),
            AreaMembership.role.in_([AreaRole.police, AreaRole.contact])))
        for user_id, role in rows:
            if out.get(user_id) != "police":
                out[user_id] = "police" if AreaRole(role) is AreaRole.police else "contact"
    for user_id in session.exec(select(User.id).where(User.id.in_(ids), User.is_police.is_(True))).all():
        out[user_id] = "police"
    return out


def areas_of(session: Session, alert_ids) -> dict[int, list[int]]:
    """alert id -> area ids."""
    out: dict[int, list[int]] = {}
    if alert_ids:
        for alert_id, area_id in session.exec(select(AlertArea.alert_id, AlertArea.area_id).where(AlertArea.alert_id.in_(list(alert_ids)))):
            out.setdefault(alert_id, []).append(area_id)
    return out


def thread(session: Session, alert_id: int) -> list[AlertUpdate]:
    """The alert's updates, oldest first."""
    return list(session.exec(select(AlertUpdate).where(AlertUpdate.alert_id == alert_id).order_by(AlertUpdate.created_at, AlertUpdate.id)))


def photos_of(session: Session, alert_id: int) -> list[AlertPhoto]:
    """The alert's photos (its own and its updates'), oldest first."""
    return list(session.exec(select(AlertPhoto).where(AlertPhoto.alert_id == alert_id).order_by(AlertPhoto.id)))
