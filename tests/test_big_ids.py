"""Ids beyond the database's integer range answer 404, from one place (the URL converter; issue 9.3)."""
from __future__ import annotations

import pytest

from watch.core.db import MAX_ID

BIG = (MAX_ID + 1, 2**63, 10**30)


def test_every_int_route_uses_the_bounded_converter(app):
    from watch.core.db import DatabaseIntConverter

    rules = [r for r in app.url_map.iter_rules() if "int:" in r.rule]
    assert rules
    for rule in rules:
        for name, converter in rule._converters.items():
            if name.endswith("_id") or name == "id":
                assert isinstance(converter, DatabaseIntConverter), rule.rule


@pytest.mark.parametrize("big", BIG)
@pytest.mark.parametrize("path", ["/api/v1/alerts/{}", "/alerts/{}", "/areas/{}", "/api/v1/areas/{}",
                                  "/alerts/1/photos/{}", "/api/v1/push/subscriptions/{}", "/api/v1/areas/{}/households"])
def test_big_ids_are_not_found(client, auth, make_user, path, big):
    auth.as_user(make_user(admin=True))
    response = client.get(path.format(big))
    assert response.status_code == 404


def test_the_largest_id_is_still_looked_up(client, auth, make_user):
    auth.as_user(make_user(admin=True))
    response = client.get(f"/api/v1/alerts/{MAX_ID}")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "alert_not_found"


@pytest.mark.parametrize("big", BIG)
def test_big_ids_in_queries_and_bodies_are_422(client, auth, make_user, big):
    """Issue 9.3, query and body ids: one `DbId` type (watch.core.db) bounds every id a client sends."""
    auth.as_user(make_user(admin=True))
    response = client.get(f"/api/v1/alerts?area_id={big}")
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "validation_error"
    for field in ("area_id", "boat_id", "engine_id"):
        response = client.post("/api/v1/alerts", json={"category": "burglary", "text": "x", "lon": 17.0, "lat": 58.75, field: big})
        assert response.status_code == 422, (field, response.get_data(as_text=True))
