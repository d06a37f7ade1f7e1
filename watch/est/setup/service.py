"""Settings, named places and districts of a municipality's EST (coordinator)."""
from __future__ import annotations

import shapely
from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlmodel import Session, select

from watch.areas.geometry import polygons as geometry
from watch.core.errors import NotFound, ServiceError
from watch.est import access
from watch.est.models import EstConfig, EstDistrict, EstPlace
from watch.est.places import check_point


def _bad(code, message, field):
    return ServiceError(code, message, 422, field=field)


def check_categories(text: str | None) -> str | None:
    """The municipality's own category list as JSON {code: {"label": ..., "sub": {code: label}}}, or None for the default."""
    import json
    import re

    if not (text or "").strip():
        return None
    bad = _bad("categories_invalid", _l('Write the categories as JSON: {"code": {"label": "Name", "sub": {"code": "Name"}}}; '
                                        "codes in lower-case a–z and _, at most 30 categories."), "categories")
    try:
        data = json.loads(text)
    except ValueError:
        raise bad
    code = re.compile(r"^[a-z_]{1,40}$")
    if not isinstance(data, dict) or not 1 <= len(data) <= 30:
        raise bad
    for key, item in data.items():
        if not code.match(key) or key == "grannsamverkan" or not isinstance(item, dict):
            raise bad
        label, sub = item.get("label"), item.get("sub") or {}
        if not isinstance(label, str) or not 0 < len(label) <= 80 or not isinstance(sub, dict) or len(sub) > 30:
            raise bad
        if not all(code.match(k) and isinstance(v, str) and 0 < len(v) <= 80 for k, v in sub.items()):
            raise bad
    return json.dumps(data, ensure_ascii=False)


def save_config(session: Session, *, user, municipality: str, cutoff_weekday: int, cutoff_minutes: int, open_weeks: int,
                publish_public: bool, categories: str | None = None) -> EstConfig:
    """Cut-off (weekday 0–6 of the following week, minutes after midnight), open weeks (0–8), public page,
    the municipality's own categories (empty: the default list)."""
    access.require(session, user, municipality, access.COORDINATOR)
    categories = check_categories(categories)
    if not 0 <= cutoff_weekday <= 6:
        raise _bad("cutoff_invalid", _l("Choose a weekday."), "cutoff_weekday")
    if not 0 <= cutoff_minutes < 24 * 60:
        raise _bad("cutoff_invalid", _l("Choose a time of day."), "cutoff_time")
    if not 0 <= open_weeks <= 8:
        raise _bad("open_weeks_invalid", _l("Between 0 and 8 weeks."), "open_weeks")
    cfg = session.get(EstConfig, municipality) or EstConfig(municipality=municipality)
    cfg.cutoff_weekday, cfg.cutoff_minutes, cfg.open_weeks, cfg.publish_public = cutoff_weekday, cutoff_minutes, open_weeks, publish_public
    cfg.categories = categories
    session.add(cfg)
    session.commit()
    return cfg


def add_place(session: Session, *, user, municipality: str, name: str, lon: float | None, lat: float | None) -> EstPlace:
    """A named place inside the municipality."""
    access.require(session, user, municipality, access.COORDINATOR)
    name = " ".join((name or "").split())
    if not name or len(name) > 120:
        raise _bad("name_required", _l("Name the place (at most 120 characters)."), "name")
    lon, lat = check_point(session, municipality, lon, lat, "lat", missing=None)
    if session.exec(select(EstPlace.id).where(EstPlace.municipality == municipality,
                                              func.lower(EstPlace.name) == name.lower())).first() is not None:
        raise _bad("place_exists", _l("There is already a place with that name."), "name")
    place = EstPlace(municipality=municipality, name=name, lon=lon, lat=lat)
    session.add(place)
    session.commit()
    return place


def set_place_active(session: Session, *, user, place_id: int, active: bool) -> EstPlace:
    """Hide a place from the report form (it stays on old reports), or show it again."""
    place = session.get(EstPlace, place_id)
    if place is None or not access.orgs.has_role(session, user, place.municipality, access.COORDINATOR):
        raise NotFound("place_not_found", _l("Unknown place."))
    place.active = active
    session.add(place)
    session.commit()
    return place


def add_district(session: Session, *, user, municipality: str, name: str, geojson: str) -> EstDistrict:
    """A district from a GeoJSON Polygon or MultiPolygon (checked as watch areas are)."""
    access.require(session, user, municipality, access.COORDINATOR)
    name = " ".join((name or "").split())
    if not name or len(name) > 120:
        raise _bad("name_required", _l("Name the district (at most 120 characters)."), "name")
    import json

    geom = geometry.extract_geometry(geometry.parse_text(geojson or "", limit=2_000_000))
    try:
        shape = shapely.from_geojson(json.dumps(geom))
    except Exception:  # shapely raises GEOSException for text it cannot read
        raise _bad("district_invalid", _l("The district is not a valid GeoJSON polygon."), "geojson")
    if shape.is_empty or not shape.is_valid or shape.geom_type not in ("Polygon", "MultiPolygon"):
        raise _bad("district_invalid", _l("The district is not a valid GeoJSON polygon."), "geojson")
    if session.exec(select(EstDistrict.id).where(EstDistrict.municipality == municipality,
                                                 func.lower(EstDistrict.name) == name.lower())).first() is not None:
        raise _bad("district_exists", _l("There is already a district with that name."), "name")
    min_lon, min_lat, max_lon, max_lat = shape.bounds
    district = EstDistrict(municipality=municipality, name=name, geometry=shapely.to_geojson(shape),
                           min_lon=min_lon, min_lat=min_lat, max_lon=max_lon, max_lat=max_lat)
    session.add(district)
    session.commit()
    return district
