"""The observations API the phone's offline queue posts to: created once per key, refusals in the error envelope."""
from __future__ import annotations

from sqlmodel import func, select

from tests.walks.conftest import IN_CENTRUM, OUTSIDE
from watch.walks.models import WalkObservation


def body(walk, **kw):
    data = {"walk_id": walk.id, "lat": IN_CENTRUM[1], "lon": IN_CENTRUM[0], "category": "tunnel", "note": "Mörk tunnel"}
    data.update(kw)
    return data


def test_create_replay_and_refusals(world, client, auth, session):
    walk = world.plan()
    auth.as_user(world["participant"])
    first = client.post("/api/v1/walks/observations", json=body(walk), headers={"Idempotency-Key": "k1"})
    again = client.post("/api/v1/walks/observations", json=body(walk), headers={"Idempotency-Key": "k1"})
    assert first.status_code == 201 and again.status_code == 201 and first.get_json()["id"] == again.get_json()["id"]
    assert first.get_json()["est_report_id"]
    outside = client.post("/api/v1/walks/observations", json=body(walk, lat=OUTSIDE[1], lon=OUTSIDE[0]))
    assert outside.status_code == 422 and outside.get_json()["error"]["code"] == "outside_municipality"
    assert "utanför" in outside.get_json()["error"]["message"]
    auth.as_user(world["outsider"])
    assert client.post("/api/v1/walks/observations", json=body(walk)).status_code == 404
    assert session.exec(select(func.count()).select_from(WalkObservation)).one() == 1
