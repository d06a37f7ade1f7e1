"""Who may see and do what, per role: one helper (get_area_for) behind HTML, API and map."""
from __future__ import annotations

import pytest

from watch.areas.service import get_area_for
from watch.core.errors import Forbidden, NotFound

from .conftest import ROLES

# need -> roles allowed on the ACTIVE area; others get Forbidden, or NotFound if they may not even view it.
ALLOWED = {
    "view": {"non_member", "member", "contact", "police_same", "police_other", "admin"},
    "edit": {"contact", "police_same", "admin"},
    "approve": {"police_same", "admin"},
    "members": {"contact", "admin"},
    "boats": {"contact", "police_same", "admin"},
}
PENDING_VISIBLE = {"contact", "police_same", "admin"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("need", list(ALLOWED))
def test_get_area_for_active(session, world, role, need):
    user = world.people[role]
    if role in ALLOWED[need]:
        assert get_area_for(session, user, world.area.id, need=need).id == world.area.id
    else:
        with pytest.raises(NotFound if role not in ALLOWED["view"] else Forbidden):
            get_area_for(session, user, world.area.id, need=need)


@pytest.mark.parametrize("role", ROLES)
def test_pending_area_hidden(session, world, role):
    user = world.people[role]
    if role in PENDING_VISIBLE:
        assert get_area_for(session, user, world.pending.id).id == world.pending.id
    else:
        with pytest.raises(NotFound):
            get_area_for(session, user, world.pending.id)


def test_unknown_area_is_not_found(session, world):
    with pytest.raises(NotFound):
        get_area_for(session, world.people["admin"], 999_999)


def _login(auth, world, role):
    if world.people[role] is not None:
        auth.as_user(world.people[role])


def _expect(role, allowed, status, ok=200):
    if role == "anonymous":
        assert status == 401
    elif role in allowed:
        assert status == ok, status
    elif role in ALLOWED["view"]:
        assert status == 403, status
    else:
        assert status == 404, status


@pytest.mark.parametrize("role", ROLES)
def test_api_view_edit_members(client, auth, world, role):
    _login(auth, world, role)
    _expect(role, ALLOWED["view"], client.get(f"/api/v1/areas/{world.area.id}").status_code)
    _expect(role, ALLOWED["members"], client.get(f"/api/v1/areas/{world.area.id}/members").status_code)
    _expect(role, ALLOWED["members"], client.get(f"/api/v1/areas/{world.area.id}/join-requests").status_code)
    _expect(role, ALLOWED["members"], client.post(f"/api/v1/areas/{world.area.id}/invites", json={}).status_code, ok=201)
    _expect(role, ALLOWED["edit"], client.patch(f"/api/v1/areas/{world.area.id}", json={"description": "Ny text"}).status_code)


@pytest.mark.parametrize("role", ROLES)
def test_api_approve_and_train(client, auth, world, role, session):
    _login(auth, world, role)
    pending_status = client.post(f"/api/v1/areas/{world.pending.id}/trained", json={"user_id": world.contact.id}).status_code
    if role in PENDING_VISIBLE - {"contact"}:
        assert pending_status == 200
    elif role == "contact":
        assert pending_status == 403  # she may not certify her own training
    else:
        assert pending_status == (401 if role == "anonymous" else 404)
    status = client.post(f"/api/v1/areas/{world.pending.id}/approve").status_code
    if role in ("police_same", "admin"):
        assert status == 200
    elif role == "contact":
        assert status == 403
    else:
        assert status == (401 if role == "anonymous" else 404)


@pytest.mark.parametrize("role", ROLES)
def test_html_pages(client, auth, world, role):
    _login(auth, world, role)
    pages = {
        f"/areas/{world.area.id}": ALLOWED["view"],
        f"/areas/{world.area.id}/edit": ALLOWED["edit"],
        f"/areas/{world.area.id}/members": ALLOWED["members"],
        f"/areas/{world.pending.id}": PENDING_VISIBLE,
    }
    for url, allowed in pages.items():
        status = client.get(url).status_code
        if role == "anonymous":
            assert status == 302, url
        elif role in allowed:
            assert status == 200, url
        else:
            assert status in (403, 404), url
    queue = client.get("/areas/queue").status_code
    assert queue == (302 if role == "anonymous" else 200 if role in ("police_same", "police_other", "admin") else 404)


@pytest.mark.parametrize("role", ROLES)
def test_geojson_list_shows_what_role_may_see(client, auth, world, role):
    _login(auth, world, role)
    r = client.get("/api/v1/areas")
    if role == "anonymous":
        assert r.status_code == 401
        return
    ids = {f["id"] for f in r.get_json()["features"]}
    assert world.area.id in ids
    assert (world.pending.id in ids) == (role in PENDING_VISIBLE)
    assert r.get_json()["type"] == "FeatureCollection"
