"""Where a report is: the municipality's outline (its districts, else its watch areas), zones, cells."""
from __future__ import annotations

import math

import shapely
from flask import current_app
from sqlmodel import Session, select

from watch.areas.models import Area, AreaStatus
from watch.areas.service import areas_containing
from watch.est.models import EstDistrict
from watch.est.rules import grid


def finite(*values) -> bool:
    """True if every value is a finite number."""
    try:
        return all(math.isfinite(float(v)) for v in values)
    except (TypeError, ValueError):
        return False


def districts_containing(session: Session, municipality: str, lon: float, lat: float) -> list[EstDistrict]:
    """The municipality's districts that contain the point (bbox prefilter, then shapely)."""
    candidates = session.exec(select(EstDistrict).where(
        EstDistrict.municipality == municipality, EstDistrict.min_lon <= lon, EstDistrict.max_lon >= lon,
        EstDistrict.min_lat <= lat, EstDistrict.max_lat >= lat)).all()
    point = shapely.Point(lon, lat)
    return [d for d in candidates if shapely.from_geojson(d.geometry).covers(point)]


def has_outline(session: Session, municipality: str) -> tuple[bool, bool]:
    """(has districts, has active watch areas)."""
    d = session.exec(select(EstDistrict.id).where(EstDistrict.municipality == municipality).limit(1)).first()
    a = session.exec(select(Area.id).where(Area.municipality == municipality, Area.status == AreaStatus.active).limit(1)).first()
    return d is not None, a is not None


def zones_for(session: Session, municipality: str, lon: float, lat: float) -> tuple[list[str], bool]:
    """(zones 'a<id>'/'d<id>' the point falls in, whether it is inside the municipality).

    The outline is the union of the municipality's districts; a municipality
    without districts is outlined by its active watch areas; with neither, every
    point in range counts as inside.
    """
    districts = districts_containing(session, municipality, lon, lat)
    areas = [a for a in areas_containing(session, lon, lat) if a.municipality == municipality]
    zones = [f"d{d.id}" for d in districts] + [f"a{a.id}" for a in areas]
    with_districts, with_areas = has_outline(session, municipality)
    if with_districts:
        inside = bool(districts)
    elif with_areas:
        inside = bool(areas)
    else:
        inside = True
    return zones, inside


def cell_for(lon: float | None, lat: float | None) -> str | None:
    """The hot-spot cell of a point."""
    if lon is None or lat is None:
        return None
    return grid.cell_of(lon, lat, float(current_app.config["EST_GRID_METRES"]))
