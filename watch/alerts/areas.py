"""The few area lookups alerts need: the areas service when present, else the shared schema.

The areas domain owns membership and geometry (watch.areas.service); until its
functions are importable these fallbacks read the same tables, so alerts work
either way and switch over without a change here.
"""
from __future__ import annotations

import json
import math

from sqlmodel import Session, select

from watch.areas.models import Area, AreaMembership, AreaRole, AreaStatus

from watch.areas.service import map_view  # noqa: F401  (re-exported for the alert pages)

try:  # pragma: no cover - depends on the areas domain's progress
    from watch.areas import service as _areas
except ImportError:  # pragma: no cover
    _areas = None

EARTH_RADIUS_M = 6_371_008.8


def _has(name: str) -> bool:
    return _areas is not None and hasattr(_areas, name)


def _shape(area: Area):
    from shapely.geometry import shape

    geometry = json.loads(area.geometry)
    if geometry.get("type") == "Feature":
        geometry = geometry["geometry"]
    return shape(geometry)


def areas_containing(session: Session, lon: float, lat: float) -> list[Area]:
    """Active areas whose polygon contains (or touches) the point."""
    if _has("areas_containing"):
        return list(_areas.areas_containing(session, lon, lat))
    from shapely.geometry import Point

    candidates = session.exec(
        select(Area).where(
            Area.status == AreaStatus.active,
            Area.min_lon <= lon, Area.max_lon >= lon, Area.min_lat <= lat, Area.max_lat >= lat,
        )
    )
    point = Point(lon, lat)
    return [a for a in candidates if _shape(a).covers(point)]


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def distance_to_area_m(area: Area, lon: float, lat: float) -> float:
    """Metres from the point to the area's edge; 0 inside."""
    if _has("distance_to_area_m"):
        return float(_areas.distance_to_area_m(area, lon, lat))
    from shapely.geometry import Point
    from shapely.ops import nearest_points

    geom, point = _shape(area), Point(lon, lat)
    if geom.covers(point):
        return 0.0
    nearest = nearest_points(geom, point)[0]
    return haversine_m(lon, lat, nearest.x, nearest.y)


def area_centre(area: Area) -> tuple[float, float]:
    """(lon, lat) of a point inside the area: where a no-JS alert is placed."""
    point = _shape(area).representative_point()
    return point.x, point.y


def user_area_roles(session: Session, user) -> dict[int, AreaRole]:
    """The user's role per active area."""
    if user is None or not getattr(user, "is_authenticated", False):
        return {}
    if _has("user_area_roles"):
        return dict(_areas.user_area_roles(session, user))
    rows = session.exec(
        select(AreaMembership.area_id, AreaMembership.role)
        .join(Area, Area.id == AreaMembership.area_id)
        .where(AreaMembership.user_id == user.id, Area.status == AreaStatus.active)
    )
    return {area_id: AreaRole(role) for area_id, role in rows}


def active_areas(session: Session, ids=None) -> list[Area]:
    """Active areas (all, or those with the given ids), by name."""
    query = select(Area).where(Area.status == AreaStatus.active).order_by(Area.name)
    if ids is not None:
        if not ids:
            return []
        query = query.where(Area.id.in_(list(ids)))
    return list(session.exec(query))

