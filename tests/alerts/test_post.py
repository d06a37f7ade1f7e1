"""Posting: areas, refusals (nothing stored), idempotency, rate limits, the event for push."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import func, select

from watch.core import events
from watch.alerts.models import Alert, AlertArea, AlertPhoto, IdempotencyKey
from watch.core.time import utcnow

GOOD = {"category": "suspicious_vehicle", "text": "Vit skåpbil kör långsamt", "lon": 17.005, "lat": 58.752}


def count(session, model=Alert):
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


def area_ids(session, alert_id):
    return sorted(session.exec(select(AlertArea.area_id).where(AlertArea.alert_id == alert_id)).all())


def test_member_posts_in_the_area_containing_the_point(world, client, auth, session):
    auth.as_user(world.user("member"))
    res = client.post("/api/v1/alerts", json={**GOOD, "registration": "abc-12a"})
    assert res.status_code == 201, res.get_json()
    body = res.get_json()
    assert res.headers["Location"] == f"/api/v1/alerts/{body['id']}"
    assert body["geometry"]["coordinates"] == [17.005, 58.752]
    assert body["properties"]["registration"] == "ABC 12A"
    assert body["properties"]["author"] == "Maja Medlem"
    assert area_ids(session, body["id"]) == [world.area.id]


def test_alert_posted_event_inside_the_transaction(world, post, session):
    seen = []

    def receiver(alert, session, area_ids, **_kw):
        seen.append((alert.id, area_ids, session.in_transaction()))

    events.alert_posted.connect(receiver)
    try:
        alert = post("member")
    finally:
        events.alert_posted.disconnect(receiver)
    assert seen == [(alert.id, [world.area.id], True)]


def test_a_failing_receiver_stores_nothing(world, post, session):
    def boom(alert, **_kw):
        raise RuntimeError("push down")

    events.alert_posted.connect(boom)
    try:
        with pytest.raises(RuntimeError):
            post("member")
    finally:
        events.alert_posted.disconnect(boom)
    assert count(session) == 0 and count(session, AlertArea) == 0


def test_chosen_area_within_distance(world, client, auth, session, config):
    auth.as_user(world.user("member"))
    near = {**GOOD, "lon": 17.0105, "lat": 58.752, "area_id": world.area.id}  # ~30 m east of the edge
    res = client.post("/api/v1/alerts", json=near)
    assert res.status_code == 201
    far = {**GOOD, "lon": 17.02, "lat": 58.752, "area_id": world.area.id}  # ~580 m away
    res = client.post("/api/v1/alerts", json=far)
    assert res.status_code == 422 and res.get_json()["error"]["code"] == "location_far_from_area"
    assert count(session) == 1


def test_outside_every_area_is_refused_with_a_choice(world, client, auth, session):
    auth.as_user(world.user("member"))
    res = client.post("/api/v1/alerts", json={**GOOD, "lon": 17.02})
    assert res.status_code == 422
    assert res.get_json()["error"]["code"] == "location_outside_areas"
    assert count(session) == 0


def test_member_cannot_post_into_another_area(world, client, auth, session):
    auth.as_user(world.user("member"))
    inside_other = {**GOOD, "lon": 17.035, "lat": 58.752}
    assert client.post("/api/v1/alerts", json=inside_other).get_json()["error"]["code"] == "location_outside_areas"
    res = client.post("/api/v1/alerts", json={**inside_other, "area_id": world.other_area.id})
    assert res.status_code == 422 and res.get_json()["error"]["code"] == "area_not_allowed"
    assert count(session) == 0


@pytest.mark.parametrize("role", ["police", "admin"])
def test_police_and_admin_post_anywhere(role, world, client, auth, session, make_user):
    user = make_user(police=role == "police", admin=role == "admin")  # no memberships at all
    auth.as_user(user)
    res = client.post("/api/v1/alerts", json={**GOOD, "lon": 17.035, "lat": 58.752})
    assert res.status_code == 201
    assert area_ids(session, res.get_json()["id"]) == [world.other_area.id]


@pytest.mark.parametrize("role,ok", [("member", False), ("contact", True), ("police", True), ("admin", True)])
def test_information_posts(role, ok, world, client, auth, session):
    auth.as_user(world.user(role))
    res = client.post("/api/v1/alerts", json={**GOOD, "category": "information", "text": "Inbrottsvåg i området"})
    assert res.status_code == (201 if ok else 403)
    assert count(session) == (1 if ok else 0)


BAD = [
    ({"lon": None, "lat": None}, "location_missing"),
    ({"lon": float("nan")}, "location_not_number"),
    ({"lon": 181}, "location_out_of_range"),
    ({"lat": -91}, "location_out_of_range"),
    ({"category": "ufo"}, "category_unknown"),
    ({"text": "   "}, "text_missing"),
    ({"text": "x" * 2001}, "text_too_long"),
    ({"registration": "ABCDEFGH"}, "registration_invalid"),
    ({"registration": "A!"}, "registration_invalid"),
    ({"boat_id": 999}, "boat_unknown"),
]


@pytest.mark.parametrize("change,code", BAD, ids=[c for _, c in BAD])
def test_bad_input_stores_nothing(change, code, world, post, session):
    from watch.core.errors import ServiceError

    with pytest.raises(ServiceError) as err:
        post("member", **change)
    assert err.value.code == code and err.value.status == 422
    assert count(session) == 0


@pytest.mark.parametrize("delta,code", [(timedelta(minutes=30), "observed_future"), (timedelta(days=-400), "observed_too_old")])
def test_observed_time_bounds(delta, code, world, client, auth, session):
    auth.as_user(world.user("member"))
    res = client.post("/api/v1/alerts", json={**GOOD, "observed_at": (utcnow() + delta).isoformat()})
    assert res.status_code == 422 and res.get_json()["error"]["code"] == code
    ok = client.post("/api/v1/alerts", json={**GOOD, "observed_at": (utcnow() + timedelta(seconds=30)).isoformat()})
    assert ok.status_code == 201


def test_not_a_number_in_json(world, client, auth, session):
    auth.as_user(world.user("member"))
    res = client.post("/api/v1/alerts", json={**GOOD, "lat": "north"})
    assert res.status_code == 422 and res.get_json()["error"]["code"] == "validation_error"
    assert count(session) == 0


@pytest.mark.parametrize("plate,shown", [("abc123", "ABC 123"), ("ABC 12A", "ABC 12A"), ("MORMOR", "MORMOR"), ("  ", None)])
def test_registration_numbers(plate, shown, post):
    assert post("member", registration=plate).registration == shown


def test_idempotency_key(world, client, auth, session):
    auth.as_user(world.user("member"))
    headers = {"Idempotency-Key": "8d3c2f0e-1111-4a5b-9c7d-0123456789ab"}
    first = client.post("/api/v1/alerts", json=GOOD, headers=headers)
    again = client.post("/api/v1/alerts", json=GOOD, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.get_json()["id"] == again.get_json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    other = client.post("/api/v1/alerts", json={**GOOD, "text": "Något annat"}, headers=headers)
    assert other.status_code == 409 and other.get_json()["error"]["code"] == "idempotency_key_reused"
    assert count(session) == 1 and count(session, IdempotencyKey) == 1
    # Keys are per user: a neighbour's identical key is a new alert.
    auth.as_user(world.user("contact"))
    assert client.post("/api/v1/alerts", json=GOOD, headers=headers).get_json()["id"] != first.get_json()["id"]


def test_rate_limit_per_user(world, client, auth, session, app):
    app.config["ALERTS_RATE_PER_USER"] = 2
    auth.as_user(world.user("member"))
    assert [client.post("/api/v1/alerts", json=GOOD).status_code for _ in range(2)] == [201, 201]
    res = client.post("/api/v1/alerts", json=GOOD)
    assert res.status_code == 429 and res.get_json()["error"]["code"] == "rate_limited"
    assert "112" in res.get_json()["error"]["message"]
    assert count(session) == 2
    auth.as_user(world.user("contact"))  # another user is not limited by the member
    assert client.post("/api/v1/alerts", json=GOOD).status_code == 201


def test_rate_limit_per_area(world, client, auth, session, app):
    app.config["ALERTS_RATE_PER_AREA"] = 2
    for role in ("member", "contact"):
        auth.as_user(world.user(role))
        assert client.post("/api/v1/alerts", json=GOOD).status_code == 201
    auth.as_user(world.user("police"))
    res = client.post("/api/v1/alerts", json=GOOD)
    assert res.status_code == 429 and res.get_json()["error"]["code"] == "rate_limited_area"
    # An older alert falls out of the window.
    old = session.exec(select(Alert)).first()
    old.created_at = utcnow() - timedelta(hours=1)
    session.add(old)
    session.commit()
    assert client.post("/api/v1/alerts", json=GOOD).status_code == 201


def test_archived_area_takes_no_alerts(world, client, auth, session):
    from watch.areas.models import AreaStatus

    world.area.status = AreaStatus.archived
    session.add(world.area)
    session.commit()
    auth.as_user(world.user("member"))
    assert client.post("/api/v1/alerts", json=GOOD).status_code == 422
    assert count(session) == 0 and count(session, AlertPhoto) == 0
