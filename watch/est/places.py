"""Where a point is: the municipality's outline (its districts, else its watch areas), zones, cells.

The public service other domains (walks, graffiti, crisis, open311) ask whether a
point lies inside a municipality. It lives here, not in the kernel behind a
registered hook: the outline is EST's districts, so the dependency is honest and
visible (domain -> est's service), with no registry that must be filled in
init_app before a service works, and the kernel keeps importing no domain.
"""
from __future__ import annotations

import shapely
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from watch.areas.models import Area, AreaStatus
from watch.areas.service import areas_containing
from watch.core import geo, grid
from watch.core.errors import ServiceError
from watch.est.models import EstDistrict


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


def inside(session: Session, municipality: str, lon: float, lat: float) -> bool:
    """True if the point lies in the municipality (its EST districts, else its watch areas)."""
    return zones_for(session, municipality, lon, lat)[1]


def check_point(session: Session, municipality: str, lon, lat, field: str = "lon",
                missing=geo.SET_PIN) -> tuple[float, float]:
    """A finite position inside the municipality, rounded as stored, or a ServiceError naming the field."""
    lon, lat = geo.position(lon, lat, field=field, missing=missing)
    if not inside(session, municipality, lon, lat):
        raise ServiceError("outside_municipality", _l("The place is outside %(m)s.", m=municipality), 422, field=field)
    return geo.rounded(lon, lat)


def cell_for(lon: float | None, lat: float | None) -> str | None:
    """The hot-spot cell of a point."""
    if lon is None or lat is None:
        return None
    return grid.cell_of(lon, lat, float(current_app.config["EST_GRID_METRES"]))
