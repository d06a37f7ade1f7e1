"""The area lookups only alerts need; membership and geometry rules live in watch.areas.service."""
from __future__ import annotations

from sqlmodel import Session, select

from watch.areas.models import Area, AreaStatus
from watch.areas.service import area_shape


def area_centre(area: Area) -> tuple[float, float]:
    """(lon, lat) of a point inside the area: where an alert without a position is placed."""
    point = area_shape(area).representative_point()
    return point.x, point.y


def active_areas(session: Session, ids=None) -> list[Area]:
    """Active areas (all, or those with the given ids), by name."""
    query = select(Area).where(Area.status == AreaStatus.active).order_by(Area.name)
    if ids is not None:
        if not ids:
            return []
        query = query.where(Area.id.in_(list(ids)))
    return list(session.exec(query))

