"""Open311 GeoReport v2 conformance: a client written from the specification drives /open311/v2 in JSON and XML;
bad requests get the specification's error shape and store nothing."""
from __future__ import annotations

import io

import pytest
from sqlmodel import func, select

from tests.graffiti.conftest import IN_CENTRUM, OUTSIDE, gw, image_bytes, world  # noqa: F401  (fixtures)
from tests.open311.client import GeoReport
from watch.accounts.service import create_token
from watch.graffiti.models import GraffitiReport
from watch.mail.models import OutboxMessage


@pytest.fixture
def keys(gw, session):
    """API keys of a resident (poster), the organiser (Tekniska: handles graffiti, manages walks)."""
    return {who: create_token(session, gw[who], name="Open311")[1] for who in ("participant", "organiser")}


def graffiti(**kw):
    data = {"service_code": "graffiti", "lat": str(IN_CENTRUM[1]), "long": str(IN_CENTRUM[0]), "address_string": "Storgatan 1",
            "attribute[object_type]": "cabinet", "attribute[area_m2]": "1.5", "attribute[offensive]": "true",
            "description": "Tags på elskåpet"}
    data.update(kw)
    return data


def count(session):
    return session.exec(select(func.count()).select_from(GraffitiReport)).one()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_georeport_client_reads_and_posts(gw, keys, client, session, fmt):
    poster = GeoReport(client, api_key=keys["participant"], fmt=fmt)
    assert poster.discovery()["endpoints"]
    codes = [s["service_code"] for s in poster.services()]
    assert codes[0] == "graffiti" and "walk-safe_place" in codes and "walk-lighting_broken" in codes
    status, spec = poster.definition("graffiti")
    assert status == 200 and {a["code"] for a in spec["attributes"]} == {"object_type", "area_m2", "offensive"}
    status, body = poster.post(graffiti(), files=[("media", (io.BytesIO(image_bytes()), "k.jpg"))])
    assert status == 201
    rid = body[0]["service_request_id"]
    assert session.exec(select(OutboxMessage).where(OutboxMessage.kind == "graffiti_work_order")).one()
    handler = GeoReport(client, api_key=keys["organiser"], fmt=fmt)
    status, [one] = handler.request(rid)
    assert status == 200 and one["status"] == "open" and one["agency_responsible"] == "Tekniska förvaltningen"
    assert one["expected_datetime"] and str(one["lat"]).startswith("58.75")
    status, rows = handler.requests(status="open", service_code="graffiti")
    assert [r["service_request_id"] for r in rows] == [rid]
    status, rows = handler.requests(status="closed")
    assert status == 200 and rows == []
    status, ups = handler.updates()
    assert status == 200 and ups[0]["service_request_id"] == rid
    # the resident posting does not read the case system's list
    status, rows = poster.requests()
    assert status == 200 and rows == []


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("key, data, status, code", [
    ("wrong", graffiti(), 403, "api_key_invalid"),
    (None, graffiti(), 403, "api_key_invalid"),
    ("participant", graffiti(service_code="potholes"), 404, "service_code_unknown"),
    ("participant", {k: v for k, v in graffiti().items() if k not in ("lat", "long")}, 400, "location_missing"),
    ("participant", graffiti(**{"attribute[object_type": "x"}), 400, "attribute_malformed"),
    ("participant", graffiti(**{"attribute[colour]": "red"}), 400, "attribute_unknown"),
    ("participant", graffiti(**{"attribute[object_type]": "car"}), 400, "attribute_invalid"),
    ("participant", graffiti(**{"attribute[area_m2]": ""}), 400, "attribute_missing"),
    ("participant", graffiti(**{"attribute[area_m2]": "big"}), 400, "attribute_invalid"),
    ("participant", graffiti(lat=str(OUTSIDE[1]), long=str(OUTSIDE[0])), 400, "outside_municipality"),
])
def test_bad_requests_get_the_error_shape_and_store_nothing(gw, keys, client, session, fmt, key, data, status, code):
    api = GeoReport(client, api_key=keys.get(key, key), fmt=fmt)
    got, body = api.post(data, files=[("media", (io.BytesIO(image_bytes()), "k.jpg"))])
    assert got == status and code in body[0]["description"]
    assert count(session) == 0


def test_a_replayed_post_with_the_same_idempotency_key_is_stored_once(gw, keys, client, session):
    api = GeoReport(client, api_key=keys["participant"])
    first = api.post(graffiti(), files=[("media", (io.BytesIO(image_bytes()), "k.jpg"))], headers={"Idempotency-Key": "abc"})
    again = api.post(graffiti(), files=[("media", (io.BytesIO(image_bytes()), "k.jpg"))], headers={"Idempotency-Key": "abc"})
    assert first[1][0]["service_request_id"] == again[1][0]["service_request_id"] and count(session) == 1


def test_a_walk_observation_through_open311(gw, keys, client, session):
    walk = gw.plan()
    api = GeoReport(client, api_key=keys["participant"])
    status, body = api.post({"service_code": "walk-lighting_broken", "lat": str(IN_CENTRUM[1]), "long": str(IN_CENTRUM[0]),
                             "attribute[walk_id]": str(walk.id), "description": "Lampan är trasig"})
    assert status == 201 and body[0]["service_request_id"].startswith("w")
    status, rows = GeoReport(client, api_key=keys["organiser"]).requests(service_code="walk-lighting_broken")
    assert [r["service_request_id"] for r in rows] == [body[0]["service_request_id"]] and rows[0]["status"] == "open"
    status, body = api.post({"service_code": "walk-tunnel", "lat": str(IN_CENTRUM[1]), "long": str(IN_CENTRUM[0])})
    assert status == 400 and "attribute_missing" in body[0]["description"]
