"""The push API: key, devices (subscribe, list, delete), SSRF refusals, receipts, data hooks."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.push.helpers import World, post_alert
from watch.core import events
from watch.push.models import Delivery, PushSubscription
from watch.push.webpush.vapid import load_private_key, public_key_b64url
from watch.push.delivery.worker import Worker, state

KEYS = {"p256dh": "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
        "auth": "tBHItJI5svbpez7KI4CCXg"}


def count(session, model):
    session.expire_all()
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_key_is_the_servers_vapid_public_key(app, client, auth, make_user):
    assert client.get("/api/v1/push/key").status_code == 401
    auth.as_user(make_user())
    body = client.get("/api/v1/push/key").get_json()
    vapid = state(app).vapid
    assert body == {"public_key": public_key_b64url(vapid.private_key)}


def test_subscribe_list_update_delete(app, client, auth, session, make_user, pushsvc):
    user = make_user()
    auth.as_user(user)
    sub = pushsvc.new_subscription()
    created = client.post("/api/v1/push/subscriptions", json={"subscription": sub, "label": "Chrome på Android"})
    assert created.status_code == 201
    device = created.get_json()
    assert created.headers["Location"].endswith(f"/api/v1/push/subscriptions/{device['id']}")
    assert device["label"] == "Chrome på Android" and device["push_service"] == "localhost"
    # The same endpoint again updates; it never makes a second row.
    again = client.post("/api/v1/push/subscriptions", json={"subscription": sub, "label": "Min telefon"})
    assert again.status_code == 200 and again.get_json()["id"] == device["id"]
    assert count(session, PushSubscription) == 1
    second = client.post("/api/v1/push/subscriptions", json={"subscription": pushsvc.new_subscription()})
    assert second.status_code == 201
    items = client.get("/api/v1/push/subscriptions").get_json()["items"]
    assert [d["label"] for d in items] == ["", "Min telefon"]
    assert client.get(f"/api/v1/push/subscriptions/{device['id']}").get_json()["endpoint"] == sub["endpoint"]
    assert client.delete(f"/api/v1/push/subscriptions/{device['id']}").status_code == 204
    assert client.delete(f"/api/v1/push/subscriptions/{device['id']}").status_code == 404
    assert len(client.get("/api/v1/push/subscriptions").get_json()["items"]) == 1


def test_other_peoples_devices_do_not_exist(app, client, auth, session, make_user, pushsvc):
    owner, other = make_user(), make_user()
    sub, _ = __import__("watch.push.devices.service", fromlist=["subscribe"]).subscribe(
        session, owner, subscription=pushsvc.new_subscription(), label="Ägarens")
    auth.as_user(other)
    assert client.get(f"/api/v1/push/subscriptions/{sub.id}").status_code == 404
    response = client.delete(f"/api/v1/push/subscriptions/{sub.id}")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "subscription_not_found"
    assert client.get("/api/v1/push/subscriptions").get_json()["items"] == []
    assert count(session, PushSubscription) == 1


def _sub(endpoint, **keys):
    return {"endpoint": endpoint, "expirationTime": None, "keys": {**KEYS, **keys}}


HOSTILE = [
    ("http://fcm.googleapis.com/fcm/send/abc", "endpoint_scheme"),
    ("https://127.0.0.1/push/abc", "endpoint_address"),
    ("https://localhost/push/abc", "endpoint_host"),
    ("https://10.0.0.1/push/abc", "endpoint_address"),
    ("https://169.254.169.254/latest/meta-data/", "endpoint_address"),
    ("https://[::1]/push/abc", "endpoint_address"),
    ("https://2130706433/push/abc", "endpoint_host"),
    ("https://evil.example.com/push/abc", "endpoint_host"),
    ("https://fcm.googleapis.com.evil.example/x", "endpoint_host"),
    ("https://evilpush.apple.com/x", "endpoint_host"),
    ("https://user:pw@fcm.googleapis.com/fcm/send/abc", "endpoint_userinfo"),
    ("https://fcm.googleapis.com@169.254.169.254/x", "endpoint_userinfo"),
    ("https://fcm.googleapis.com:8443/fcm/send/abc", "endpoint_port"),
    ("https://fcm.googleapis.com:22/fcm/send/abc", "endpoint_port"),
    ("file:///etc/passwd", "endpoint"),
    ("gopher://fcm.googleapis.com/x", "endpoint_scheme"),
    ("https://fcm.googleapis.com\\@evil.example/x", "endpoint"),
]


@pytest.mark.parametrize("endpoint,code", HOSTILE, ids=[h[0][:60] for h in HOSTILE])
def test_hostile_endpoints_are_refused_at_subscribe(client, auth, session, make_user, endpoint, code):
    auth.as_user(make_user())
    response = client.post("/api/v1/push/subscriptions", json={"subscription": _sub(endpoint), "label": "x"})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == code, error
    assert error["message"]
    assert count(session, PushSubscription) == 0


@pytest.mark.parametrize("body,code", [
    ({"subscription": _sub("https://fcm.googleapis.com/fcm/send/abc", p256dh="AAAA")}, "p256dh"),
    ({"subscription": _sub("https://fcm.googleapis.com/fcm/send/abc", auth="short")}, "auth"),
    ({"subscription": {"endpoint": "https://fcm.googleapis.com/fcm/send/abc"}}, "shape"),
    ({"subscription": _sub("https://fcm.googleapis.com/fcm/send/abc"), "label": "x" * 81}, "label_too_long"),
    ({"subscription": "https://fcm.googleapis.com/fcm/send/abc"}, "validation_error"),
    ({}, "validation_error"),
])
def test_bad_subscriptions_are_refused(client, auth, session, make_user, body, code):
    auth.as_user(make_user())
    response = client.post("/api/v1/push/subscriptions", json=body)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == code
    assert count(session, PushSubscription) == 0


def test_allowlisted_push_services_are_accepted(client, auth, session, make_user):
    auth.as_user(make_user())
    for endpoint in ("https://fcm.googleapis.com/fcm/send/abc", "https://updates.push.services.mozilla.com/wpush/v2/x",
                     "https://web.push.apple.com/QAbc", "https://wns2-db5p.notify.windows.com/w/?token=x"):
        assert client.post("/api/v1/push/subscriptions", json={"subscription": _sub(endpoint)}).status_code == 201
    assert count(session, PushSubscription) == 4


def test_device_limit(app, client, auth, session, make_user, pushsvc):
    app.config["PUSH_MAX_DEVICES_PER_USER"] = 2
    auth.as_user(make_user())
    for _ in range(2):
        assert client.post("/api/v1/push/subscriptions", json={"subscription": pushsvc.new_subscription()}).status_code == 201
    response = client.post("/api/v1/push/subscriptions", json={"subscription": pushsvc.new_subscription()})
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "too_many_devices"


@pytest.mark.parametrize("role,status", [("police", 200), ("contact", 200), ("admin", 200), ("poster", 403), ("member", 403), ("other_member", 404)])
def test_delivery_receipts_by_role(app, client, auth, session, world: World, pushsvc, make_user, role, status):
    pushsvc.fail(world.devices["contact"], [410])
    alert_id = post_alert(client, auth, world.people["poster"], category="burglary").get_json()["id"]
    Worker(app).drain(5)
    user = make_user(admin=True) if role == "admin" else world.people[role]
    auth.as_user(user)
    response = client.get(f"/api/v1/alerts/{alert_id}/deliveries")
    assert response.status_code == status
    if status == 200:
        body = response.get_json()
        assert body["devices_total"] == 3 and body["sent"] == 2 and body["gone"] == 1
        assert body["failed"] == 0  # an unsubscribed device is gone, not a failure
        assert body["pending"] == 0 and body["police_notified_at"] is not None
        assert body["by_role"]["police"] == {"sent": 1}


def test_receipt_on_the_alert_page_for_the_poster(app, client, auth, session, world: World, pushsvc):
    alert_id = post_alert(client, auth, world.people["poster"]).get_json()["id"]
    Worker(app).drain(5)
    page = client.get(f"/alerts/{alert_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="push-receipt"' in html and "3" in html
    auth.as_user(world.people["member"])
    assert 'id="push-receipt"' not in client.get(f"/alerts/{alert_id}").get_data(as_text=True)


def test_user_deletion_removes_devices_and_deliveries(app, client, auth, session, world: World):
    member = world.people["member"]
    post_alert(client, auth, world.people["poster"])
    events.user_deleting.send(member, session=session)
    session.commit()
    assert session.execute(select(func.count()).select_from(PushSubscription).where(PushSubscription.user_id == member.id)).scalar_one() == 0
    assert session.execute(select(func.count()).select_from(Delivery).where(Delivery.user_id == member.id)).scalar_one() == 0
    assert count(session, Delivery) == 2


def test_export_lists_devices_without_endpoints(app, session, world: World):
    member = world.people["member"]
    data = {}
    events.user_export.send(member, session=session, data=data)
    assert data["push_devices"] == [{"label": "Telefon", "created_at": data["push_devices"][0]["created_at"], "push_service": "localhost"}]
    assert world.devices["member"]["endpoint"] not in repr(data)


def test_devices_page_lists_and_removes(app, client, auth, session, world: World):
    member = world.people["member"]
    auth.as_user(member)
    html = client.get("/account/notifications").get_data(as_text=True)
    assert "Telefon" in html and "localhost" in html
    sub = session.execute(select(PushSubscription).where(PushSubscription.user_id == member.id)).scalar_one()
    assert client.post(f"/account/notifications/devices/{sub.id}/remove").status_code == 302
    assert count(session, PushSubscription) == 4
    # Someone else's device: nothing happens.
    other = session.execute(select(PushSubscription).where(PushSubscription.user_id == world.people["police"].id)).scalar_one()
    assert client.post(f"/account/notifications/devices/{other.id}/remove").status_code == 404
    assert count(session, PushSubscription) == 4


def test_vapid_key_from_configuration(tmp_path, database_url):
    from tests.conftest import make_test_config
    from watch import create_app
    from watch.push.webpush.vapid import generate_vapid_keypair

    pem, public = generate_vapid_keypair()
    cfg = make_test_config(tmp_path, database_url) | {"VAPID_PRIVATE_KEY": pem.decode()}
    assert state(create_app(cfg)).vapid.public_key == public
    raw = __import__("base64").urlsafe_b64encode(load_private_key(pem).private_numbers().private_value.to_bytes(32, "big")).rstrip(b"=").decode()
    assert state(create_app(cfg | {"VAPID_PRIVATE_KEY": raw})).vapid.public_key == public


def test_generated_key_is_kept_in_the_instance_folder(tmp_path, database_url):
    import os

    from tests.conftest import make_test_config
    from watch import create_app

    cfg = make_test_config(tmp_path, database_url)
    first = state(create_app(cfg)).vapid.public_key
    assert state(create_app(cfg)).vapid.public_key == first
    path = tmp_path / "instance" / "vapid_private_key.pem"
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("extra,message", [
    ({}, "WATCH_VAPID_PRIVATE_KEY"),
    ({"VAPID_PRIVATE_KEY": "not a key"}, "not a P-256 key"),
    ({"VAPID_PRIVATE_KEY": "GEN", "VAPID_SUBJECT": None}, "WATCH_VAPID_SUBJECT"),
    ({"VAPID_PRIVATE_KEY": "GEN", "VAPID_SUBJECT": "mailto:admin@localhost"}, "localhost"),
    ({"VAPID_PRIVATE_KEY": "GEN", "VAPID_SUBJECT": "https://127.0.0.1/"}, "localhost"),
    ({"VAPID_PRIVATE_KEY": "GEN", "VAPID_SUBJECT": "http://kommun.se/"}, "mailto"),
])
def test_production_refuses_to_start_without_proper_vapid_settings(tmp_path, extra, message):
    from watch import create_app
    from watch.push.webpush.vapid import generate_vapid_keypair
    from watch.core.settings import ConfigError

    cfg = {"ENV": "production", "DATABASE_URL": "sqlite://", "SECRET_KEY": "k" * 40, "INSTANCE_PATH": str(tmp_path),
           "VAPID_SUBJECT": "mailto:trygghet@nykoping.se"} | extra
    if cfg.get("VAPID_PRIVATE_KEY") == "GEN":
        cfg["VAPID_PRIVATE_KEY"] = generate_vapid_keypair()[0].decode()
    with pytest.raises(ConfigError, match=message):
        create_app(cfg)


# -- pushsubscriptionchange: the service worker moves a device to its renewed subscription --
def _rotate(client, old, new):
    return client.post("/api/v1/push/subscriptions/rotate", json={"old": old, "subscription": new})


def test_a_renewed_subscription_replaces_the_old_one_without_login_or_csrf_token(app, client, auth, session, world, pushsvc):
    app.config["WTF_CSRF_ENABLED"] = True  # the service worker has no token: the proof must be enough
    member, old = world.people["member"], world.devices["member"]
    new = pushsvc.new_subscription()
    response = _rotate(client, old, new)  # no session cookie at all
    assert response.status_code == 204, response.get_json()
    session.expire_all()
    rows = session.execute(select(PushSubscription).where(PushSubscription.user_id == member.id)).scalars().all()
    assert [r.endpoint for r in rows] == [new["endpoint"]] and rows[0].auth == new["keys"]["auth"]
    app.config["WTF_CSRF_ENABLED"] = False
    post_alert(client, auth, world.people["poster"])
    Worker(app).drain(10)
    assert len(pushsvc.received(new)) == 1 and pushsvc.received(old) == []


def test_rotation_needs_the_old_keys_and_refuses_another_users_endpoint(app, client, session, world, pushsvc):
    old = world.devices["member"]
    forged = {**old, "keys": {**old["keys"], "auth": pushsvc.new_subscription()["keys"]["auth"]}}
    new = pushsvc.new_subscription()
    for body_old in (forged, {**pushsvc.new_subscription()}):  # wrong secret; unknown device
        response = _rotate(client, body_old, new)
        assert response.status_code == 404 and response.get_json()["error"]["code"] == "subscription_not_found"
    response = _rotate(client, old, world.devices["contact"])  # the contact's device: not this user's
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "subscription_taken"
    response = _rotate(client, old, {"endpoint": "https://evil.example/push/x", "keys": new["keys"]})
    assert response.status_code == 422
    assert client.post("/api/v1/push/subscriptions/rotate", json={"old": "x"}).status_code == 422
    session.expire_all()
    assert session.execute(select(PushSubscription).where(PushSubscription.endpoint == old["endpoint"])).scalar_one()
