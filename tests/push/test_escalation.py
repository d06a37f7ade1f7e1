"""Escalation: unacknowledged alerts go to the municipality's other police users and admins, once."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from tests.push.helpers import World, WorkerThread, add_device, post_alert
from watch.core.time import utcnow
from watch.push.delivery.escalation import escalate_due
from watch.push.models import Delivery, PushEscalation
from watch.push.delivery.worker import Worker


def age(session, alert_id, minutes):
    from watch.alerts.models import Alert

    session.execute(update(Alert).where(Alert.id == alert_id).values(created_at=utcnow() - timedelta(minutes=minutes)))
    session.commit()


def escalated(session, alert_id):
    session.expire_all()
    return {r.user_id: r for r in session.execute(select(Delivery).where(Delivery.alert_id == alert_id, Delivery.kind == "escalation")).scalars()}


def backup_cast(session, make_user, pushsvc):
    people = {
        "backup": make_user(name="Polis Bo", police=True, municipality=" nyköping "),
        "elsewhere": make_user(name="Polis Ebba", police=True, municipality="Oxelösund"),
        "admin": make_user(name="Ada Admin", admin=True),
    }
    devices = {k: add_device(session, u, pushsvc) for k, u in people.items()}
    return people, devices


def test_unacknowledged_alert_escalates_once_to_backup_police_and_admins(app, client, auth, session, world: World, pushsvc, make_user):
    people, devices = backup_cast(session, make_user, pushsvc)
    alert_id = post_alert(client, auth, world.people["poster"]).get_json()["id"]
    Worker(app).drain(5)
    assert escalate_due(app) == 0  # not yet due
    age(session, alert_id, app.config["PUSH_ESCALATE_AFTER_MINUTES"] + 1)
    assert escalate_due(app) == 1
    assert escalate_due(app) == 0  # idempotent
    got = escalated(session, alert_id)
    assert set(got) == {people["backup"].id, people["admin"].id}
    assert got[people["backup"].id].role == "backup_police" and got[people["admin"].id].role == "admin"
    # The area's own police contact was targeted already and is not pushed twice.
    assert world.people["police"].id not in got
    Worker(app).drain(5)
    message = pushsvc.received(devices["backup"])[0]
    assert message.urgency == "high" and message.topic == f"alert-{alert_id}"
    assert message.payload["alert_id"] == alert_id and "Gamla stan" in message.payload["title"]
    assert pushsvc.received(devices["elsewhere"]) == []
    assert len(session.execute(select(PushEscalation)).scalars().all()) == 1


def test_worker_loop_escalates(app, client, auth, session, world: World, pushsvc, make_user):
    people, devices = backup_cast(session, make_user, pushsvc)
    alert_id = post_alert(client, auth, world.people["poster"]).get_json()["id"]
    age(session, alert_id, 60)
    with WorkerThread(app) as worker:
        assert pushsvc.wait_for(1, timeout=30, sub=devices["admin"]), pushsvc.stats()
        assert worker.idle.wait(30)
    assert len(pushsvc.received(devices["admin"])) == 1
    assert len(session.execute(select(PushEscalation)).scalars().all()) == 1


def test_escalation_and_delivery_purge_are_registered_tasks(app):
    from watch.core import tasks

    assert {"push.escalate", "push.purge_deliveries"} <= {t.name for t in tasks.tasks(app)}
    assert "push.escalate" in tasks.run_all(app, only="push.escalate")


def test_the_worker_loop_runs_due_tasks_between_batches(app, world: World, pushsvc):
    import threading

    from watch.core import tasks

    ran = threading.Event()
    tasks.register(app, "test.probe", 3600, lambda _app: ran.set())
    with WorkerThread(app):
        assert ran.wait(30)


def test_acknowledged_hidden_old_and_information_alerts_do_not_escalate(app, client, auth, session, world: World, pushsvc, make_user):
    from watch.alerts.models import Alert

    backup_cast(session, make_user, pushsvc)
    acked = post_alert(client, auth, world.people["poster"]).get_json()["id"]
    auth.as_user(world.people["police"])
    assert client.post(f"/api/v1/alerts/{acked}/acknowledge").status_code == 200
    hidden = post_alert(client, auth, world.people["poster"]).get_json()["id"]
    session.execute(update(Alert).where(Alert.id == hidden).values(hidden_at=utcnow(), hidden_reason="Dubblett"))
    session.commit()
    old = post_alert(client, auth, world.people["poster"]).get_json()["id"]
    info = post_alert(client, auth, world.people["contact"], category="information", text="Grannträff på lördag").get_json()["id"]
    session.commit()
    for alert_id in (acked, hidden, info):
        age(session, alert_id, 60)
    age(session, old, 60 * (app.config["PUSH_ESCALATION_WINDOW_HOURS"] + 1))
    assert escalate_due(app) == 0
    assert session.execute(select(Delivery).where(Delivery.kind == "escalation")).first() is None


def test_receipt_shows_escalation(app, client, auth, session, world: World, pushsvc, make_user):
    backup_cast(session, make_user, pushsvc)
    alert_id = post_alert(client, auth, world.people["poster"]).get_json()["id"]
    age(session, alert_id, 60)
    escalate_due(app)
    Worker(app).drain(5)
    auth.as_user(world.people["police"])
    body = client.get(f"/api/v1/alerts/{alert_id}/deliveries").get_json()
    assert body["escalated_at"] is not None and body["devices_total"] == 5 and body["sent"] == 5
    assert body["by_role"]["backup_police"] == {"sent": 1} and body["by_role"]["admin"] == {"sent": 1}
