"""A new outline for an active area waits for the police; name and description change at once."""
from __future__ import annotations

import json

import pytest
from sqlmodel import select

from watch.areas.geometry import outline

from watch.areas.registration import service as registration
from watch.areas.models import Area, AreaOutlineChange, AreaStatus, OutlineChangeStatus
from watch.areas.service import areas_containing
from watch.core.errors import NotFound, ServiceError

from .conftest import NYKOPING, ROLES, expect_status, login_as, square

NEW_AT = (NYKOPING[0] + 0.02, NYKOPING[1])  # a new outline clear of the old one
OLD_POINT = (NYKOPING[0] + 0.002, NYKOPING[1] + 0.002)
NEW_POINT = (NEW_AT[0] + 0.002, NEW_AT[1] + 0.002)


def _ids(session, point):
    return [a.id for a in areas_containing(session, *point)]


def _changes(session, area_id):
    session.expire_all()
    return session.exec(select(AreaOutlineChange).where(AreaOutlineChange.area_id == area_id)).all()


def test_contact_proposes_and_police_approve(session, world):
    area, police = world.area, world.people["police_same"]
    registration.update_area(session, world.contact, area.id, name="Hamnen Norra", description="Bryggorna A–C",
                             geometry_data=square(*NEW_AT))
    session.refresh(area)
    assert area.name == "Hamnen Norra" and area.description == "Bryggorna A–C"  # at once
    assert area.min_lon == NYKOPING[0] and area.status == AreaStatus.active  # the old outline holds
    assert _ids(session, OLD_POINT) == [area.id] and _ids(session, NEW_POINT) == []
    [change] = _changes(session, area.id)
    assert change.status == OutlineChangeStatus.pending and change.min_lon == NEW_AT[0]
    assert change.proposed_by_id == world.contact.id

    proposed = change.geometry
    outline.approve_change(session, police, area.id)
    session.refresh(area)
    assert area.min_lon == NEW_AT[0] and area.geometry == proposed
    assert _ids(session, NEW_POINT) == [area.id] and _ids(session, OLD_POINT) == []  # the index was rebuilt
    [change] = _changes(session, area.id)
    assert change.status == OutlineChangeStatus.approved and change.decided_by_id == police.id
    with pytest.raises(NotFound):
        outline.approve_change(session, police, area.id)  # nothing left to decide


def test_second_proposal_replaces_the_pending_one(session, world):
    registration.update_area(session, world.contact, world.area.id, geometry_data=square(*NEW_AT))
    registration.update_area(session, world.contact, world.area.id, geometry_data=square(NEW_AT[0] + 0.01, NEW_AT[1]))
    [change] = _changes(session, world.area.id)
    assert change.min_lon == pytest.approx(NEW_AT[0] + 0.01)


def test_reject_keeps_outline_and_tells_why(session, world, client, auth):
    registration.update_area(session, world.contact, world.area.id, geometry_data=square(*NEW_AT))
    police = world.people["police_same"]
    for reason in ("", "   ", "x" * 501):
        with pytest.raises(ServiceError) as err:
            outline.reject_change(session, police, world.area.id, reason=reason)
        assert err.value.details["field"] == "reason"
        session.rollback()
        assert _changes(session, world.area.id)[0].status == OutlineChangeStatus.pending
    outline.reject_change(session, police, world.area.id, reason="Går in i grannområdet")
    change = _changes(session, world.area.id)[0]
    assert change.status == OutlineChangeStatus.rejected and change.reason == "Går in i grannområdet"
    assert session.get(Area, world.area.id).min_lon == NYKOPING[0]
    auth.as_user(world.contact)
    page = client.get(f"/areas/{world.area.id}").get_data(as_text=True)
    assert "Går in i grannområdet" in page


def test_police_and_admin_edits_apply_at_once(session, world):
    registration.update_area(session, world.people["police_same"], world.area.id, geometry_data=square(*NEW_AT))
    assert session.get(Area, world.area.id).min_lon == NEW_AT[0] and _changes(session, world.area.id) == []
    registration.update_area(session, world.people["admin"], world.area.id, geometry_data=square(*NYKOPING))
    assert session.get(Area, world.area.id).min_lon == NYKOPING[0] and _changes(session, world.area.id) == []


def test_bad_outline_proposes_nothing(session, world):
    with pytest.raises(ServiceError) as err:
        registration.update_area(session, world.contact, world.area.id, name="Nytt", geometry_data={"type": "Point", "coordinates": [17, 58]})
    assert err.value.code.startswith("geometry_")
    session.rollback()
    assert _changes(session, world.area.id) == [] and session.get(Area, world.area.id).name == "Hamnen"


def test_archive_withdraws_and_contact_can_withdraw(session, world):
    registration.update_area(session, world.contact, world.area.id, geometry_data=square(*NEW_AT))
    outline.withdraw_change(session, world.contact, world.area.id)
    assert _changes(session, world.area.id)[0].status == OutlineChangeStatus.withdrawn
    with pytest.raises(NotFound):
        outline.withdraw_change(session, world.contact, world.area.id)
    registration.update_area(session, world.contact, world.area.id, geometry_data=square(*NEW_AT))
    registration.archive_area(session, world.contact, world.area.id)
    assert {c.status for c in _changes(session, world.area.id)} == {OutlineChangeStatus.withdrawn}
    assert outline.change_queue(session, world.people["admin"]) == []


def test_api_patch_reports_pending_outline(client, auth, session, world):
    auth.as_user(world.contact)
    r = client.patch(f"/api/v1/areas/{world.area.id}", json={"name": "Hamnen Syd", "geometry": square(*NEW_AT)})
    assert r.status_code == 200
    props = r.get_json()["properties"]
    assert props["name"] == "Hamnen Syd" and r.get_json()["bbox"][0] == NYKOPING[0]
    assert props["outline_change"]["status"] == "pending" and props["outline_change"]["bbox"][0] == NEW_AT[0]
    r = client.get(f"/api/v1/areas/{world.area.id}/outline-change")
    assert r.status_code == 200 and r.get_json()["geometry"]["coordinates"][0][0] == list(NEW_AT)
    auth.as_user(world.people["member"])
    assert "outline_change" not in client.get(f"/api/v1/areas/{world.area.id}").get_json()["properties"] or \
        client.get(f"/api/v1/areas/{world.area.id}").get_json()["properties"]["outline_change"] is None
    assert client.get(f"/api/v1/areas/{world.area.id}/outline-change").status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_api_decide_access(client, auth, session, world, role):
    registration.update_area(session, world.contact, world.area.id, geometry_data=square(*NEW_AT))
    login_as(auth, world.people, role)
    queue = client.get("/api/v1/areas/outline-changes")
    if role == "anonymous":
        assert queue.status_code == 401
    else:
        listed = [c["area_id"] for c in queue.get_json()["items"]]
        assert listed == ([world.area.id] if role in ("police_same", "admin") else [])
    r = client.post(f"/api/v1/areas/{world.area.id}/outline-change/reject", json={"reason": "Nej"})
    expect_status(role, {"police_same", "admin"}, r.status_code)
    status = _changes(session, world.area.id)[0].status
    assert status == (OutlineChangeStatus.rejected if role in ("police_same", "admin") else OutlineChangeStatus.pending)


@pytest.mark.parametrize("role", ["member", "contact", "police_other", "police_same"])
def test_api_approve_access(client, auth, session, world, role):
    registration.update_area(session, world.contact, world.area.id, geometry_data=square(*NEW_AT))
    login_as(auth, world.people, role)
    r = client.post(f"/api/v1/areas/{world.area.id}/outline-change/approve")
    expect_status(role, {"police_same"}, r.status_code)
    session.expire_all()
    assert session.get(Area, world.area.id).min_lon == (NEW_AT[0] if role == "police_same" else NYKOPING[0])
    if role == "police_same":
        assert r.get_json()["bbox"][0] == NEW_AT[0]
        assert client.post(f"/api/v1/areas/{world.area.id}/outline-change/approve").status_code == 404


def test_api_reject_needs_reason(client, auth, session, world):
    registration.update_area(session, world.contact, world.area.id, geometry_data=square(*NEW_AT))
    auth.as_user(world.people["police_same"])
    r = client.post(f"/api/v1/areas/{world.area.id}/outline-change/reject", json={"reason": ""})
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "validation_error"
    assert _changes(session, world.area.id)[0].status == OutlineChangeStatus.pending


def test_html_edit_queue_and_decide(client, auth, session, world):
    auth.as_user(world.contact)
    r = client.post(f"/areas/{world.area.id}/edit", data={"name": "Hamnen", "municipality": "Nyköping",
                                                         "geometry": json.dumps(square(*NEW_AT))}, follow_redirects=True)
    assert r.status_code == 200 and _changes(session, world.area.id)[0].status == OutlineChangeStatus.pending
    assert session.get(Area, world.area.id).min_lon == NYKOPING[0]
    page = client.get(f"/areas/{world.area.id}").get_data(as_text=True)
    assert 'id="outline-change"' in page and 'id="outline-approve"' not in page and '"proposed":' in page
    auth.as_user(world.people["member"])
    assert 'id="outline-change"' not in client.get(f"/areas/{world.area.id}").get_data(as_text=True)
    police = auth.as_user(world.people["police_same"])
    queue = client.get("/areas/queue").get_data(as_text=True)
    assert 'id="outline-queue"' in queue and "Hamnen" in queue
    assert "(2)" in client.get("/areas/").get_data(as_text=True)  # the pending area and the new outline
    assert 'id="outline-approve"' in client.get(f"/areas/{world.area.id}").get_data(as_text=True)
    client.post(f"/areas/{world.area.id}/outline/reject", data={"outline-reason": ""})
    assert _changes(session, world.area.id)[0].status == OutlineChangeStatus.pending
    assert client.post(f"/areas/{world.area.id}/outline/approve").status_code == 302
    session.expire_all()
    assert session.get(Area, world.area.id).min_lon == NEW_AT[0]
    assert _changes(session, world.area.id)[0].decided_by_id == police.id


def test_html_member_cannot_decide(client, auth, session, world):
    registration.update_area(session, world.contact, world.area.id, geometry_data=square(*NEW_AT))
    for role in ("member", "contact", "police_other"):
        auth.as_user(world.people[role])
        client.post(f"/areas/{world.area.id}/outline/approve")
        client.post(f"/areas/{world.area.id}/outline/reject", data={"outline-reason": "Nej"})
    assert _changes(session, world.area.id)[0].status == OutlineChangeStatus.pending
    assert session.get(Area, world.area.id).min_lon == NYKOPING[0]
