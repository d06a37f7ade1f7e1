"""Every malformed shape gets a 4xx naming the problem, and nothing is stored."""
from __future__ import annotations

import io
import json
import math
from pathlib import Path

import pytest
from sqlmodel import func, select

from watch.areas.geometry import polygons
from watch.areas.models import Area, AreaMembership
from watch.core.errors import ServiceError

from .conftest import NYKOPING, square

CASES = json.loads((Path(__file__).parent / "fixtures" / "bad_geometries.json").read_text())


def _circle(n: int) -> dict:
    lon0, lat0 = NYKOPING
    ring = [[round(lon0 + 0.01 * math.cos(2 * math.pi * i / n), 7), round(lat0 + 0.005 * math.sin(2 * math.pi * i / n), 7)] for i in range(n)]
    return {"type": "Polygon", "coordinates": [ring + [ring[0]]]}


def as_text(case) -> bytes:
    """The case as the bytes of an uploaded file."""
    if "text" in case:
        return case["text"].encode()
    if "text_hex" in case:
        return bytes.fromhex(case["text_hex"])
    return json.dumps(as_object(case)).encode()


def as_object(case):
    """The case as a decoded JSON value, or None when it only exists as text."""
    if "generate" in case:
        return _circle(case["generate"]["circle_vertices"])
    return case.get("geometry")


def _count(session) -> tuple[int, int]:
    return (session.exec(select(func.count()).select_from(Area)).one(),
            session.exec(select(func.count()).select_from(AreaMembership)).one())


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_service_refuses(app, case):
    with pytest.raises(ServiceError) as err:
        polygons.check(polygons.parse_text(as_text(case)))
    assert err.value.code == case["code"]
    assert 400 <= err.value.status < 500
    assert len(str(err.value.message)) > 10


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_api_refuses_and_stores_nothing(client, auth, make_user, session, case):
    auth.as_user(make_user())
    obj = as_object(case)
    if obj is None:
        body = b'{"kind": "grannsamverkan", "name": "X", "municipality": "Nyk\\u00f6ping", "geometry": ' + as_text(case) + b"}"
    else:
        body = json.dumps({"kind": "grannsamverkan", "name": "X", "municipality": "Nyköping", "geometry": obj}).encode()
    r = client.post("/api/v1/areas", data=body, content_type="application/json")
    assert 400 <= r.status_code < 500
    err = r.get_json()["error"]
    assert err["code"] in (case["code"], case.get("api_code")) or (err["code"] == "validation_error" and not isinstance(obj, dict))
    assert err["message"]
    assert _count(session) == (0, 0)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_html_upload_refuses_in_swedish(client, auth, make_user, session, case):
    auth.as_user(make_user())
    r = client.post("/areas/new", data={"kind": "grannsamverkan", "name": "X", "municipality": "Nyköping",
                                        "geojson_file": (io.BytesIO(as_text(case)), "area.geojson")},
                    content_type="multipart/form-data")
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert 'id="geometry-error"' in page
    assert _count(session) == (0, 0)


def test_error_message_is_swedish(client, auth, make_user):
    auth.as_user(make_user())
    bowtie = next(c for c in CASES if c["id"] == "self-intersecting-bowtie")
    r = client.post("/areas/new", data={"kind": "grannsamverkan", "name": "X", "municipality": "Nyköping",
                                        "geometry": json.dumps(bowtie["geometry"])})
    assert r.status_code == 422
    assert "korsar sig själv" in r.get_data(as_text=True)


def test_file_over_limit(client, auth, make_user, session, config):
    auth.as_user(make_user())
    big = json.dumps(square(*NYKOPING)).encode() + b" " * (1024 * 1024 + 10)
    r = client.post("/areas/new", data={"kind": "grannsamverkan", "name": "X", "municipality": "Nyköping",
                                        "geojson_file": (io.BytesIO(big), "big.geojson")}, content_type="multipart/form-data")
    assert r.status_code == 422
    assert _count(session) == (0, 0)
    with pytest.raises(ServiceError) as err:
        polygons.parse_text(big)
    assert err.value.code == "geometry_too_large" and err.value.status == 413


def test_limits_are_configurable(app):
    app.config["AREA_MAX_VERTICES"] = 10
    with pytest.raises(ServiceError) as err:
        polygons.check(_circle(11))
    assert err.value.code == "geometry_too_many_vertices"
    app.config["AREA_MAX_VERTICES"] = 5000
    assert polygons.check(_circle(5000)).vertices == 5000
    app.config["AREA_REGION_BBOX"] = [0, 40, 10, 50]
    polygons.check(square(2.35, 48.85))  # Paris is fine once the region says so


@pytest.mark.parametrize("wrapper", ["geometry", "feature", "collection"])
def test_accepts_feature_and_collection(app, wrapper):
    g = square(*NYKOPING)
    data = {"geometry": g, "feature": {"type": "Feature", "properties": {}, "geometry": g},
            "collection": {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "x"}, "geometry": g}]}}[wrapper]
    checked = polygons.check(data)
    assert json.loads(checked.geojson)["type"] == "Polygon"
    assert checked.vertices == 4


def test_geodesic_area_is_accurate(app):
    # 0.01° x 0.01° at 58.75° N: 1113.2 m x 578.5 m (spherical) ≈ 643,900 m²
    area = polygons.geodesic_area_m2(polygons.check(square(17.0, 58.75, 0.01)).shape)
    expected = (math.radians(0.01) * polygons.EARTH_RADIUS_M) ** 2 * math.cos(math.radians(58.755))
    assert abs(area - expected) / expected < 0.001


def test_multipolygon_ok(app):
    a, b = square(*NYKOPING)["coordinates"], square(NYKOPING[0] + 0.01, NYKOPING[1])["coordinates"]
    checked = polygons.check({"type": "MultiPolygon", "coordinates": [a, b]})
    assert checked.vertices == 8 and checked.area_m2 > 150_000
