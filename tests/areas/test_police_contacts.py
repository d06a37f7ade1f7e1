"""An area's police contacts: added and removed by the municipality's police and admins, named to its people."""
from __future__ import annotations

import pytest
from sqlmodel import select

from watch.areas.police import service as police
from watch.areas.models import AreaMembership, AreaRole
from watch.areas.service import area_audience
from watch.core.errors import NotFound, ServiceError

from .conftest import MUNICIPALITY, ROLES, expect_status, login_as


def _police_ids(session, area_id):
    session.expire_all()
    return sorted(m.user_id for m in session.exec(select(AreaMembership).where(AreaMembership.area_id == area_id,
                                                                                AreaMembership.role == AreaRole.police)))


@pytest.fixture
def officer(make_user):
    """A second police user of the area's municipality."""
    return make_user(police=True, municipality=" nyköping", name="Kommunpolis Berg")


@pytest.mark.parametrize("role", ROLES)
def test_api_add_access(client, auth, session, world, officer, role):
    login_as(auth, world.people, role)
    r = client.post(f"/api/v1/areas/{world.area.id}/police", json={"user_id": officer.id})
    expect_status(role, {"police_same", "admin"}, r.status_code, ok=201)
    if r.status_code == 201:
        assert r.headers["Location"].endswith(f"/areas/{world.area.id}/police")
        assert [p["display_name"] for p in r.get_json()["items"]] == ["Kommunpolis Berg"]
    assert _police_ids(session, world.area.id) == ([officer.id] if role in ("police_same", "admin") else [])


def test_added_police_hear_the_area(session, world, officer):
    police.add_police_contact(session, world.people["police_same"], world.area.id, user_id=officer.id)
    assert (officer.id, world.area.id, AreaRole.police) in area_audience(session, [world.area.id])


@pytest.mark.parametrize("who,code,status", [
    ("member", "not_police", 422), ("police_other", "not_police", 422), ("nobody", "not_police", 422),
])
def test_only_police_of_the_municipality(session, world, who, code, status):
    user_id = 999_999 if who == "nobody" else world.people[who].id
    with pytest.raises(ServiceError) as err:
        police.add_police_contact(session, world.people["admin"], world.area.id, user_id=user_id)
    assert (err.value.code, err.value.status) == (code, status)
    session.rollback()
    assert _police_ids(session, world.area.id) == []
    assert session.exec(select(AreaMembership).where(AreaMembership.user_id == world.people["member"].id)).one().role == AreaRole.member


def test_twice_and_last_contact(session, world, officer, make_user):
    police.add_police_contact(session, world.people["admin"], world.area.id, user_id=officer.id)
    with pytest.raises(ServiceError) as err:
        police.add_police_contact(session, world.people["admin"], world.area.id, user_id=officer.id)
    assert err.value.status == 409
    session.rollback()
    # The area's only contact representative is also a police officer: she cannot stop being its contact this way.
    world.contact.is_police, world.contact.municipality = True, MUNICIPALITY
    session.add(world.contact)
    session.commit()
    with pytest.raises(ServiceError) as err:
        police.add_police_contact(session, world.people["admin"], world.area.id, user_id=world.contact.id)
    assert err.value.code == "last_contact"


def test_remove_keeps_at_least_one(client, auth, session, world, officer):
    admin = world.people["admin"]
    police.add_police_contact(session, admin, world.area.id, user_id=officer.id)
    auth.as_user(world.people["police_same"])
    r = client.delete(f"/api/v1/areas/{world.area.id}/police/{officer.id}")
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "last_police_contact"
    police.add_police_contact(session, admin, world.area.id, user_id=world.people["police_same"].id)
    assert client.delete(f"/api/v1/areas/{world.area.id}/police/{world.people['member'].id}").status_code == 404
    r = client.delete(f"/api/v1/areas/{world.area.id}/police/{officer.id}")
    assert r.status_code == 200 and [p["user_id"] for p in r.get_json()["items"]] == [world.people["police_same"].id]
    with pytest.raises(NotFound):
        police.remove_police_contact(session, admin, world.area.id, user_id=officer.id)


@pytest.mark.parametrize("role", ["member", "contact", "police_other", "non_member"])
def test_remove_access(client, auth, session, world, officer, role):
    for u in (officer, world.people["police_same"]):
        police.add_police_contact(session, world.people["admin"], world.area.id, user_id=u.id)
    login_as(auth, world.people, role)
    r = client.delete(f"/api/v1/areas/{world.area.id}/police/{officer.id}")
    expect_status(role, set(), r.status_code)
    assert officer.id in _police_ids(session, world.area.id)


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_the_police_contacts(client, auth, session, world, officer, role):
    police.add_police_contact(session, world.people["admin"], world.area.id, user_id=officer.id)
    login_as(auth, world.people, role)
    r = client.get(f"/api/v1/areas/{world.area.id}/police")
    seers = {"member", "contact", "police_same", "admin"}
    expect_status(role, seers, r.status_code)
    if r.status_code == 200:
        assert r.get_json()["items"][0] == {"user_id": officer.id, "display_name": "Kommunpolis Berg",
                                            "since": r.get_json()["items"][0]["since"]}
    page = client.get(f"/areas/{world.area.id}")
    if role != "anonymous":
        assert ("Kommunpolis Berg" in page.get_data(as_text=True)) == (role in seers)
        assert ('id="police-contact-form"' in page.get_data(as_text=True)) == (role in ("police_same", "admin"))


def test_html_add_and_remove(client, auth, session, world, officer):
    auth.as_user(world.people["member"])
    client.post(f"/areas/{world.area.id}/police", data={"user_id": officer.id})
    assert _police_ids(session, world.area.id) == []
    auth.as_user(world.contact)
    assert client.post(f"/areas/{world.area.id}/police", data={"user_id": officer.id}).status_code == 403
    auth.as_user(world.people["police_same"])
    page = client.get(f"/areas/{world.area.id}").get_data(as_text=True)
    assert "Kommunpolis Berg" in page and "Polis Oxelösund" not in page  # only the municipality's police are offered
    client.post(f"/areas/{world.area.id}/police", data={"user_id": world.people["police_other"].id})
    assert _police_ids(session, world.area.id) == []
    assert client.post(f"/areas/{world.area.id}/police", data={"user_id": officer.id}).status_code == 302
    assert client.post(f"/areas/{world.area.id}/police", data={"user_id": world.people["police_same"].id}).status_code == 302
    assert _police_ids(session, world.area.id) == sorted([officer.id, world.people["police_same"].id])
    client.post(f"/areas/{world.area.id}/police/{officer.id}/remove")
    assert _police_ids(session, world.area.id) == [world.people["police_same"].id]
    client.post(f"/areas/{world.area.id}/police/{world.people['police_same'].id}/remove")  # the last one stays
    assert _police_ids(session, world.area.id) == [world.people["police_same"].id]


def test_api_bad_body(client, auth, world):
    auth.as_user(world.people["admin"])
    assert client.post(f"/api/v1/areas/{world.area.id}/police", json={"user_id": "x"}).status_code == 422
    assert client.post(f"/api/v1/areas/{world.area.id}/police", data="user_id=1").status_code == 415
    assert client.post("/api/v1/areas/999999/police", json={"user_id": 1}).status_code == 404
