"""Fan-out jobs: the POST writes the police deliveries and a job; workers expand the rest, idempotently."""
from __future__ import annotations

from sqlalchemy import select

from tests.push.helpers import World, post_alert
from watch.push import fanout
from watch.push.models import Delivery, FanoutJob
from watch.push.service import alert_receipt
from watch.push.worker import Worker


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
