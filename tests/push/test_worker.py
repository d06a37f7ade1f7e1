"""Worker outcomes per device: gone, retries with backoff, 413, refusals, redirects, leases."""
from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tests.push.helpers import World, post_alert
from watch.core.db import session_scope
from watch.core.time import utcnow
from watch.push.models import Delivery, PushSubscription
from watch.push.delivery.batches import claim
from watch.push.delivery.worker import Worker, is_postgres


def rows(session, alert_id):
    session.expire_all()
    return {r.user_id: r for r in session.execute(select(Delivery).where(Delivery.alert_id == alert_id)).scalars()}


def alert_for(client, auth, world):
    response = post_alert(client, auth, world.people["poster"])
    assert response.status_code == 201
    return response.get_json()["id"]


@pytest.mark.parametrize("status", [404, 410])
def test_gone_subscription_is_removed_and_the_rest_are_sent(app, client, auth, session, world: World, pushsvc, status):
    member = world.people["member"]
    pushsvc.fail(world.devices["member"], [status])
    alert_id = alert_for(client, auth, world)
    Worker(app).drain(5)
    result = rows(session, alert_id)
    assert result[member.id].status == "gone"
    assert result[member.id].last_status == status
    assert result[member.id].subscription_id is None  # the row stays for the receipt
    assert session.execute(select(PushSubscription).where(PushSubscription.user_id == member.id)).first() is None
    assert {r.status for uid, r in result.items() if uid != member.id} == {"sent"}


def test_one_batch_with_every_outcome_records_each_row_its_own(app, client, auth, session, world: World, pushsvc):
    # record() writes a batch's outcomes grouped by outcome: each row must still get its own.
    people = world.people
    pushsvc.fail(world.devices["member"], [410])
    pushsvc.fail(world.devices["contact"], [500])
    alert_id = alert_for(client, auth, world)
    before = utcnow()
    assert Worker(app).run_once() == 3
    result = rows(session, alert_id)
    gone, retrying, sent = result[people["member"].id], result[people["contact"].id], result[people["police"].id]
    assert (gone.status, gone.attempts, gone.last_status, gone.subscription_id) == ("gone", 1, 410, None)
    assert (retrying.status, retrying.attempts, retrying.last_status) == ("retrying", 1, 500)
    assert retrying.subscription_id is not None and retrying.sent_at is None
    assert retrying.next_attempt_at.replace(tzinfo=None) > before.replace(tzinfo=None)
    assert (sent.status, sent.attempts, sent.last_status) == ("sent", 1, 201)
    assert sent.subscription_id is not None and sent.sent_at is not None
    assert {r.claimed_by for r in result.values()} == {None}


def test_unsubscribed_endpoint_answers_410_forever_and_later_alerts_skip_it(app, client, auth, session, world: World, pushsvc):
    pushsvc.unsubscribe(world.devices["contact"])
    alert_for(client, auth, world)
    Worker(app).drain(5)
    attempts = pushsvc.attempts(world.devices["contact"])
    second = alert_for(client, auth, world)
    Worker(app).drain(5)
    assert world.people["contact"].id not in rows(session, second)
    assert pushsvc.attempts(world.devices["contact"]) == attempts == 1


def test_retries_429_and_500_until_success(app, client, auth, session, world: World, pushsvc):
    pushsvc.fail(world.devices["member"], [429, 500, 503, 429])
    alert_id = alert_for(client, auth, world)
    Worker(app).drain(10)
    row = rows(session, alert_id)[world.people["member"].id]
    assert row.status == "sent" and row.attempts == 5 and row.last_status == 201
    assert len(pushsvc.received(world.devices["member"])) == 1
    assert pushsvc.attempts(world.devices["member"]) == 5


def test_retry_after_is_honoured(app, client, auth, session, world: World, pushsvc):
    pushsvc.retry_after = 120
    pushsvc.fail(world.devices["member"], [429])
    alert_id = alert_for(client, auth, world)
    before = utcnow()
    Worker(app).run_once()
    row = rows(session, alert_id)[world.people["member"].id]
    assert row.status == "retrying" and row.last_status == 429
    assert row.next_attempt_at >= before + timedelta(seconds=119)
    assert row.claimed_by is None and row.claimed_until is None
    # Not due yet: a worker leaves it alone.
    assert Worker(app).run_once() == 0


def test_retries_by_time_not_by_count(app, client, auth, session, world: World, pushsvc):
    pushsvc.fail(world.devices["member"], [500, 503, 502] * 4)  # 12 failures: more than any old attempt limit
    alert_id = alert_for(client, auth, world)
    Worker(app).drain(30)
    row = rows(session, alert_id)[world.people["member"].id]
    assert row.status == "sent" and row.last_status == 201
    assert pushsvc.attempts(world.devices["member"]) == 13
    assert len(pushsvc.received(world.devices["member"])) == 1


def test_gives_up_when_the_ttl_is_over_and_keeps_the_subscription(app, client, auth, session, world: World, pushsvc, caplog):
    pushsvc.fail(world.devices["member"], [500] * 10)
    alert_id = alert_for(client, auth, world)
    ttl = app.config["PUSH_TTL_SECONDS"]
    # Posted almost a TTL ago: the first retry would fall after the push service drops the message.
    session.execute(update(Delivery).where(Delivery.alert_id == alert_id)
                    .values(created_at=utcnow() - timedelta(seconds=ttl - 0.005)))
    session.commit()
    with caplog.at_level(logging.ERROR, logger="watch.push.delivery.worker"):
        Worker(app).drain(10)
    row = rows(session, alert_id)[world.people["member"].id]
    assert row.status == "failed" and row.attempts == 1 and "TTL over" in row.reason
    assert session.get(PushSubscription, row.subscription_id) is not None
    assert any("failed" in r.getMessage() for r in caplog.records if r.levelno == logging.ERROR)


@pytest.mark.parametrize("status", [400, 401, 403])
def test_refusals_fail_at_once_logged_as_errors(app, client, auth, session, world: World, pushsvc, status, caplog):
    pushsvc.fail(world.devices["member"], [status])
    alert_id = alert_for(client, auth, world)
    with caplog.at_level(logging.ERROR):
        Worker(app).drain(5)
    row = rows(session, alert_id)[world.people["member"].id]
    assert row.status == "failed" and row.attempts == 1 and row.last_status == status
    assert session.get(PushSubscription, row.subscription_id) is not None
    assert [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_413_shrinks_the_payload_and_retries_once(app, client, auth, session, world: World, pushsvc):
    pushsvc.fail(world.devices["member"], [413])
    pushsvc.fail(world.devices["contact"], [413, 413])
    alert_id = alert_for(client, auth, world)
    Worker(app).drain(5)
    result = rows(session, alert_id)
    member, contact = result[world.people["member"].id], result[world.people["contact"].id]
    assert member.status == "sent" and member.shrunk and member.attempts == 2
    payload = pushsvc.received(world.devices["member"])[0].payload
    assert "body" not in payload and payload["truncated"] is True and payload["alert_id"] == alert_id
    assert contact.status == "failed" and contact.attempts == 2


def test_redirect_at_send_time_is_never_followed(app, client, auth, session, world: World, pushsvc):
    target = pushsvc.new_subscription()
    pushsvc.redirect(world.devices["member"], target["endpoint"], 307)
    alert_id = alert_for(client, auth, world)
    Worker(app).drain(5)
    row = rows(session, alert_id)[world.people["member"].id]
    assert row.status == "failed" and row.last_status == 307
    assert pushsvc.attempts(target) == 0 and pushsvc.received(target) == []


def test_hidden_alert_is_not_pushed(app, client, auth, session, world: World, pushsvc):
    from watch.alerts.models import Alert

    alert_id = alert_for(client, auth, world)
    session.execute(update(Alert).where(Alert.id == alert_id).values(hidden_at=utcnow(), hidden_reason="Fel område"))
    session.commit()
    Worker(app).drain(5)
    assert {r.status for r in rows(session, alert_id).values()} == {"failed"}
    assert pushsvc.received() == []


def test_expired_lease_is_taken_over_and_live_lease_is_not(app, client, auth, session, world: World, pushsvc):
    alert_id = alert_for(client, auth, world)
    with session_scope(app) as s:
        assert claim(s, "dead-worker:1", limit=100, lease_seconds=60, postgres=is_postgres(app)) == 3
    assert Worker(app).run_once() == 0  # leased to someone else
    with session_scope(app) as s:
        s.execute(update(Delivery).values(claimed_until=utcnow() - timedelta(seconds=1)))
    assert Worker(app).run_once() == 3
    assert {r.status for r in rows(session, alert_id).values()} == {"sent"}
    assert len(pushsvc.received()) == 3


def test_a_late_worker_does_not_overwrite_the_new_owner(app, client, auth, session, world: World, pushsvc):
    from watch.push.delivery.batches import record

    alert_id = alert_for(client, auth, world)
    with session_scope(app) as s:
        claim(s, "slow:1", limit=100, lease_seconds=60, postgres=is_postgres(app))
        s.execute(update(Delivery).values(claimed_by="fast:1"))
    ids = [r.id for r in rows(session, alert_id).values()]
    with session_scope(app) as s:
        record(s, "slow:1", [{"b_id": i, "subscription_id": None, "status": "failed", "attempts": 1, "next_attempt_at": utcnow(), "last_status": 500,
                              "reason": "late", "sent_at": None, "shrunk": False} for i in ids],
               gone_subscriptions=set(), sent_subscriptions=set(), now=utcnow())
    assert {r.status for r in rows(session, alert_id).values()} == {"pending"}


def test_two_claims_never_share_rows(app, client, auth, session, world: World):
    alert_for(client, auth, world)
    alert_for(client, auth, world)
    with session_scope(app) as s:
        a = claim(s, "a:1", limit=4, lease_seconds=60, postgres=is_postgres(app))
    with session_scope(app) as s:
        b = claim(s, "b:1", limit=4, lease_seconds=60, postgres=is_postgres(app))
    assert (a, b) == (4, 2)
    claimed = {r.claimed_by for r in session.execute(select(Delivery)).scalars()}
    assert claimed == {"a:1", "b:1"}


def test_postgres_claims_skip_rows_another_worker_is_claiming(app, client, auth, session, world: World):
    if not is_postgres(app):
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite runs one worker")
    alert_for(client, auth, world)
    alert_for(client, auth, world)
    from sqlmodel import Session

    from watch.core.db import engine

    first = Session(engine(app))
    try:
        assert claim(first, "a:1", limit=4, lease_seconds=60, postgres=True) == 4  # not committed yet
        with session_scope(app) as other:
            assert claim(other, "b:1", limit=10, lease_seconds=60, postgres=True) == 2  # did not wait
        first.commit()
    finally:
        first.close()
    session.expire_all()
    owners = [r.claimed_by for r in session.execute(select(Delivery)).scalars()]
    assert sorted(owners) == ["a:1"] * 4 + ["b:1"] * 2


def test_purge_drops_old_final_rows_and_orphans_but_keeps_open_ones(app, client, auth, session, world: World, pushsvc):
    from watch.alerts.models import Alert
    from watch.push.devices.service import purge_deliveries

    alert_id = alert_for(client, auth, world)
    Worker(app).drain(5)
    other = alert_for(client, auth, world)  # still pending
    with session_scope(app) as s:
        s.execute(update(Delivery).values(created_at=utcnow() - timedelta(days=40)))
    assert app.config["PUSH_DELIVERY_RETENTION_DAYS"] == 30
    assert purge_deliveries(app) == 3  # the sent ones; pending rows stay whatever their age
    assert set(rows(session, other)) and not rows(session, alert_id)
    session.execute(Alert.__table__.delete().where(Alert.__table__.c.id == other))
    session.commit()
    assert purge_deliveries(app) == 3
