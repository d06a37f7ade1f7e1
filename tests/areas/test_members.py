"""Invite links, join requests, leaving and removal."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from watch.areas.invites import service as invites
from watch.areas.members import service as members
from watch.areas.models import AreaInvite, AreaJoinRequest, AreaMembership, AreaRole
from watch.areas.service import membership_of
from watch.core.time import utcnow
from watch.core.errors import ServiceError


def _invite_token(client, area):
    r = client.post(f"/api/v1/areas/{area.id}/invites", json={"days": 7})
    assert r.status_code == 201 and r.headers["Location"]
    body = r.get_json()
    assert body["url"].endswith(body["token"])
    return body


def test_invite_link_flow(client, auth, session, make_area, make_user):
    contact, newcomer = make_user(), make_user()
    area = make_area(contact=contact)
    auth.as_user(contact)
    body = _invite_token(client, area)
    auth.as_user(newcomer)
    page = client.get(f"/areas/join/{body['token']}")
    assert page.status_code == 200 and area.name in page.get_data(as_text=True)
    r = client.post(f"/areas/join/{body['token']}")
    assert r.status_code == 302
    assert membership_of(session, newcomer, area.id).role == AreaRole.member
    assert session.get(AreaInvite, body["id"]).uses == 1
    # Accepting again is harmless.
    assert client.post("/api/v1/areas/invites/accept", json={"token": body["token"]}).status_code == 200


@pytest.mark.parametrize("problem,code,status", [
    ("tampered", "invite_invalid", 400), ("garbage", "invite_invalid", 400), ("wrong-nonce", "invite_invalid", 400),
    ("revoked", "invite_revoked", 410), ("expired", "invite_expired", 410),
    ("archived", "area_archived", 409), ("other-secret", "invite_invalid", 400),
])
def test_bad_invites(client, auth, session, app, make_area, make_user, problem, code, status):
    contact, newcomer = make_user(), make_user()
    area = make_area(contact=contact)
    invite, token = invites.create_invite(session, contact, area.id)
    if problem == "tampered":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    elif problem == "garbage":
        token = "not-a-token"
    elif problem == "wrong-nonce":
        invite.nonce = "changed"
        session.add(invite)
        session.commit()
    elif problem == "revoked":
        invites.revoke_invite(session, contact, area.id, invite.id)
    elif problem == "expired":
        invite.expires_at = utcnow() - timedelta(seconds=1)
        session.add(invite)
        session.commit()
    elif problem == "archived":
        from watch.areas.registration import service as registration
        registration.archive_area(session, contact, area.id)
    elif problem == "other-secret":
        from itsdangerous import URLSafeSerializer
        token = URLSafeSerializer("another-secret-key-entirely", salt=invites.INVITE_SALT).dumps({"i": invite.id, "n": invite.nonce})
    auth.as_user(newcomer)
    r = client.post("/api/v1/areas/invites/accept", json={"token": token})
    assert (r.status_code, r.get_json()["error"]["code"]) == (status, code)
    html = client.post(f"/areas/join/{token}")
    assert html.status_code == status
    assert membership_of(session, newcomer, area.id) is None


def test_invite_for_pending_area_refused(session, make_area, make_user):
    contact = make_user()
    area = make_area(status="pending", contact=contact)
    with pytest.raises(ServiceError) as err:
        invites.create_invite(session, contact, area.id)
    assert err.value.code == "area_not_active"


def test_join_request_flow(client, auth, session, make_area, make_user):
    contact, asker = make_user(), make_user(name="Sven Granne")
    area = make_area(contact=contact)
    auth.as_user(asker)
    r = client.post(f"/areas/{area.id}/join", data={"message": "Jag bor på nummer 12"})
    assert r.status_code == 302
    assert client.post(f"/api/v1/areas/{area.id}/join-requests", json={}).status_code == 409  # already asked
    auth.as_user(contact)
    page = client.get(f"/areas/{area.id}/members").get_data(as_text=True)
    assert "Sven Granne" in page and "Jag bor på nummer 12" in page
    req = session.exec(select(AreaJoinRequest)).one()
    r = client.post(f"/areas/{area.id}/requests/{req.id}/approve")
    assert r.status_code == 302
    assert membership_of(session, asker, area.id).role == AreaRole.member
    assert client.post(f"/api/v1/areas/{area.id}/join-requests/{req.id}", json={"approve": True}).status_code == 409


@pytest.mark.parametrize("status,code", [("pending", 404), ("archived", 404), ("rejected", 404)])
def test_cannot_join_closed_areas(client, auth, session, make_area, make_user, status, code):
    area = make_area(status=status)
    auth.as_user(make_user())
    r = client.post(f"/api/v1/areas/{area.id}/join-requests", json={"message": "hej"})
    assert r.status_code == code  # a stranger may not know of these areas at all
    assert session.exec(select(AreaJoinRequest)).all() == []


@pytest.mark.parametrize("status,code", [("pending", "area_not_active"), ("archived", "area_archived")])
def test_join_closed_area_as_someone_who_sees_it(session, make_area, make_user, status, code):
    police = make_user(police=True, municipality="Nyköping")
    area = make_area(status=status)
    with pytest.raises(ServiceError) as err:
        members.request_join(session, police, area.id)
    assert err.value.code == code


def test_member_cannot_approve_requests(client, auth, session, make_area, make_user, add_member):
    area = make_area()
    member, asker = make_user(), make_user()
    add_member(area, member)
    req = members.request_join(session, asker, area.id)
    auth.as_user(member)
    assert client.post(f"/api/v1/areas/{area.id}/join-requests/{req.id}", json={"approve": True}).status_code == 403
    assert membership_of(session, asker, area.id) is None


def test_leave_and_remove(client, auth, session, make_area, make_user, add_member):
    contact, a, b = make_user(), make_user(), make_user()
    area = make_area(contact=contact)
    add_member(area, a)
    add_member(area, b)
    auth.as_user(a)
    assert client.post(f"/api/v1/areas/{area.id}/leave").status_code == 200
    assert membership_of(session, a, area.id) is None
    assert client.post(f"/api/v1/areas/{area.id}/leave").status_code == 409
    assert client.delete(f"/api/v1/areas/{area.id}/members/{b.id}").status_code == 403  # no longer manages anyone
    auth.as_user(contact)
    assert client.post(f"/areas/{area.id}/members/{b.id}/remove").status_code == 302
    assert membership_of(session, b, area.id) is None
    r = client.post(f"/api/v1/areas/{area.id}/leave")
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "last_contact"


def test_revoke_lists(client, auth, session, make_area, make_user):
    contact = make_user()
    area = make_area(contact=contact)
    auth.as_user(contact)
    body = _invite_token(client, area)
    assert [i["id"] for i in client.get(f"/api/v1/areas/{area.id}/invites").get_json()["items"]] == [body["id"]]
    assert client.delete(f"/api/v1/areas/{area.id}/invites/{body['id']}").get_json()["revoked_at"]
    assert client.get(f"/api/v1/areas/{area.id}/invites").get_json()["items"] == []
    assert client.delete(f"/api/v1/areas/{area.id}/invites/9999").status_code == 404
    assert session.exec(select(AreaMembership)).all()  # untouched
