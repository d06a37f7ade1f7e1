"""The household roster: JSON API and the edit page; opted-out households keep no contact details."""
from __future__ import annotations

import pytest
from sqlmodel import select

from watch.areas.households import service as households
from watch.areas.models import Household
from watch.core.errors import ServiceError

from .conftest import NYKOPING, ROLES, expect_status, login_as

ROSTER_KEEPERS = {"contact", "admin"}


def _rows(session):
    session.expire_all()
    return session.exec(select(Household).order_by(Household.id)).all()


@pytest.fixture
def eva(session, hood):
    """A participating household with contact details."""
    return households.add_household(session, hood.contact, hood.area.id, address="Storgatan 12", contact_name="Eva",
                                    contact_phone="070-123 45 67")


@pytest.mark.parametrize("role", ROLES)
def test_api_access(client, auth, hood, eva, role):
    login_as(auth, hood.people, role)
    base = f"/api/v1/areas/{hood.area.id}/households"
    expect_status(role, ROSTER_KEEPERS, client.get(base).status_code)
    expect_status(role, ROSTER_KEEPERS, client.get(f"{base}/{eva.id}").status_code)
    expect_status(role, ROSTER_KEEPERS, client.post(base, json={"address": "Storgatan 16"}).status_code, ok=201)
    expect_status(role, ROSTER_KEEPERS, client.patch(f"{base}/{eva.id}", json={"contact_name": "Eva B"}).status_code)
    expect_status(role, ROSTER_KEEPERS, client.delete(f"{base}/{eva.id}").status_code)


@pytest.mark.parametrize("role", ["member", "police_same", "non_member"])
def test_api_refusals_change_nothing(client, auth, session, hood, eva, role):
    login_as(auth, hood.people, role)
    base = f"/api/v1/areas/{hood.area.id}/households"
    client.post(base, json={"address": "Storgatan 16"})
    client.patch(f"{base}/{eva.id}", json={"participates": False})
    client.delete(f"{base}/{eva.id}")
    assert [(h.address, h.contact_name) for h in _rows(session)] == [("Storgatan 12", "Eva")]


def test_api_crud(client, auth, session, hood, eva):
    auth.as_user(hood.contact)
    base = f"/api/v1/areas/{hood.area.id}/households"
    r = client.post(base, json={"address": " Storgatan  14 ", "participates": False, "contact_name": "Olle", "contact_phone": "070-000 00 00"})
    assert r.status_code == 201 and r.headers["Location"].endswith(f"{base}/{r.get_json()['id']}")
    body = r.get_json()
    assert body["address"] == "Storgatan 14" and body["contact_name"] is None and body["contact_phone"] is None
    assert body["keeper_id"] == hood.contact.id
    assert [h["address"] for h in client.get(base).get_json()["items"]] == ["Storgatan 12", "Storgatan 14"]
    # Opting out erases the contact details; sending them along does not bring them back.
    r = client.patch(f"{base}/{eva.id}", json={"participates": False, "contact_name": "Eva igen"})
    assert r.status_code == 200 and r.get_json()["contact_name"] is None and r.get_json()["contact_phone"] is None
    r = client.patch(f"{base}/{eva.id}", json={"contact_phone": "070-999 99 99"})
    assert r.get_json()["contact_phone"] is None  # still opted out
    r = client.patch(f"{base}/{eva.id}", json={"participates": True, "contact_name": "Eva", "address": "Storgatan 12 A"})
    body = r.get_json()
    assert (body["participates"], body["contact_name"], body["address"]) == (True, "Eva", "Storgatan 12 A")
    assert client.delete(f"{base}/{eva.id}").status_code == 200
    assert client.get(f"{base}/{eva.id}").status_code == 404
    assert [h.address for h in _rows(session)] == ["Storgatan 14"]


@pytest.mark.parametrize("body,field", [
    ({"address": ""}, "address"), ({"address": None}, "address"), ({"participates": None}, "participates"),
    ({"contact_phone": "ring mig"}, "contact_phone"), ({"contact_phone": "0" * 40}, "contact_phone"),
    ({"contact_name": "x" * 81}, "contact_name"),
])
def test_api_bad_patch_changes_nothing(client, auth, session, hood, eva, body, field):
    auth.as_user(hood.contact)
    r = client.patch(f"/api/v1/areas/{hood.area.id}/households/{eva.id}", json=body)
    assert r.status_code == 422, r.get_json()
    assert field in str(r.get_json()["error"])
    h = _rows(session)[0]
    assert (h.address, h.participates, h.contact_name, h.contact_phone) == ("Storgatan 12", True, "Eva", "070-123 45 67")


def test_api_bad_create_and_wrong_area(client, auth, session, hood, eva, make_area):
    auth.as_user(hood.contact)
    base = f"/api/v1/areas/{hood.area.id}/households"
    assert client.post(base, json={"participates": True}).status_code == 422
    assert client.post(base, json={"address": "X 1", "contact_phone": "1-2-3"}).status_code == 422
    assert client.post(base, json={"address": "X 1", "keeper_id": hood.people["member"].id}).status_code == 422
    assert client.post(base, data="address=X").status_code == 415
    assert len(_rows(session)) == 1
    other = make_area(contact=hood.contact, at=(NYKOPING[0] + 0.3, NYKOPING[1]), name="Annan gata")
    assert client.get(f"/api/v1/areas/{other.id}/households/{eva.id}").status_code == 404
    assert client.delete(f"/api/v1/areas/{other.id}/households/{eva.id}").status_code == 404
    assert client.get(f"/api/v1/areas/{hood.area.id}/households/999999").status_code == 404


def test_boat_watch_has_no_roster(client, auth, world):
    auth.as_user(world.contact)
    r = client.get(f"/api/v1/areas/{world.area.id}/households")
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "not_neighbourhood_watch"


def test_service_rejects_non_bool_participation(session, hood, eva):
    with pytest.raises(ServiceError) as err:
        households.update_household(session, hood.contact, hood.area.id, eva.id, participates="no")
    assert err.value.details["field"] == "participates"


@pytest.mark.parametrize("role", ROLES)
def test_html_edit_access(client, auth, hood, eva, role):
    login_as(auth, hood.people, role)
    status = client.get(f"/areas/{hood.area.id}/households/{eva.id}/edit").status_code
    assert status == (302 if role == "anonymous" else 200 if role in ROSTER_KEEPERS else 403)


def test_html_edit(client, auth, session, hood, eva):
    auth.as_user(hood.contact)
    url = f"/areas/{hood.area.id}/households/{eva.id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert 'value="Storgatan 12"' in page and 'value="Eva"' in page
    assert url in client.get(f"/areas/{hood.area.id}/households").get_data(as_text=True)
    r = client.post(url, data={"address": "Storgatan 12", "participates": "y", "contact_name": "Eva", "contact_phone": "ring mig"})
    assert r.status_code == 422
    assert _rows(session)[0].contact_phone == "070-123 45 67"
    r = client.post(url, data={"address": "Storgatan 12 B", "participates": "y", "contact_name": "Eva Ek", "contact_phone": "0155-12 34 56"})
    assert r.status_code == 302
    h = _rows(session)[0]
    assert (h.address, h.contact_name, h.contact_phone) == ("Storgatan 12 B", "Eva Ek", "0155-12 34 56")
    r = client.post(url, data={"address": "Storgatan 12 B", "contact_name": "Eva Ek", "contact_phone": "0155-12 34 56"})
    assert r.status_code == 302
    h = _rows(session)[0]
    assert not h.participates and h.contact_name is None and h.contact_phone is None
    assert client.get(f"/areas/{hood.area.id}/households/999999/edit").status_code == 404
