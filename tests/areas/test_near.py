"""Areas near a position (AREA_NEARBY_M)."""
from __future__ import annotations

import pytest

from .conftest import NYKOPING


def test_near_in_openapi(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert any(p.endswith("/areas/near") for p in paths)


def test_near_lists_areas_within_the_setting(client, auth, session, app, make_area, make_user, add_member):
    near = make_area(name="Nära")
    far = make_area(name="Längre bort", at=(NYKOPING[0] + 0.1, NYKOPING[1]))  # about 5.8 km east
    make_area(status="pending", name="Väntar", at=(NYKOPING[0] + 0.01, NYKOPING[1]))
    user = make_user()
    add_member(near, user)
    auth.as_user(user)
    lon, lat = NYKOPING[0] - 0.001, NYKOPING[1] + 0.002  # ~58 m west of "Nära"
    r = client.get(f"/api/v1/areas/near?lon={lon}&lat={lat}")
    assert r.status_code == 200
    body = r.get_json()
    assert body["radius_m"] == app.config["AREA_NEARBY_M"]
    assert [a["name"] for a in body["items"]] == ["Nära", "Längre bort"]
    assert 50 < body["items"][0]["distance_m"] < 65 and body["items"][0]["my_role"] == "member"
    assert body["items"][1]["my_role"] is None and 5000 < body["items"][1]["distance_m"] < 6500
    app.config["AREA_NEARBY_M"] = 1000
    assert [a["id"] for a in client.get(f"/api/v1/areas/near?lon={lon}&lat={lat}").get_json()["items"]] == [near.id]
    assert far.id


@pytest.mark.parametrize("query", ["", "lon=17", "lon=abc&lat=58", "lon=200&lat=58", "lon=17&lat=nan", "lon=inf&lat=58"])
def test_near_bad_query(client, auth, make_user, query):
    auth.as_user(make_user())
    r = client.get(f"/api/v1/areas/near?{query}")
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "validation_error"


def test_near_needs_login_and_map_page_uses_it(client, auth, make_user):
    assert client.get("/api/v1/areas/near?lon=17&lat=58").status_code == 401
    auth.as_user(make_user())
    page = client.get("/areas/").get_data(as_text=True)
    assert '"nearApi": "/api/v1/areas/near"' in page and 'id="area-near-me-list"' in page
