"""Fault test: 1,000 devices, a push service failing 20% of requests, a worker process killed mid-fan-out.

The push service runs in its own process over TLS with a throw-away CA, which the
worker processes trust through WATCH_PUSH_TEST_CA_FILE (as the in-process tests do
through PUSH_TEST_CA_FILE): the workers speak https, as in production.

The alert is written as a fan-out job (more devices than PUSH_FANOUT_INLINE_MAX), and
the worker is SIGKILLed while it holds both the job, half expanded, and a batch of
deliveries on the wire. Afterwards every device has the alert exactly once, or twice
only within the killed worker's batch (decrypted at the push service; duplicates carry
the alert's Topic), every delivery record is final and the job is finished.
"""
from __future__ import annotations

import signal
import subprocess
import time
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, insert, select

from tests.push.procs import ServiceProcess, start_worker, worker_env
from watch.accounts.models import User
from watch.areas.models import AreaMembership, AreaRole
from watch.push.models import Delivery, FanoutJob, PushSubscription
from watch.push.delivery.worker import is_postgres

DEVICES = 1000


@pytest.fixture
def service():
    svc = ServiceProcess(tls=True)
    yield svc
    svc.stop()


@pytest.fixture
def config(config, service):
    config.update({"PUSH_ALLOW_INSECURE_HOSTS": [service.hostport], "PUSH_TEST_CA_FILE": service.ca_file,
                   "VAPID_SUBJECT": "mailto:trygghet@nykoping.se"})
    return config


def populate(session, service, area):
    """DEVICES members with one phone each, inserted in bulk."""
    subs = service.subscriptions(DEVICES)
    session.execute(insert(User), [
        {"email": f"medlem{i}@example.se", "display_name": f"Medlem {i}", "password_hash": "x", "is_admin": False,
         "is_police": False, "session_version": 1} for i in range(DEVICES)
    ])
    ids = session.execute(select(User.id).where(User.email.like("medlem%")).order_by(User.id)).scalars().all()
    session.execute(insert(AreaMembership), [{"area_id": area.id, "user_id": uid, "role": AreaRole.member} for uid in ids])
    session.execute(insert(PushSubscription), [
        {"user_id": uid, "endpoint": s["endpoint"], "p256dh": s["keys"]["p256dh"], "auth": s["keys"]["auth"],
         "host": urlsplit(s["endpoint"]).hostname, "label": "Telefon"} for uid, s in zip(ids, subs)
    ])
    session.commit()
    return subs


def job_state(session, alert_id):
    session.expire_all()
    return session.execute(select(FanoutJob.status, FanoutJob.claimed_by, FanoutJob.written)
                           .where(FanoutJob.alert_id == alert_id)).one()


def counts(session) -> dict:
    session.expire_all()
    return dict(session.execute(select(Delivery.status, func.count()).group_by(Delivery.status)).all())


@pytest.mark.slow
def test_every_device_gets_the_alert_despite_failures_and_a_killed_worker(app, client, auth, session, make_user, service, database_url, tmp_path):
    from tests.push.helpers import join, make_area, post_alert

    area = make_area(session, "Gamla stan")
    poster = make_user()
    join(session, poster, area)
    subs = populate(session, service, area)
    service.control("random_failures", {"rate": 0.2, "statuses": [500, 502, 503, 429], "seed": 7})

    response = post_alert(client, auth, poster, category="burglary")
    assert response.status_code == 201
    alert_id = response.get_json()["id"]
    assert counts(session) == {}  # no police contact here: every delivery comes from the job
    assert job_state(session, alert_id)[0] == "open"

    env = worker_env(database_url, app.instance_path, service.hostport, ca_file=service.ca_file,
                     PUSH_LEASE_SECONDS=3, PUSH_BATCH_SIZE=50, PUSH_FANOUT_CHUNK=100,
                     PUSH_PER_HOST_CONCURRENCY=4, PUSH_BACKOFF_BASE_SECONDS=0.05, PUSH_BACKOFF_CAP_SECONDS=0.5,
                     PUSH_BACKOFF_FLOOR_SECONDS=0.05, PUSH_BREAKER_COOLDOWN_SECONDS=0.1,
                     PUSH_BREAKER_MAX_COOLDOWN_SECONDS=0.5, PUSH_POLL_SECONDS=0.5, PUSH_POLL_SECONDS_SQLITE=0.2)
    n_workers = 2 if is_postgres(app) else 1
    logs = [tmp_path / f"worker{i}.log" for i in range(n_workers)]
    workers = [start_worker(env, logs[i]) for i in range(n_workers)]
    try:
        # Kill the worker holding the half-expanded job while it also holds a batch on the wire:
        # freeze it, look, and thaw it if it was not. (Generous: two workers start up on two shared cores.)
        deadline = time.monotonic() + 120
        victim = leased = None
        while victim is None:
            assert time.monotonic() < deadline, ("no worker was caught mid-expansion with a batch in hand",
                                                 job_state(session, alert_id))
            status, holder, written = job_state(session, alert_id)
            assert status == "open", "the expansion finished before the kill; the test proves nothing"
            candidate = next((w for w in workers if holder and f":{w.pid}:" in holder), None)
            if candidate is None or not written:
                time.sleep(0.005)
                continue
            candidate.send_signal(signal.SIGSTOP)
            status, holder, written_at_kill = job_state(session, alert_id)
            leased = session.execute(select(func.count()).select_from(Delivery)
                                     .where(Delivery.claimed_by.like(f"%:{candidate.pid}:%"))).scalar_one()
            if status == "open" and holder and f":{candidate.pid}:" in holder and leased:
                victim = candidate
            else:
                candidate.send_signal(signal.SIGCONT)
                time.sleep(0.005)
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
        index = workers.index(victim)
        at_kill = service.stats()["total_received"]
        assert at_kill < DEVICES and 0 < written_at_kill < DEVICES, "the fan-out finished before the kill"
        workers[index] = start_worker(env, logs[index])

        # A bound, not a measurement: the loop ends as soon as every delivery is final
        # (TLS costs the workers CPU, and the two cores may be busy with other things).
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            c = counts(session)
            if c.get("sent", 0) + c.get("failed", 0) + c.get("gone", 0) == DEVICES:
                break
            time.sleep(0.2)
    finally:
        for w in workers:
            if w.poll() is None:
                w.send_signal(signal.SIGTERM)
        codes = []
        for w in workers:
            try:
                codes.append(w.wait(15))
            except subprocess.TimeoutExpired:
                w.kill()
                codes.append("killed")
    output = "\n".join(p.read_text(errors="replace")[-3000:] for p in logs)
    assert counts(session) == {"sent": DEVICES}, output
    assert codes == [0] * n_workers, output  # SIGTERM: graceful exit

    stats = service.stats()
    # SIGKILL cuts requests mid-body; a truncated body the service still reads is undecryptable.
    # Anything else refused would be a protocol error of ours.
    cut = [r for r in stats["rejections"] if r["reason"].startswith("cannot decrypt")]
    assert [r for r in stats["rejections"] if r not in cut] == []
    assert len(cut) <= 4 * n_workers  # at most the killed worker's open connections
    received = stats["received"]
    assert set(received) == {s["endpoint"].rsplit("/", 1)[1] for s in subs}
    assert stats["total_attempts"] > DEVICES  # failures happened and were retried
    assert leased > 0  # the killed worker held leases that the restarted one took over
    # Duplicates are only the killed worker's sends it could not record: at most the one
    # batch it had leased (a worker claims only the batch on the wire). Every message of this alert carries Topic alert-<id> (the service checks the
    # header's form), so a phone replaces rather than repeats the notification.
    duplicates = sum(n - 1 for n in received.values())
    assert duplicates <= 50

    rows = session.execute(select(Delivery.status, Delivery.attempts).where(Delivery.alert_id == alert_id)).all()
    assert all(status == "sent" and attempts >= 1 for status, attempts in rows)
    # The job was finished by another worker (or the restarted one) from its last committed chunk.
    status, holder, written = job_state(session, alert_id)
    assert (status, holder, written) == ("done", None, DEVICES)
