"""Keeping trygghetspunkter: every check first, then one commit (a point, its change log); opening and closing them.

Only the municipality's safety coordinator (admins count as one everywhere) changes a point."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from watch.core import municipalities
from watch.crisis import distance, notify
from watch.crisis.models import ACTIVATED, BUILDING_TYPES, DEACTIVATED, OFFERS, CrisisMailChoice, CrisisPoint, CrisisPointEvent
from watch.core.time import utcnow
from watch.core.errors import Forbidden, NotFound, ServiceError
from watch.est.models import EstDistrict
from watch.est.places import check_point
from watch.organisations import access as orgs
from watch.organisations.models import COORDINATOR, Organisation

# Sweden with a margin: a municipality without districts or areas has no outline to test against.
SWEDEN = (10.0, 55.0, 24.5, 69.5)
MAX_NEAREST = 5


def _bad(code: str, message, field_name: str | None = None, status: int = 422, **details) -> ServiceError:
    return ServiceError(code, message, status, **({"field": field_name} if field_name else {}), **details)


def _limit(name: str) -> int:
    return next(m.max_length for m in CrisisPoint.model_fields[name].metadata if hasattr(m, "max_length"))


def is_coordinator(session: Session, user, municipality: str) -> bool:
    """Admins and the municipality's safety coordinators keep its trygghetspunkter."""
    return orgs.has_role(session, user, municipality, COORDINATOR)


def require_coordinator(session: Session, user, municipality: str) -> None:
    """Forbidden unless a coordinator of the municipality."""
    if not is_coordinator(session, user, municipality):
        raise Forbidden("crisis_coordinator", _l("Only the municipality's safety coordinator may do that."))


def get_point(session: Session, point_id: int) -> CrisisPoint:
    """The point, or NotFound."""
    point = session.get(CrisisPoint, point_id)
    if point is None:
        raise NotFound("crisis_point_not_found", _l("That trygghetspunkt does not exist."))
    return point


def get_point_for(session: Session, user, point_id: int) -> CrisisPoint:
    """The point, if the user keeps its municipality's points."""
    point = get_point(session, point_id)
    require_coordinator(session, user, point.municipality)
    return point


def points_of(session: Session, municipality: str) -> list[CrisisPoint]:
    """The municipality's points: open ones first, then by name."""
    rows = session.exec(select(CrisisPoint).where(CrisisPoint.municipality == municipality)).all()
    return sorted(rows, key=lambda p: (p.status != ACTIVATED, municipalities.sort_key(p.name)))


def municipalities_with_points(session: Session) -> list[tuple[str, int, int]]:
    """(municipality, points, open now) for every municipality that has points, in Swedish order."""
    counts: dict[str, list[int]] = {}
    for muni, status in session.exec(select(CrisisPoint.municipality, CrisisPoint.status)).all():
        c = counts.setdefault(muni, [0, 0])
        c[0] += 1
        c[1] += status == ACTIVATED
    return [(m, *counts[m]) for m in sorted(counts, key=municipalities.sort_key)]


def centre_of(session: Session, municipality: str) -> list[float] | None:
    """[lat, lon] to open the map on: the middle of the municipality's points, else of its EST districts, else None."""
    points = points_of(session, municipality)
    if points:
        return [sum(p.lat for p in points) / len(points), sum(p.lon for p in points) / len(points)]
    boxes = session.exec(select(EstDistrict.min_lon, EstDistrict.min_lat, EstDistrict.max_lon, EstDistrict.max_lat)
                         .where(EstDistrict.municipality == municipality)).all()
    if not boxes:
        return None
    return [(min(b[1] for b in boxes) + max(b[3] for b in boxes)) / 2, (min(b[0] for b in boxes) + max(b[2] for b in boxes)) / 2]


def nearest(points: list[CrisisPoint], lon: float, lat: float, n: int = MAX_NEAREST) -> list[tuple[float, CrisisPoint]]:
    """The n points nearest to (lon, lat) as the crow flies, nearest first."""
    ranked = sorted(((distance.metres(lon, lat, p.lon, p.lat), p) for p in points), key=lambda x: x[0])
    return ranked[:n]


def check_position(lat, lon) -> tuple[float, float] | None:
    """A finite (lon, lat) within Sweden from query values, or None (the list is then shown unsorted)."""
    try:
        lon, lat = float(str(lon).replace(",", ".")), float(str(lat).replace(",", "."))
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(lon) and math.isfinite(lat)) or not (SWEDEN[0] <= lon <= SWEDEN[2] and SWEDEN[1] <= lat <= SWEDEN[3]):
        return None
    return lon, lat


@dataclass
class PointIn:
    """What the coordinator describes (the form and the tests fill this)."""

    name: str
    lon: float | None
    lat: float | None
    building_type: str
    offers: list[str] = field(default_factory=list)
    address: str = ""
    accessibility: str = ""
    capacity: int | None = None
    backup_power: bool = False
    radio: bool = False
    organisation_id: int | None = None
    staff_role: str = ""
    last_checked: date | None = None


def _text(value, name: str, required: bool = False, label=None) -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        raise _bad(f"{name}_missing", label or _l("Fill in this field."), name)
    if len(text) > _limit(name):
        raise _bad(f"{name}_too_long", _l("At most %(n)s characters.", n=_limit(name)), name)
    return text


def _offers(values, name: str) -> str:
    chosen = [v for v in values or () if v]
    unknown = [v for v in chosen if v not in OFFERS]
    if unknown:
        raise _bad("offer_unknown", _l("Choose from the list of what the point offers."), name)
    return ",".join(k for k in OFFERS if k in chosen)


def _checked(session: Session, municipality: str, data: PointIn) -> dict:
    """Every field checked; a dict of column values, or a ServiceError naming the field."""
    values = {"name": _text(data.name, "name", True, _l("Give the point a name.")), "address": _text(data.address, "address"),
              "accessibility": _text(data.accessibility, "accessibility"), "staff_role": _text(data.staff_role, "staff_role")}
    if data.building_type not in BUILDING_TYPES:
        raise _bad("building_type_unknown", _l("Choose the kind of building."), "building_type")
    values["building_type"] = data.building_type
    values["offers"] = _offers(data.offers, "offers")
    lon, lat = check_point(session, municipality, data.lon, data.lat, "lon")
    if not (SWEDEN[0] <= lon <= SWEDEN[2] and SWEDEN[1] <= lat <= SWEDEN[3]):
        raise _bad("outside_municipality", _l("The place is outside %(m)s.", m=municipality), "lon")
    values["lon"], values["lat"] = lon, lat
    if data.capacity is not None and not 1 <= int(data.capacity) <= 100000:
        raise _bad("capacity_invalid", _l("Capacity is a number of people from 1 to 100 000."), "capacity")
    values["capacity"] = int(data.capacity) if data.capacity is not None else None
    if data.organisation_id:
        org = session.get(Organisation, data.organisation_id)
        if org is None or org.municipality != municipality:
            raise _bad("organisation_unknown", _l("Choose one of the municipality's organisations."), "organisation_id")
    values["organisation_id"] = data.organisation_id or None
    if data.last_checked is not None and data.last_checked > utcnow().date():
        raise _bad("last_checked_future", _l("The last check cannot be in the future."), "last_checked")
    values.update(backup_power=bool(data.backup_power), radio=bool(data.radio), last_checked=data.last_checked)
    return values


def _log(session: Session, point: CrisisPoint, user, action: str, detail: str = "", now: datetime | None = None) -> None:
    session.add(CrisisPointEvent(point_id=point.id, action=action, actor_id=getattr(user, "id", None), detail=detail[:300],
                                 at=now or utcnow()))


def create(session: Session, *, user, municipality: str, data: PointIn) -> CrisisPoint:
    """A new planned point in the municipality."""
    muni = municipalities.check(municipality)
    require_coordinator(session, user, muni)
    point = CrisisPoint(municipality=muni, **_checked(session, muni, data))
    session.add(point)
    session.flush()
    _log(session, point, user, "created")
    session.commit()
    return point


def update(session: Session, *, user, point_id: int, data: PointIn) -> CrisisPoint:
    """Change what a point is and offers (its state changes only by activate/deactivate)."""
    point = get_point_for(session, user, point_id)
    for key, value in _checked(session, point.municipality, data).items():
        setattr(point, key, value)
    point.updated_at = utcnow()
    session.add(point)
    _log(session, point, user, "updated")
    session.commit()
    return point


def activate(session: Session, *, user, point_id: int, opening_hours: str, offered_now: list[str],
             now: datetime | None = None) -> tuple[CrisisPoint, dict]:
    """Open the point: since now, with its opening hours and what it offers now; tell the municipality's members.

    Returns (point, counts of e-mails and pushes). Everything is refused before anything is written."""
    now = now or utcnow()
    point = get_point_for(session, user, point_id)
    if point.status == ACTIVATED:
        raise _bad("already_active", _l("%(name)s is already open. Close it first to open it again.", name=point.name),
                   status=409)
    hours = _text(opening_hours, "opening_hours", True, _l("Give the opening hours, for example 'around the clock' or '08–20'."))
    offered = _offers(offered_now, "offered_now")
    if not offered:
        raise _bad("offered_now_missing", _l("Choose what the point offers now."), "offered_now")
    point.status, point.activated_at, point.deactivated_at = ACTIVATED, now, None
    point.opening_hours, point.offered_now, point.updated_at = hours, offered, now
    session.add(point)
    try:
        counts = notify.activation(session, point, now=now)
        _log(session, point, user, "activated", notify.summary(counts), now)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return point, counts


def deactivate(session: Session, *, user, point_id: int, now: datetime | None = None) -> CrisisPoint:
    """Close an open point (it stays on the list as a designated place)."""
    now = now or utcnow()
    point = get_point_for(session, user, point_id)
    if point.status != ACTIVATED:
        raise _bad("not_active", _l("%(name)s is not open.", name=point.name), status=409)
    point.status, point.deactivated_at, point.updated_at = DEACTIVATED, now, now
    point.offered_now = ""
    session.add(point)
    _log(session, point, user, "deactivated", now=now)
    session.commit()
    return point


def wants_mail(session: Session, user) -> bool:
    """True if the user chose e-mail about opened points."""
    return session.get(CrisisMailChoice, user.id) is not None


def set_mail_choice(session: Session, *, user, email: bool) -> None:
    """Turn the e-mail about opened points on or off."""
    row = session.get(CrisisMailChoice, user.id)
    if email and row is None:
        session.add(CrisisMailChoice(user_id=user.id))
    elif not email and row is not None:
        session.delete(row)
    session.commit()


def events_of(session: Session, point_id: int) -> list[CrisisPointEvent]:
    """The point's change log, newest first."""
    return list(session.exec(select(CrisisPointEvent).where(CrisisPointEvent.point_id == point_id)
                             .order_by(CrisisPointEvent.at.desc(), CrisisPointEvent.id.desc())).all())
