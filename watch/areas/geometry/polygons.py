"""Area geometry: parse and check GeoJSON (Multi)Polygons, measure them.

Every refusal names the problem (a ServiceError with code `geometry_*`,
status 422, or 413 for a file that is too large) and nothing is stored.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass

import geojson
import numpy as np
import shapely
from flask import current_app
from flask_babel import lazy_gettext as _l
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from watch.core.errors import ServiceError

EARTH_RADIUS_M = 6_371_008.8  # mean radius; the spherical model is within ~0.5 % of the ellipsoid
POLYGONAL = ("Polygon", "MultiPolygon")


@dataclass(frozen=True)
class CheckedGeometry:
    """A geometry that passed every check."""

    geojson: str  # compact GeoJSON text, as stored
    shape: BaseGeometry
    area_m2: float
    bbox: tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat
    vertices: int


def _fail(code: str, message, status: int = 422, **details):
    raise ServiceError(f"geometry_{code}", message, status, field="geometry", **details)


def _reject_constant(name: str):
    _fail("not_finite", _l("The coordinates contain %(value)s; only finite numbers are allowed.", value=name))


def parse_text(raw: bytes | str, *, limit: int | None = None) -> dict:
    """Decode uploaded GeoJSON text (size limit, JSON, no NaN/Infinity)."""
    limit = limit or current_app.config["AREA_UPLOAD_MAX_BYTES"]
    size = len(raw.encode() if isinstance(raw, str) else raw)
    if size > limit:
        _fail("too_large", _l("The file is too large (%(size)d kB); the limit is %(limit)d kB.",
                              size=math.ceil(size / 1024), limit=limit // 1024), 413)
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            _fail("not_json", _l("The file is not JSON text (it is not UTF-8)."))
    try:
        data = json.loads(raw, parse_constant=_reject_constant)
    except ValueError as exc:
        if isinstance(exc, json.JSONDecodeError):
            _fail("not_json", _l("The file is not valid JSON (line %(line)d, column %(col)d).", line=exc.lineno, col=exc.colno))
        raise
    return data


def extract_geometry(data) -> dict:
    """The geometry object of a bare geometry, a Feature or a one-feature FeatureCollection."""
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        _fail("not_geojson", _l("This is not GeoJSON: expected an object with a \"type\"."))
    kind = data["type"]
    if kind == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list) or not features:
            _fail("not_geojson", _l("The FeatureCollection has no features."))
        polygonal = [f for f in features if isinstance(f, dict) and isinstance(f.get("geometry"), dict)
                     and f["geometry"].get("type") in POLYGONAL]
        if len(polygonal) != 1:
            _fail("feature_count", _l("The file must contain exactly one polygon; it contains %(n)d.", n=len(polygonal)))
        data = polygonal[0]
        kind = "Feature"
    if kind == "Feature":
        data = data.get("geometry")
        if not isinstance(data, dict) or not isinstance(data.get("type"), str):
            _fail("not_geojson", _l("The Feature has no geometry."))
        kind = data["type"]
    if kind not in POLYGONAL:
        known = {"Point", "MultiPoint", "LineString", "MultiLineString", "GeometryCollection"}
        if kind in known:
            _fail("wrong_type", _l("The geometry is a %(type)s; an area must be a Polygon or MultiPolygon.", type=kind))
        _fail("not_geojson", _l("This is not GeoJSON: unknown type \"%(type)s\".", type=kind[:40]))
    if "coordinates" not in data:
        _fail("not_geojson", _l("The geometry has no coordinates."))
    return data


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _check_ring(ring, *, where: str) -> list[tuple[float, float]]:
    if not isinstance(ring, list):
        _fail("not_geojson", _l("Ring %(where)s is not a list of positions.", where=where))
    points = []
    for pos in ring:
        if not isinstance(pos, list) or len(pos) not in (2, 3) or not all(_is_number(v) for v in pos):
            _fail("bad_position", _l("Ring %(where)s has a position that is not [longitude, latitude].", where=where))
        if not all(math.isfinite(v) for v in pos):
            _fail("not_finite", _l("The coordinates contain NaN or Infinity; only finite numbers are allowed."))
        points.append((float(pos[0]), float(pos[1])))
    if len(points) < 4:
        _fail("too_few_positions", _l("Ring %(where)s has %(n)d positions; a closed ring needs at least 4 (3 corners and the first again).",
                                      where=where, n=len(points)))
    if points[0] != points[-1]:
        _fail("unclosed_ring", _l("Ring %(where)s is not closed: its last position must equal its first.", where=where))
    return points


def _rings(geom: dict) -> list[tuple[str, list[tuple[float, float]]]]:
    coords = geom["coordinates"]
    polygons = [coords] if geom["type"] == "Polygon" else coords
    if not isinstance(polygons, list) or not polygons:
        _fail("not_geojson", _l("The geometry has no coordinates."))
    rings = []
    for p, polygon in enumerate(polygons, 1):
        if not isinstance(polygon, list) or not polygon:
            _fail("not_geojson", _l("Polygon %(n)d has no rings.", n=p))
        for r, ring in enumerate(polygon, 1):
            where = f"{r}" if geom["type"] == "Polygon" else f"{p}.{r}"
            rings.append((where, _check_ring(ring, where=where)))
    return rings


def _in_box(lon: float, lat: float, box) -> bool:
    return box[0] <= lon <= box[2] and box[1] <= lat <= box[3]


def _check_range(points: list[tuple[float, float]]) -> None:
    box = current_app.config["AREA_REGION_BBOX"]
    for lon, lat in points:
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            if -180 <= lat <= 180 and -90 <= lon <= 90 and _in_box(lat, lon, box):
                _fail("swapped", _l("The coordinates look swapped: GeoJSON wants [longitude, latitude]."))
            _fail("out_of_range", _l("Longitude must be between -180 and 180 and latitude between -90 and 90 (found [%(lon)s, %(lat)s]).",
                                     lon=format(lon, "g"), lat=format(lat, "g")))
        if not _in_box(lon, lat, box):
            if _in_box(lat, lon, box):
                _fail("swapped", _l("The coordinates look swapped: GeoJSON wants [longitude, latitude]."))
            _fail("outside_region", _l("The area lies outside the region this service covers (found [%(lon)s, %(lat)s]).",
                                       lon=format(lon, "g"), lat=format(lat, "g")))


def geodesic_area_m2(geom: BaseGeometry) -> float:
    """Area in m² on a sphere, via a Lambert azimuthal equal-area projection about the centroid."""
    if geom.is_empty:
        return 0.0
    c = geom.centroid
    lon0, lat0 = math.radians(c.x), math.radians(c.y)
    sin0, cos0 = math.sin(lat0), math.cos(lat0)

    def project(xy: np.ndarray) -> np.ndarray:
        lon = np.radians(xy[:, 0]) - lon0
        lat = np.radians(xy[:, 1])
        cos_c = sin0 * np.sin(lat) + cos0 * np.cos(lat) * np.cos(lon)
        k = np.sqrt(2.0 / np.maximum(1.0 + cos_c, 1e-12))
        x = k * np.cos(lat) * np.sin(lon)
        y = k * (cos0 * np.sin(lat) - sin0 * np.cos(lat) * np.cos(lon))
        return np.column_stack((x, y)) * EARTH_RADIUS_M

    return float(shapely.transform(geom, project).area)


def local_xy(geom: BaseGeometry, lon0: float, lat0: float) -> BaseGeometry:
    """The geometry in metres on a plane tangent at (lon0, lat0): good to a few km."""
    kx = math.radians(1) * EARTH_RADIUS_M * math.cos(math.radians(lat0))
    ky = math.radians(1) * EARTH_RADIUS_M

    def project(xy: np.ndarray) -> np.ndarray:
        return np.column_stack(((xy[:, 0] - lon0) * kx, (xy[:, 1] - lat0) * ky))

    return shapely.transform(geom, project)


def _explain_invalid(reason: str):
    if reason.startswith("Self-intersection") or reason.startswith("Ring Self-intersection"):
        where = reason[reason.find("[") + 1: reason.find("]")] if "[" in reason else ""
        lon, _, lat = where.partition(" ")
        _fail("self_intersection", _l("The outline crosses itself near [%(lon)s, %(lat)s]. Move the corners so the edges do not cross.",
                                      lon=lon[:10], lat=lat[:10]))
    if reason.startswith("Hole lies outside shell"):
        _fail("hole_outside", _l("A hole of the polygon lies outside its outer ring."))
    if reason.startswith("Too few points"):
        _fail("too_few_positions", _l("A ring has too few distinct corners."))
    _fail("invalid", _l("The shape is not a valid polygon (%(reason)s).", reason=reason[:80]))


def check(data, *, precision: int = 7) -> CheckedGeometry:
    """Check a decoded GeoJSON object and return the stored form, or raise naming the problem."""
    cfg = current_app.config
    geom = extract_geometry(data)
    rings = _rings(geom)
    vertices = sum(len(points) - 1 for _, points in rings)
    if vertices > cfg["AREA_MAX_VERTICES"]:
        _fail("too_many_vertices", _l("The area has %(n)d corners; at most %(max)d are allowed. Simplify the outline.",
                                      n=vertices, max=cfg["AREA_MAX_VERTICES"]))
    for _, points in rings:
        _check_range(points)
    # Rounding to 7 decimals (~1 cm) keeps the stored text small; check what is stored.
    coords = [[[round(v, precision) for v in pos[:2]] for pos in ring] for ring in geom["coordinates"]] \
        if geom["type"] == "Polygon" else \
        [[[[round(v, precision) for v in pos[:2]] for pos in ring] for ring in poly] for poly in geom["coordinates"]]
    obj = geojson.Polygon(coords) if geom["type"] == "Polygon" else geojson.MultiPolygon(coords)
    if not obj.is_valid:
        _fail("not_geojson", _l("This is not valid GeoJSON (%(reason)s).", reason="; ".join(map(str, obj.errors()))[:80]))
    shp = shape(obj)
    if not shp.is_valid:
        _explain_invalid(shapely.is_valid_reason(shp))
    area = geodesic_area_m2(shp)
    if area < cfg["AREA_MIN_M2"]:
        _fail("too_small", _l("The area is %(area)s m²; it must be at least %(min)s m².",
                              area=format(area, ",.0f").replace(",", " "), min=format(cfg["AREA_MIN_M2"], ",.0f").replace(",", " ")))
    if area > cfg["AREA_MAX_M2"]:
        _fail("too_large_area", _l("The area is %(area)s km²; it can be at most %(max)s km².",
                                   area=format(area / 1e6, ",.1f").replace(",", " "), max=format(cfg["AREA_MAX_M2"] / 1e6, ",.0f").replace(",", " ")))
    text = geojson.dumps(obj, separators=(",", ":"))
    return CheckedGeometry(geojson=text, shape=shp, area_m2=area, bbox=tuple(shp.bounds), vertices=vertices)
