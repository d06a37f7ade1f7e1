"""/metrics: Prometheus text for operators, only from configured addresses."""
from __future__ import annotations

from datetime import timedelta

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from tests.push.helpers import World, post_alert
from watch.core.time import utcnow
from watch.push.models import FanoutJob
from watch.push.delivery.worker import Worker


def scrape(client) -> dict:
    response = client.get("/metrics")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    samples = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return samples


def test_metrics_show_queue_outcomes_send_and_post_latency(app, client, auth, session, world: World, pushsvc):
    pushsvc.fail(world.devices["member"], [410])
    post_alert(client, auth, world.people["poster"])
    before = scrape(client)
    assert before[("watch_push_queue_depth", ())] == 3
    assert before[("watch_push_queue_oldest_age_seconds", ())] >= 0
    assert before[("watch_alert_post_seconds_count", ())] == 1
    Worker(app).drain(10)
    after = scrape(client)
    assert after[("watch_push_queue_depth", ())] == 0
    assert after[("watch_push_deliveries", (("status", "sent"),))] == 2
    assert after[("watch_push_deliveries", (("status", "gone"),))] == 1
    assert after[("watch_push_deliveries", (("status", "pending"),))] == 0
    # Drained in this process: its sender measured every answered request.
    assert after[("watch_push_send_seconds_count", (("service", "localhost"),))] == 3


def test_metrics_show_open_fan_out_jobs_and_the_oldest_ones_age(app, client, auth, session, world: World, pushsvc):
    app.config["PUSH_FANOUT_INLINE_MAX"] = 0  # every alert is "big": its audience comes from a job
    before = scrape(client)
    assert before[("watch_push_fanout_jobs_open", ())] == 0
    assert before[("watch_push_fanout_oldest_job_age_seconds", ())] == 0
    first = post_alert(client, auth, world.people["poster"]).get_json()["id"]
    post_alert(client, auth, world.people["other_member"], where="Hamnen")
    # The first one has waited an hour (a stuck expansion), the other was just posted.
    job = session.execute(select(FanoutJob).where(FanoutJob.alert_id == first)).scalar_one()
    job.created_at = utcnow() - timedelta(hours=1)
    session.commit()
    during = scrape(client)
    assert during[("watch_push_fanout_jobs_open", ())] == 2
    assert 3600 <= during[("watch_push_fanout_oldest_job_age_seconds", ())] < 2 * 3600
    worker = Worker(app)
    worker.drain(10)
    worker.close()
    after = scrape(client)
    assert after[("watch_push_fanout_jobs_open", ())] == 0
    assert after[("watch_push_fanout_oldest_job_age_seconds", ())] == 0
    assert after[("watch_push_deliveries", (("status", "sent"),))] == 3  # the first alert's three, the second's none


def test_metrics_are_not_there_for_other_addresses(app, client):
    for address in ("203.0.113.7", "10.0.0.1", "::ffff:8.8.8.8"):
        assert client.get("/metrics", environ_base={"REMOTE_ADDR": address}).status_code == 404
    app.config["PUSH_METRICS_ALLOWED"] = ["10.0.0.0/8"]
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    assert client.get("/metrics").status_code == 404  # loopback is no longer listed
