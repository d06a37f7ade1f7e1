"""Fan-out jobs: the POST writes the police deliveries and a job; workers expand the rest, idempotently."""
from __future__ import annotations

import schemathesis
from sqlalchemy import select

from tests.push.helpers import World, post_alert
from watch.push.delivery import fanout
from watch.push.models import Delivery, FanoutJob
from watch.push.devices.service import alert_receipt
from watch.push.delivery.worker import Worker


def test_a_big_audience_gets_police_inline_then_the_job_expands_the_rest_once(app, client, auth, session, world: World, pushsvc):
    app.config["PUSH_FANOUT_INLINE_MAX"] = 0  # every alert is "big"
    app.config["PUSH_FANOUT_CHUNK"] = 1
    alert_id = post_alert(client, auth, world.people["poster"], category="burglary").get_json()["id"]
    session.expire_all()
    rows = session.execute(select(Delivery).where(Delivery.alert_id == alert_id)).scalars().all()
    assert [(r.user_id, r.role, r.priority) for r in rows] == [(world.people["police"].id, "police", 2)]
    job = session.execute(select(FanoutJob).where(FanoutJob.alert_id == alert_id)).scalar_one()
    assert job.status == "open"
    # A worker whose lease ran out mid-expansion: its chunk is not written.
    assert fanout.claim_job(session, "dead", lease_seconds=-1, postgres=False) == job.id
    session.commit()
    assert fanout.expand_step(session, job.id, "other", chunk=1, lease_seconds=5) == (0, True)
    session.rollback()
    Worker(app).drain(10)
    session.expire_all()
    rows = session.execute(select(Delivery).where(Delivery.alert_id == alert_id)).scalars().all()
    assert sorted((r.user_id, r.role) for r in rows) == sorted(
        [(world.people["police"].id, "police"), (world.people["contact"].id, "contact"), (world.people["member"].id, "member")])
    assert {r.status for r in rows} == {"sent"}
    job = session.get(FanoutJob, job.id)
    assert (job.status, job.written) == ("done", 2)
    assert alert_receipt(session, alert_id)["sent"] == 3
    assert len(pushsvc.received()) == 3


def _receipt_api(app, client, alert_id: int) -> dict:
    """The receipt through the JSON API, checked against its schema in the OpenAPI document."""
    response = client.get(f"/api/v1/alerts/{alert_id}/deliveries")
    assert response.status_code == 200
    operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)["/api/v1/alerts/{alert_id}/deliveries"]["GET"]
    operation.validate_response(response)
    return response.get_json()


def test_the_receipt_says_the_fan_out_is_still_expanding_until_the_job_is_done(app, client, auth, session, world: World, pushsvc):
    app.config["PUSH_FANOUT_INLINE_MAX"] = 0  # every alert is "big"
    app.config["PUSH_FANOUT_CHUNK"] = 1
    alert_id = post_alert(client, auth, world.people["poster"], category="burglary").get_json()["id"]
    worker = Worker(app)
    assert worker.run_once() == 1  # the police contact's push only; the job is not touched
    session.expire_all()
    receipt = alert_receipt(session, alert_id)
    # Everything written so far is sent: without the job's state this would look done.
    assert (receipt["devices_total"], receipt["sent"], receipt["pending"]) == (1, 1, 0)
    assert (receipt["expanding"], receipt["fanout_written"]) == (True, 0)
    assert worker.expand_once() == 1  # the first chunk: the contact representative
    session.expire_all()
    assert {k: alert_receipt(session, alert_id)[k] for k in ("devices_total", "expanding", "fanout_written")} == {
        "devices_total": 2, "expanding": True, "fanout_written": 1}

    # The poster's thank-you and the staff's details say that more phones are to come.
    page = client.get(f"/alerts/{alert_id}").get_data(as_text=True)
    assert "Skickat till 1 telefon." in page and "Utskicket pågår fortfarande till fler telefoner i området." in page
    auth.as_user(world.people["contact"])
    page = client.get(f"/alerts/{alert_id}").get_data(as_text=True)
    assert "utskicket pågår fortfarande: fler mottagare läggs till" in page
    auth.as_user(world.people["police"])
    body = _receipt_api(app, client, alert_id)
    assert (body["expanding"], body["fanout_written"], body["devices_total"]) == (True, 1, 2)

    worker.drain(10)
    worker.close()
    session.expire_all()
    assert session.execute(select(FanoutJob.status).where(FanoutJob.alert_id == alert_id)).scalar_one() == "done"
    body = _receipt_api(app, client, alert_id)
    assert (body["expanding"], body["fanout_written"], body["devices_total"], body["sent"]) == (False, 2, 3, 3)
    auth.as_user(world.people["contact"])
    assert "utskicket pågår fortfarande" not in client.get(f"/alerts/{alert_id}").get_data(as_text=True)
    auth.as_user(world.people["poster"])
    page = client.get(f"/alerts/{alert_id}").get_data(as_text=True)
    assert "Skickat till 3 telefoner." in page and "Utskicket pågår" not in page


def test_a_small_alert_written_with_the_post_is_never_expanding(app, client, auth, session, world: World, pushsvc):
    alert_id = post_alert(client, auth, world.people["poster"]).get_json()["id"]
    assert session.execute(select(FanoutJob).where(FanoutJob.alert_id == alert_id)).first() is None
    receipt = alert_receipt(session, alert_id)
    assert (receipt["devices_total"], receipt["expanding"], receipt["fanout_written"]) == (3, False, 0)
