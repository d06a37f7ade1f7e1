"""Areas: the one access helper, roles and audiences, and point lookups.

Other domains (alerts, push) call these; the lifecycle of an area lives in
watch.areas.registration, members in watch.areas.members; boats are
their own domain (watch.boats).
"""
from __future__ import annotations

import math
from typing import Iterable, Literal

import shapely
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from watch.areas.geometry import spatial
from watch.areas.models import Area, AreaMembership, AreaRole, AreaStatus
from watch.core.errors import Forbidden, NotFound

Need = Literal["view", "edit", "approve", "members", "boats"]
NEEDS = ("view", "edit", "approve", "members", "boats")


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and getattr(user, "id", None) is not None


def same_municipality(a: str | None, b: str | None) -> bool:
    """Municipality names compare without case and surrounding space."""
    return bool(a and b) and a.strip().casefold() == b.strip().casefold()


def is_municipality_police(user, area: Area) -> bool:
    """A police user serving the area's municipality."""
    return _authenticated(user) and bool(user.is_police) and same_municipality(user.municipality, area.municipality)


def membership_of(session: Session, user, area_id: int) -> AreaMembership | None:
    """The user's membership row in the area, if any."""
    if not _authenticated(user):
        return None
    return session.exec(select(AreaMembership).where(AreaMembership.area_id == area_id,
                                                     AreaMembership.user_id == user.id)).first()


def allowed(session: Session, user, area: Area, need: Need, *, membership: AreaMembership | None = None) -> bool:
    """Whether the user may do `need` on the area (see get_area_for for the rules)."""
    if not _authenticated(user):
        return False
    if user.is_admin:
        return True
    m = membership if membership is not None else membership_of(session, user, area.id)
    role = m.role if m else None
    police = is_municipality_police(user, area) or (role == AreaRole.police and user.is_police)
    if need == "view":
        if police or role is not None:
            return True
        if area.status == AreaStatus.active:
            return True  # active areas are shown to logged-in users so they can ask to join
        return area.status in (AreaStatus.pending, AreaStatus.rejected) and area.created_by_id == user.id
    if need == "edit":
        return role == AreaRole.contact or is_municipality_police(user, area)
    if need == "approve":
        return police
    if need == "members":
        return role == AreaRole.contact
    if need == "boats":
        return role == AreaRole.contact or police
    raise ValueError(f"unknown need {need!r}")


def get_area_for(session: Session, user, area_id: int, need: Need = "view") -> Area:
    """The area if the user may `need` it: NotFound if they may not know of it, else Forbidden.

    view: active areas for every logged-in user; pending/rejected for the registrant;
    all for the area's people, police of its municipality and admins.
    edit: contact representatives, police of the municipality, admins.
    approve: police of the municipality (or the area's police contacts), admins.
    members: contact representatives, admins.  boats: contacts, police, admins.
    """
    if need not in NEEDS:
        raise ValueError(f"unknown need {need!r}")
    area = session.get(Area, area_id) if isinstance(area_id, int) else None
    if area is None or not _authenticated(user):
        raise NotFound("area_not_found", _l("That area does not exist, or you cannot see it."))
    m = membership_of(session, user, area.id)
    if not allowed(session, user, area, "view", membership=m):
        raise NotFound("area_not_found", _l("That area does not exist, or you cannot see it."))
    if need != "view" and not allowed(session, user, area, need, membership=m):
        raise Forbidden("area_forbidden", _l("You do not have permission to do that in this area."))
    return area


def user_area_roles(session: Session, user) -> dict[int, AreaRole]:
    """Area id -> the user's role there, for active areas only."""
    if not _authenticated(user):
        return {}
    rows = session.exec(
        select(AreaMembership.area_id, AreaMembership.role)
        .join(Area, Area.id == AreaMembership.area_id)
        .where(AreaMembership.user_id == user.id, Area.status == AreaStatus.active)
    ).all()
    return {area_id: AreaRole(role) for area_id, role in rows}


def user_area_ids(session: Session, user, roles: Iterable[AreaRole] | None = None) -> set[int]:
    """Ids of the active areas the user belongs to, optionally only with one of `roles`."""
    wanted = {AreaRole(r) for r in roles} if roles is not None else None
    return {a for a, r in user_area_roles(session, user).items() if wanted is None or r in wanted}


def area_audience(session: Session, area_ids: Iterable[int]) -> list[tuple[int, int, AreaRole]]:
    """(user_id, area_id, role) of everyone who hears about an alert in these (active) areas."""
    ids = sorted({int(a) for a in area_ids})
    if not ids:
        return []
    rows = session.exec(
        select(AreaMembership.user_id, AreaMembership.area_id, AreaMembership.role)
        .join(Area, Area.id == AreaMembership.area_id)
        .where(AreaMembership.area_id.in_(ids), Area.status == AreaStatus.active)
        .order_by(AreaMembership.area_id, AreaMembership.user_id)
    ).all()
    return [(u, a, AreaRole(r)) for u, a, r in rows]


def _finite(*values: float) -> bool:
    try:
        return all(math.isfinite(float(v)) for v in values)
    except (TypeError, ValueError):
        return False


def areas_containing(session: Session, lon: float, lat: float, *, buffer_m: float = 0.0) -> list[Area]:
    """Active areas containing the point, or within buffer_m metres of it (nearest, then smallest, first)."""
    if not _finite(lon, lat, buffer_m) or not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return []
    index = spatial.get_index()
    if buffer_m > 0:
        hits = dict(index.near(lon, lat, buffer_m))
    else:
        hits = dict.fromkeys(index.containing(lon, lat), 0.0)
    if not hits:
        return []
    areas = session.exec(select(Area).where(Area.id.in_(list(hits)), Area.status == AreaStatus.active)).all()
    return sorted(areas, key=lambda a: (hits[a.id], a.area_m2 or 0.0, a.id))


def area_shape(area: Area):
    """The area's geometry as a shapely object."""
    return shapely.from_geojson(area.geometry)


def distance_to_area_m(area: Area, lon: float, lat: float) -> float:
    """Metres from the point to the area's edge; 0 inside."""
    return spatial.distance_m(area_shape(area), lon, lat)


def map_view(session: Session, user, area_ids=None) -> dict:
    """Where a map opens: around the given areas, else the user's own areas, else the configured default."""
    cfg = current_app.config
    ids = set(area_ids) if area_ids is not None else set(user_area_roles(session, user))
    areas = list(session.exec(select(Area).where(Area.id.in_(ids), Area.status == AreaStatus.active))) if ids else []
    bounds = None
    if areas:
        bounds = [[min(a.min_lat for a in areas), min(a.min_lon for a in areas)],
                  [max(a.max_lat for a in areas), max(a.max_lon for a in areas)]]
    return {"center": cfg["MAP_DEFAULT_CENTER"], "zoom": cfg["MAP_DEFAULT_ZOOM"], "bounds": bounds}
