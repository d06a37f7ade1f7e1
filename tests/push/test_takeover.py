"""A device registered to someone else moves only when the request proves it is the same browser (issue 9.5)."""
from __future__ import annotations

from watch.push.models import PushSubscription


def _owner(session, endpoint):
    session.expire_all()
    return session.query(PushSubscription).filter_by(endpoint=endpoint).one().user_id


def test_an_endpoint_url_alone_cannot_take_a_device(client, auth, session, world):
    victim = world.devices["member"]
    auth.as_user(world.people["other_member"])
    forged = {**victim, "keys": {"p256dh": world.devices["poster"]["keys"]["p256dh"], "auth": world.devices["poster"]["keys"]["auth"]}}
    response = client.post("/api/v1/push/subscriptions", json={"subscription": forged})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "endpoint_taken"
    assert _owner(session, victim["endpoint"]) == world.people["member"].id


def test_the_same_browser_may_move_to_another_account(client, auth, session, world):
    device = world.devices["member"]  # the whole subscription, keys included: only that browser has them
    auth.as_user(world.people["other_member"])
    response = client.post("/api/v1/push/subscriptions", json={"subscription": device})
    assert response.status_code == 200
    assert _owner(session, device["endpoint"]) == world.people["other_member"].id
