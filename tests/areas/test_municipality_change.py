"""Moving an active area to another municipality is a proposal (issue 9.1): the new municipality's police or
an admin decide; until then the area, its boat register and edit rights follow the old municipality."""
from __future__ import annotations

import re

import pytest
from sqlmodel import select

from tests.conftest import Auth
from watch.areas.geometry import outline
from watch.areas.registration import service as registration
from watch.areas.models import Area, AreaOutlineChange, OutlineChangeStatus
from watch.core.errors import Forbidden

from .conftest import MUNICIPALITY, NYKOPING, square

NEW = "Oxelösund"


@pytest.fixture
def as_(app):
    """as_(user) -> a test client logged in as that user."""

    def make(user):
        client = app.test_client()
        Auth(client).as_user(user)
        return client

    return make


def _area(session, area_id) -> Area:
    session.expire_all()
    return session.get(Area, area_id)


def _changes(session, area_id) -> list[AreaOutlineChange]:
    session.expire_all()
    return list(session.exec(select(AreaOutlineChange).where(AreaOutlineChange.area_id == area_id)))


@pytest.fixture(autouse=True)
def _a_boat(session, world):
    from watch.boats import service as boats

    boats.register_boat(session, world.owner, world.area.id, name="Bos snipa")


def _access(as_, world, area_id) -> dict[str, tuple[int, int]]:
    """(boats seen in the register, status of an edit) for the police of both municipalities."""
    out = {}
    for role in ("police_same", "police_other"):
        client = as_(world.people[role])
        out[role] = (len(client.get(f"/api/v1/areas/{area_id}/boats").json["items"]),
                     client.patch(f"/api/v1/areas/{area_id}", json={"description": f"Sett av {role}"}).status_code)
    return out


OLD_ACCESS = {"police_same": (1, 200), "police_other": (0, 403)}
NEW_ACCESS = {"police_same": (0, 403), "police_other": (1, 200)}


def test_contact_moves_an_active_area_through_the_api_and_the_new_police_approve(session, world, as_):
    area_id = world.area.id
    contact = as_(world.contact)
    response = contact.patch(f"/api/v1/areas/{area_id}", json={"municipality": NEW, "name": "Hamnen Västra"})
    assert response.status_code == 200
    props = response.json["properties"]
    assert props["municipality"] == MUNICIPALITY and props["name"] == "Hamnen Västra"  # the name at once, not the move
    assert props["outline_change"]["municipality"] == NEW and props["outline_change"]["status"] == "pending"
    assert props["outline_change"]["outline_changed"] is False
    assert _area(session, area_id).municipality == MUNICIPALITY
    assert _access(as_, world, area_id) == OLD_ACCESS  # access follows the old value until decided

    # The queue: the new municipality's police see it, the old one's do not.
    new_police, old_police = as_(world.people["police_other"]), as_(world.people["police_same"])
    assert [c["area_id"] for c in new_police.get("/api/v1/areas/outline-changes").json["items"]] == [area_id]
    assert old_police.get("/api/v1/areas/outline-changes").json["items"] == []
    assert new_police.get(f"/api/v1/areas/{area_id}/outline-change").json["municipality"] == NEW
    assert new_police.get(f"/api/v1/areas/{area_id}").json["properties"]["outline_change"]["municipality"] == NEW

    # The old municipality's police may not decide it either way.
    for path, body in (("approve", None), ("reject", {"reason": "Vi vill behålla den"})):
        refused = old_police.post(f"/api/v1/areas/{area_id}/outline-change/{path}", json=body)
        assert refused.status_code == 403 and refused.json["error"]["code"] == "area_forbidden"
    assert _changes(session, area_id)[0].status == OutlineChangeStatus.pending
    assert _area(session, area_id).municipality == MUNICIPALITY

    approved = new_police.post(f"/api/v1/areas/{area_id}/outline-change/approve")
    assert approved.status_code == 200 and approved.json["properties"]["municipality"] == NEW
    area = _area(session, area_id)
    assert area.municipality == NEW and area.min_lon == NYKOPING[0]  # the outline did not move
    [change] = _changes(session, area_id)
    assert change.status == OutlineChangeStatus.approved and change.decided_by_id == world.people["police_other"].id
    assert _access(as_, world, area_id) == NEW_ACCESS


def test_contact_moves_an_active_area_through_the_html_form_and_an_admin_approves(session, world, as_):
    area_id = world.area.id
    contact = as_(world.contact)
    form = contact.get(f"/areas/{area_id}/edit").get_data(as_text=True)
    assert 'id="municipality-needs-approval"' in form
    response = contact.post(f"/areas/{area_id}/edit", data={"name": "Hamnen", "municipality": NEW, "description": "", "geometry": ""},
                            follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"Flytten till {NEW} väntar på godkännande av polisen i {NEW}" in page
    assert f"Flytt till {NEW} väntar på godkännande" in page
    assert _area(session, area_id).municipality == MUNICIPALITY
    assert _access(as_, world, area_id) == OLD_ACCESS
    # The edit form shows the move asked for, and how to take it back.
    form = contact.get(f"/areas/{area_id}/edit").get_data(as_text=True)
    assert re.search(rf'<option selected value="{NEW}">|<option value="{NEW}" selected>', form)
    assert f"välj {MUNICIPALITY} för att ta tillbaka den" in form

    # The old municipality's police see the proposal but get no buttons, and a forged post is refused.
    old_police = as_(world.people["police_same"])
    assert 'id="outline-approve"' not in old_police.get(f"/areas/{area_id}").get_data(as_text=True)
    refused = old_police.post(f"/areas/{area_id}/outline/approve", follow_redirects=True)
    assert "Du har inte behörighet att göra det i det här området." in refused.get_data(as_text=True)
    assert _area(session, area_id).municipality == MUNICIPALITY

    queue = as_(world.people["police_other"]).get("/areas/queue").get_data(as_text=True)
    assert f"flytt från {MUNICIPALITY} till {NEW}" in queue
    admin = as_(world.people["admin"])
    assert 'id="outline-approve"' in admin.get(f"/areas/{area_id}").get_data(as_text=True)
    done = admin.post(f"/areas/{area_id}/outline/approve", follow_redirects=True)
    assert done.status_code == 200
    assert _area(session, area_id).municipality == NEW
    assert _access(as_, world, area_id) == NEW_ACCESS


def test_new_police_reject_through_the_html_form_and_the_contact_sees_why(session, world, as_):
    area_id = world.area.id
    as_(world.contact).patch(f"/api/v1/areas/{area_id}", json={"municipality": NEW})
    new_police = as_(world.people["police_other"])
    page = new_police.get(f"/areas/{area_id}").get_data(as_text=True)
    assert 'id="outline-approve"' in page and "Godkänn flytten" in page
    new_police.post(f"/areas/{area_id}/outline/reject", data={"outline-reason": "Hamnen ligger i Nyköping"})
    [change] = _changes(session, area_id)
    assert change.status == OutlineChangeStatus.rejected and change.reason == "Hamnen ligger i Nyköping"
    assert _area(session, area_id).municipality == MUNICIPALITY
    assert _access(as_, world, area_id) == OLD_ACCESS
    page = as_(world.contact).get(f"/areas/{area_id}").get_data(as_text=True)
    assert f"Polisen godkände inte flytten till {NEW}" in page and "Hamnen ligger i Nyköping" in page


def test_the_service_refuses_the_old_police_and_takes_a_move_back(session, world):
    area_id = world.area.id
    registration.update_area(session, world.contact, area_id, municipality="oxelösunds kommun")
    [change] = _changes(session, area_id)
    assert change.municipality == NEW and change.outline_changed is False
    with pytest.raises(Forbidden):
        outline.approve_change(session, world.people["police_same"], area_id)
    session.rollback()
    with pytest.raises(Forbidden):
        outline.reject_change(session, world.people["police_same"], area_id, reason="Nej")
    session.rollback()
    # Choosing the old municipality again takes the proposal back.
    registration.update_area(session, world.contact, area_id, municipality=MUNICIPALITY)
    assert [c.status for c in _changes(session, area_id)] == [OutlineChangeStatus.withdrawn]
    assert _area(session, area_id).municipality == MUNICIPALITY


def test_a_move_and_a_new_outline_are_one_proposal(session, world):
    area_id = world.area.id
    new_at = (NYKOPING[0] + 0.02, NYKOPING[1])
    registration.update_area(session, world.contact, area_id, geometry_data=square(*new_at))
    registration.update_area(session, world.contact, area_id, municipality=NEW)
    [change] = _changes(session, area_id)
    assert change.outline_changed and change.municipality == NEW
    with pytest.raises(Forbidden):  # a move is the new municipality's decision, outline and all
        outline.approve_change(session, world.people["police_same"], area_id)
    session.rollback()
    outline.approve_change(session, world.people["police_other"], area_id)
    area = _area(session, area_id)
    assert area.municipality == NEW and area.min_lon == pytest.approx(new_at[0])


def test_old_police_moving_the_area_also_wait_for_the_new_police(session, world):
    registration.update_area(session, world.people["police_same"], world.area.id, municipality=NEW)
    assert _area(session, world.area.id).municipality == MUNICIPALITY
    assert _changes(session, world.area.id)[0].municipality == NEW


def test_admin_and_pending_areas_change_at_once(session, world, as_):
    contact = as_(world.contact)
    assert contact.patch(f"/api/v1/areas/{world.pending.id}", json={"municipality": NEW}).json["properties"]["municipality"] == NEW
    assert _changes(session, world.pending.id) == []
    admin = as_(world.people["admin"])
    assert admin.patch(f"/api/v1/areas/{world.area.id}", json={"municipality": NEW}).json["properties"]["municipality"] == NEW
    assert _changes(session, world.area.id) == []


@pytest.mark.parametrize("value", ["Atlantis", "", "  "])
def test_an_unknown_municipality_writes_nothing(session, world, as_, value):
    response = as_(world.contact).patch(f"/api/v1/areas/{world.area.id}", json={"municipality": value, "name": "Nytt namn"})
    assert response.status_code == 422
    assert _changes(session, world.area.id) == []
    assert _area(session, world.area.id).name == "Hamnen"
