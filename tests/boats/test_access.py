"""Who may see and change a boat: its owner, the area's contacts and police, admins."""
from __future__ import annotations

import pytest

from tests.areas.conftest import ROLES, login_as


def _login(auth, world, role):
    return login_as(auth, world.people, role)


@pytest.mark.parametrize("role", ROLES)
def test_boat_visibility(client, auth, world, role):
    """A boat: its owner, the area's contacts and police, admins; never other members."""
    _login(auth, world, role)
    allowed = {"contact", "police_same", "admin"}
    r = client.get(f"/api/v1/areas/boats/{world.boat.id}")
    assert r.status_code == (200 if role in allowed else 401 if role == "anonymous" else 404)
    r = client.get(f"/api/v1/areas/{world.area.id}/boats")
    if role in allowed:
        assert [b["name"] for b in r.get_json()["items"]] == ["Vega"]
        assert r.get_json()["items"][0]["engines"][0]["serial_number"] == "6AU-123456"
    elif role in ("member", "non_member", "police_other"):
        assert r.status_code == 200 and r.get_json()["items"] == []
    html = client.get(f"/areas/boats/{world.boat.id}")
    assert html.status_code == (200 if role in allowed else 302 if role == "anonymous" else 404)


@pytest.mark.parametrize("role", ["member", "non_member", "police_other", "contact", "police_same"])
def test_only_owner_changes_boat(client, auth, world, role):
    _login(auth, world, role)
    r = client.patch(f"/api/v1/areas/boats/{world.boat.id}", json={"name": "Stulen"})
    assert r.status_code == (403 if role in ("contact", "police_same") else 404)
    r = client.post(f"/api/v1/areas/boats/{world.boat.id}/engines", json={"make": "Fake"})
    assert r.status_code == (403 if role in ("contact", "police_same") else 404)


def test_member_cannot_see_another_areas_boats(client, auth, world, make_area, make_user, add_member, session):
    from watch.areas.models import AreaKind

    other_contact = make_user()
    other = make_area(kind=AreaKind.batsamverkan, contact=other_contact, at=(17.2, 58.7), name="Annan hamn")
    auth.as_user(other_contact)  # a contact elsewhere is nobody here
    assert client.get(f"/api/v1/areas/boats/{world.boat.id}").status_code == 404
    assert client.get(f"/api/v1/areas/{world.area.id}/boats").get_json()["items"] == []
    assert client.get(f"/api/v1/areas/{other.id}/boats").status_code == 200


@pytest.mark.parametrize("role,recorded", [("police_same", True), ("admin", True), ("contact", False)])
def test_police_and_admin_views_of_the_register_and_a_boat_are_in_the_access_log(client, auth, session, world, role, recorded):
    """Issue 9.14: the boat register (page and API) and a boat's page are access-logged for police and admins."""
    from sqlmodel import select

    from watch.audit.models import AccessRecord

    viewer = auth.as_user(world.people[role])
    assert client.get(f"/areas/{world.area.id}/boats").status_code == 200
    assert client.get(f"/api/v1/areas/{world.area.id}/boats").status_code == 200
    assert client.get(f"/areas/boats/{world.boat.id}").status_code == 200
    assert client.get(f"/api/v1/areas/boats/{world.boat.id}").status_code == 200
    session.expire_all()
    rows = [(r.actor_id, r.kind, r.object_id, r.owner_id) for r in session.exec(select(AccessRecord).order_by(AccessRecord.id))]
    expected = [(viewer.id, "boat_register", world.area.id, None)] * 2 + [(viewer.id, "boat", world.boat.id, world.owner.id)] * 2
    assert rows == (expected if recorded else [])
