"""Access log: police and admin views are recorded, listed with filters, exported, deleted, purged."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.alerts.conftest import image_bytes
from watch.core import tasks
from watch.accounts import service as accounts
from watch.alerts.models import AlertPhoto
from watch.audit.models import AccessRecord
from watch.audit.service import record_access
from watch.core.time import utcnow


def _rows(session):
    session.expire_all()
    return list(session.exec(select(AccessRecord).order_by(AccessRecord.id)))


@pytest.mark.parametrize("role,recorded", [("police", True), ("admin", True), ("member", False), ("contact", False)])
def test_viewing_an_alert_is_recorded_for_police_and_admins(client, auth, session, world, post, role, recorded):
    alert = post("member")
    viewer = auth.as_user(world.user(role))
    assert client.get(f"/alerts/{alert.id}").status_code == 200
    assert client.get(f"/api/v1/alerts/{alert.id}").status_code == 200
    rows = _rows(session)
    if not recorded:
        assert rows == []
        return
    assert [(r.actor_id, r.actor_role, r.kind, r.object_id, r.owner_id) for r in rows] == \
        [(viewer.id, role, "alert", alert.id, world.user("member").id)] * 2


def test_a_refused_view_is_not_recorded(client, auth, session, world, post, make_user):
    alert = post("member")
    auth.as_user(make_user(police=True, municipality="Oxelösund"))
    assert client.get(f"/api/v1/alerts/{alert.id}").status_code == 404
    assert _rows(session) == []


def test_photos_are_recorded(client, auth, session, world, post):
    alert = post("member", photos=[image_bytes()])
    photo = session.exec(select(AlertPhoto).where(AlertPhoto.alert_id == alert.id)).one()
    auth.as_user(world.user("admin"))
    assert client.get(f"/alerts/{alert.id}/photos/{photo.id}").status_code == 200
    [row] = _rows(session)
    assert (row.kind, row.object_id, row.owner_id) == ("alert_photo", photo.id, world.user("member").id)


def test_household_roster_views_are_recorded(client, auth, session, world):
    auth.as_user(world.user("admin"))
    assert client.get(f"/api/v1/areas/{world.area.id}/households").status_code == 200
    [row] = _rows(session)
    assert (row.kind, row.object_id, row.actor_role) == ("household_roster", world.area.id, "admin")


def test_unknown_kinds_are_refused(session, world):
    with pytest.raises(ValueError):
        record_access(session, actor=world.user("admin"), kind="diary", object_id=1)


def test_admin_page_filters(client, auth, session, world, post):
    alert = post("member")
    police, admin = world.user("police"), world.user("admin")
    record_access(session, actor=police, kind="alert", object_id=alert.id, owner_id=world.user("member").id)
    record_access(session, actor=admin, kind="household_roster", object_id=world.area.id)
    auth.as_user(admin)
    page = client.get("/admin/access-log").get_data(as_text=True)
    assert "Polis Per" in page and "Admin Ada" in page
    only_police = client.get(f"/admin/access-log?actor_id={police.id}").get_data(as_text=True)
    assert "Polis Per" in only_police and "Admin Ada" not in only_police
    rosters = client.get("/admin/access-log?kind=household_roster").get_data(as_text=True)
    assert "Admin Ada" in rosters and "Polis Per" not in rosters
    tomorrow = (utcnow() + timedelta(days=1)).date().isoformat()
    assert "Polis Per" not in client.get(f"/admin/access-log?since={tomorrow}").get_data(as_text=True)


@pytest.mark.parametrize("query", ["actor_id=abc", "actor_id=99999999999999999999", "since=2026-13-45", "kind=diary", "owner_id=-1"])
def test_bad_filters_are_refused_with_a_message(client, auth, world, query):
    auth.as_user(world.user("admin"))
    response = client.get(f"/admin/access-log?{query}")
    assert response.status_code == 422
    assert 'class="error"' in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["police", "member"])
def test_only_admins_see_the_log(client, auth, world, role):
    auth.as_user(world.user(role))
    assert client.get("/admin/access-log").status_code == 403


def test_export_lists_who_viewed_my_data(session, world, post):
    alert = post("member")
    record_access(session, actor=world.user("police"), kind="alert", object_id=alert.id, owner_id=world.user("member").id)
    data = accounts.export_data(session, world.user("member"))
    assert [(v["by"], v["role"], v["what"], v["id"]) for v in data["viewed_by"]] == [("Polis Per", "police", "alert", alert.id)]
    assert accounts.export_data(session, world.user("contact"))["viewed_by"] == []


def test_deleting_accounts(session, world, post):
    alert = post("member")
    member, police = world.user("member"), world.user("police")
    record_access(session, actor=police, kind="alert", object_id=alert.id, owner_id=member.id)
    record_access(session, actor=police, kind="household_roster", object_id=world.area.id)
    accounts.delete_user(session, member)
    session.commit()
    assert [r.kind for r in _rows(session)] == ["household_roster"]  # the record about the member's data is gone
    accounts.delete_user(session, police)
    session.commit()
    [row] = _rows(session)
    assert (row.actor_id, row.actor_name, row.actor_role) == (None, "", "police")  # the view stays, nameless


def test_retention_is_a_registered_task(app, session, world):
    old = record_access(session, actor=world.user("admin"), kind="alert", object_id=1)
    old.at = utcnow() - timedelta(days=app.config["AUDIT_RETENTION_DAYS"] + 1)
    session.add(old)
    session.commit()
    fresh = record_access(session, actor=world.user("admin"), kind="alert", object_id=2)
    assert "audit.purge" in tasks.run_all(app, "audit.purge")
    assert [r.id for r in _rows(session)] == [fresh.id]
