"""Fan-out end to end: the real API, the real worker, the real protocol at a loopback push service."""
from __future__ import annotations

from sqlalchemy import func, select

from tests.push.helpers import World, WorkerThread, add_device, join, post_alert
from watch.areas.models import AreaRole
from watch.push.models import Delivery, PushSubscription
from watch.push.delivery.worker import Worker


def deliveries(session, alert_id):
    return list(session.execute(select(Delivery).where(Delivery.alert_id == alert_id).order_by(Delivery.id)).scalars())


def test_an_idle_worker_wakes_and_member_and_police_phones_get_a_decryptable_push(app, client, auth, session, world: World, pushsvc):
    # How fast is measured in bench/push_fanout.py, not here; this proves the wake-up path.
    with WorkerThread(app) as worker:
        assert worker.idle.wait(30)  # the worker is idle and waiting, as in production
        response = post_alert(client, auth, world.people["poster"], category="burglary", text="Inbrott pågår på Storgatan 5.")
        assert response.status_code == 201, response.get_json()
        assert pushsvc.wait_for(3, timeout=30), pushsvc.stats()
    alert_id = response.get_json()["id"]
    assert pushsvc.rejections == []
    got = {pushsvc.sub_id(m.sub_id): m for m in pushsvc.received()}
    wanted = {pushsvc.sub_id(world.devices[r]) for r in ("member", "contact", "police")}
    assert set(got) == wanted
    for message in got.values():
        assert message.payload["alert_id"] == alert_id
        assert message.payload["category"] == "burglary"
        assert message.payload["body"] == "Inbrott pågår på Storgatan 5."
        assert message.payload["url"].endswith(f"/{alert_id}")
        assert message.payload["tag"] == f"alert-{alert_id}"
        assert message.topic == f"alert-{alert_id}"
        assert message.urgency == "high"  # burglary-type
        assert message.ttl > 0
        # Swedish by default.
        assert "Gamla stan" in message.payload["title"]
    session.expire_all()
    rows = deliveries(session, alert_id)
    assert len(rows) == 3 and {r.status for r in rows} == {"sent"}
    assert {r.role for r in rows} == {"member", "contact", "police"}


def test_no_delivery_to_the_poster_nor_other_areas(app, client, auth, session, world: World, pushsvc):
    response = post_alert(client, auth, world.people["member"])
    assert response.status_code == 201
    alert_id = response.get_json()["id"]
    users = {r.user_id for r in deliveries(session, alert_id)}
    assert world.people["member"].id not in users  # the poster this time
    assert world.people["other_member"].id not in users
    assert users == {world.people["poster"].id, world.people["contact"].id, world.people["police"].id}
    Worker(app).drain(5)
    assert pushsvc.sub_id(world.devices["other_member"]) not in {m.sub_id for m in pushsvc.received()}
    assert pushsvc.sub_id(world.devices["member"]) not in {m.sub_id for m in pushsvc.received()}


def test_one_delivery_per_device_across_areas_and_per_device_for_several_phones(app, client, auth, session, world: World, pushsvc, make_user):
    member = world.people["member"]
    second_phone = add_device(session, member, pushsvc, label="Surfplatta")
    join(session, member, world.other_area)  # in both areas
    poster = make_user(admin=True)  # admins may post in any area; two areas by choosing the point
    response = post_alert(client, auth, poster, area_id=world.area.id)
    alert_id = response.get_json()["id"]
    rows = deliveries(session, alert_id)
    per_device = {}
    for r in rows:
        per_device[r.subscription_id] = per_device.get(r.subscription_id, 0) + 1
    assert set(per_device.values()) == {1}
    member_subs = [r for r in rows if r.user_id == member.id]
    assert len(member_subs) == 2
    Worker(app).drain(5)
    assert len(pushsvc.received(second_phone)) == 1


def test_recipient_language_and_urgency_for_ordinary_alerts(app, client, auth, session, world: World, pushsvc):
    member = world.people["member"]
    member.locale = "en"
    session.add(member)
    session.commit()
    response = post_alert(client, auth, world.people["poster"], category="suspicious_vehicle", text="Vit skåpbil utan skyltar.")
    Worker(app).drain(5)
    en = pushsvc.received(world.devices["member"])[0]
    sv = pushsvc.received(world.devices["contact"])[0]
    police = pushsvc.received(world.devices["police"])[0]
    assert en.payload["title"] == "Suspicious vehicle in Gamla stan"
    assert sv.payload["title"] != en.payload["title"] and "Gamla stan" in sv.payload["title"]
    assert en.urgency == sv.urgency == "normal"
    assert police.urgency == "high"  # police recipients always high
    assert response.status_code == 201


def test_information_posts_fan_out_with_normal_urgency_and_long_ttl(app, client, auth, session, world: World, pushsvc):
    response = post_alert(client, auth, world.people["police"], category="information",
                          text="Polisen varnar för falska hantverkare i området.")
    assert response.status_code == 201, response.get_json()
    Worker(app).drain(5)
    got = pushsvc.received()
    assert {m.sub_id for m in got} == {pushsvc.sub_id(world.devices[r]) for r in ("poster", "member", "contact")}
    assert {m.urgency for m in got} == {"normal"}
    assert {m.ttl for m in got} == {app.config["PUSH_TTL_BY_CATEGORY"]["information"]}


def test_long_text_is_shortened_and_payload_stays_small(app, client, auth, session, world: World, pushsvc):
    text = "Åäö " * 500
    post_alert(client, auth, world.people["poster"], text=text.strip())
    Worker(app).drain(5)
    for message in pushsvc.received():
        assert len(message.payload["body"]) <= 240
        assert message.payload["body"].endswith("…")


def test_alert_in_inactive_area_or_without_devices_stores_nothing(app, client, auth, session, world: World, pushsvc):
    session.execute(PushSubscription.__table__.delete())
    session.commit()
    response = post_alert(client, auth, world.people["poster"])
    assert response.status_code == 201
    assert session.execute(select(func.count()).select_from(Delivery)).scalar_one() == 0


def test_failed_alert_post_writes_no_deliveries(app, client, auth, session, world: World):
    auth.as_user(world.people["poster"])
    response = client.post("/api/v1/alerts", json={"category": "burglary", "text": "", "lon": 17.005, "lat": 58.7525})
    assert response.status_code == 422
    assert session.execute(select(func.count()).select_from(Delivery)).scalar_one() == 0


def test_police_role_counts_once_and_wins(app, client, auth, session, world: World, pushsvc):
    police = world.people["police"]
    join(session, police, world.other_area, AreaRole.member)
    response = post_alert(client, auth, world.people["poster"])
    rows = [r for r in deliveries(session, response.get_json()["id"]) if r.user_id == police.id]
    assert [r.role for r in rows] == ["police"]


def test_inprocess_worker_starts_on_first_request_and_delivers(app, client, auth, session, world: World, pushsvc):
    from watch.push.delivery.worker import state, stop_inprocess_worker

    app.config["PUSH_WORKER_INPROCESS"] = True
    try:
        assert state(app).thread is None
        response = post_alert(client, auth, world.people["poster"])
        assert response.status_code == 201
        assert state(app).thread is not None and state(app).thread.is_alive()
        assert pushsvc.wait_for(3, timeout=5), pushsvc.stats()
    finally:
        stop_inprocess_worker(app)
    assert state(app).thread is None


def test_push_routes_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/push/key", "/api/v1/push/subscriptions", "/api/v1/push/subscriptions/{subscription_id}",
                 "/api/v1/push/preferences", "/api/v1/alerts/{alert_id}/deliveries"):
        assert path in paths, sorted(paths)
