"""Alert expiry and retention run as registered tasks; list and map GETs never write (issue 9.11)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event
from sqlmodel import select

from watch.core import tasks
from watch.alerts.models import Alert, Status
from watch.core.db import engine
from watch.core.time import utcnow


def _age(session, alert, **delta):
    alert.created_at = utcnow() - timedelta(**delta)
    session.add(alert)
    session.commit()


def test_list_and_map_gets_do_not_write(app, client, auth, session, world, post):
    old = post("member")
    _age(session, old, hours=app.config["ALERTS_EXPIRE_HOURS"] + 1)
    auth.as_user(world.user("member"))
    client.get("/")  # the first request as this user records its login session
    writes = []

    def spy(_conn, _cursor, statement, *_a):
        if statement.lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            writes.append(statement)

    event.listen(engine(app), "before_cursor_execute", spy)
    try:
        for path in ("/alerts", "/alerts/map", "/api/v1/alerts", "/api/v1/alerts?bbox=16.9,58.7,17.1,58.8"):
            assert client.get(path).status_code == 200, path
    finally:
        event.remove(engine(app), "before_cursor_execute", spy)
    assert writes == []
    session.expire_all()
    assert session.get(Alert, old.id).status == Status.open


def test_expiry_and_purge_are_registered_tasks(app, session, world, post):
    names = [t.name for t in tasks.tasks(app)]
    assert "alerts.expire" in names and "alerts.purge" in names
    stale, ancient, fresh = post("member"), post("member"), post("member")
    _age(session, stale, hours=app.config["ALERTS_EXPIRE_HOURS"] + 1)
    _age(session, ancient, days=app.config["ALERTS_RETENTION_DAYS"] + 1)
    tasks.run_all(app, "alerts.expire")
    tasks.run_all(app, "alerts.purge")
    session.expire_all()
    left = {a.id: a.status for a in session.exec(select(Alert))}
    assert left == {stale.id: Status.closed, fresh.id: Status.open}
