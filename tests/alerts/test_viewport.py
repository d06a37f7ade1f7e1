"""The viewport query: the latitude-band index finds exactly the alerts inside a bbox; rows and objects render alike."""
from __future__ import annotations

import pytest
from sqlalchemy import insert
from sqlmodel import select

from watch.alerts import present
from watch.alerts.access import get_alert_for
from watch.alerts.models import Alert, Category, lat_band
from watch.alerts.query import MAX_BANDS, list_alerts
from watch.core.time import utcnow

# Points on band edges (x.00, x.01), just either side of them, on the bbox's own edges, and south of the equator.
LATS = [58.7, 58.70999999, 58.71, 58.71000001, 58.7449, 58.745, 58.75, 58.7550001, -33.87, -33.86, -0.005, 0.0]
LONS = [16.99, 17.0, 17.005, 17.02, 17.0200001, 151.2]


@pytest.fixture
def grid(session, make_user):
    """An admin and an alert at every (lon, lat) above: half through the ORM, half by a Core insert."""
    admin = make_user(admin=True)
    now = utcnow()
    points = [(lon, lat) for lat in LATS for lon in LONS]
    for i, (lon, lat) in enumerate(points):
        values = dict(author_id=admin.id, category=Category.other, text=f"{lon},{lat}", observed_at=now, lon=lon, lat=lat)
        if i % 2:
            session.execute(insert(Alert).values(**values))
        else:
            session.add(Alert(**values))
    session.commit()
    return admin, points


def test_band_is_stored_on_every_insert(grid, session):
    stored = session.exec(select(Alert.lat, Alert.lat_band)).all()
    assert len(stored) == len(grid[1])
    assert all(band == lat_band(lat) for lat, band in stored)


@pytest.mark.parametrize("bbox", [
    (16.99, 58.7, 17.02, 58.75),  # edges exactly on points and on band boundaries
    (17.0, 58.71, 17.005, 58.71),  # a zero-height box on a band boundary
    (16.0, 58.70999999, 18.0, 58.7449),
    (150.0, -34.0, 152.0, -33.86),  # south of the equator: negative bands
    (-1.0, -0.01, 180.0, 0.0),
    (-180.0, -80.0, 180.0, 80.0),  # taller than MAX_BANDS: no band condition, same answer
])
def test_bbox_finds_exactly_the_alerts_inside(bbox, grid, session):
    admin, points = grid
    min_lon, min_lat, max_lon, max_lat = bbox
    expected = sorted((lon, lat) for lon, lat in points if min_lon <= lon <= max_lon and min_lat <= lat <= max_lat)
    rows, _ = list_alerts(session, admin, bbox=bbox, limit=1000)
    assert sorted((r.lon, r.lat) for r in rows) == expected
    assert expected  # every case above holds at least one point


def test_the_tall_case_really_skips_the_band_condition():
    assert lat_band(80.0) - lat_band(-80.0) >= MAX_BANDS


def test_a_listed_row_renders_as_the_alert_itself(world, post, session, client, auth):
    alert = post("member", registration="ABC123")
    auth.as_user(world.user("contact"))
    client.post(f"/api/v1/alerts/{alert.id}/hide", json={"reason": "Namn på en granne"})
    auth.as_user(world.user("police"))
    client.post(f"/api/v1/alerts/{alert.id}/acknowledge")
    client.post(f"/api/v1/alerts/{alert.id}/close", json={"outcome": "false_alarm"})
    for role in ("member", "contact", "admin"):
        auth.as_user(world.user(role))
        listed = client.get("/api/v1/alerts").get_json()["features"]
        single = client.get(f"/api/v1/alerts/{alert.id}").get_json()
        for extra in ("photos", "updates", "can"):
            single["properties"].pop(extra)
        assert listed == [single], role
    session.expire_all()
    access = get_alert_for(session, world.user("member"), alert.id)
    with client.application.test_request_context():
        as_object = present.feature(access.alert, area_ids=access.area_ids, people={}, user=world.user("member"), staff=False)
    assert as_object["properties"]["hidden_reason"] == "Namn på en granne"
