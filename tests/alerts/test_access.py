"""Who sees and acts on alerts: one helper, the same answer in the service, the API, the pages and the map."""
from __future__ import annotations

import pytest

from tests.alerts.conftest import ROLES
from watch.alerts import lifecycle
from watch.alerts.access import get_alert_for
from watch.alerts.query import list_alerts
from watch.core.errors import Forbidden, NotFound

SEES = {"anonymous": False, "other_member": False, "member": True, "contact": True, "police": True, "admin": True}
ACKS = {"member": False, "contact": False, "police": True, "admin": True}
HIDES = {"member": False, "contact": True, "police": False, "admin": True}
SEES_HIDDEN = {"anonymous": False, "other_member": False, "member": False, "contact": True, "police": True, "admin": True}


def _anon():
    from flask_login import AnonymousUserMixin

    return AnonymousUserMixin()


@pytest.mark.parametrize("role", ROLES)
def test_view_rule_is_the_same_everywhere(role, world, post, client, auth, session):
    alert = post("member")
    user = world.user(role)
    visible_ids = {a.id for a in list_alerts(session, user or _anon())[0]}
    if user:
        auth.as_user(user)
    page = client.get(f"/alerts/{alert.id}")
    api = client.get(f"/api/v1/alerts/{alert.id}")
    listed = client.get("/api/v1/alerts")
    if SEES[role]:
        assert get_alert_for(session, user, alert.id).alert.id == alert.id
        assert alert.id in visible_ids
        assert page.status_code == 200 and api.status_code == 200
        assert [f["id"] for f in listed.get_json()["features"]] == [alert.id]
    else:
        with pytest.raises(NotFound):
            get_alert_for(session, user or _anon(), alert.id)
        assert alert.id not in visible_ids
        assert api.status_code == (401 if user is None else 404)
        assert page.status_code in ((302,) if user is None else (404,))
        if user is not None:
            assert listed.get_json()["features"] == []
            assert api.get_json()["error"]["code"] == "alert_not_found"


@pytest.mark.parametrize("role", ["member", "contact", "police", "admin"])
def test_acknowledge_and_close_need_police_or_admin(role, world, post, client, auth, session):
    alert = post("member")
    auth.as_user(world.user(role))
    res = client.post(f"/api/v1/alerts/{alert.id}/acknowledge")
    closed = client.post(f"/api/v1/alerts/{alert.id}/close", json={"outcome": "handled"})
    session.expire_all()
    if ACKS[role]:
        assert res.status_code == 200 and closed.status_code == 200
        body = closed.get_json()["properties"]
        assert body["status"] == "closed" and body["outcome"] == "handled"
        assert body["acknowledged_by"] == world.user(role).display_name and body["acknowledged_at"]
    else:
        assert res.status_code == 403 and closed.status_code == 403
        assert session.get(type(alert), alert.id).status.value == "open"


@pytest.mark.parametrize("role", ["member", "contact", "police", "admin"])
def test_hide_needs_contact_or_admin(role, world, post, client, auth, session):
    alert = post("member")
    auth.as_user(world.user(role))
    res = client.post(f"/api/v1/alerts/{alert.id}/hide", json={"reason": "Namn på en granne"})
    session.expire_all()
    hidden = session.get(type(alert), alert.id).hidden_at is not None
    assert (res.status_code == 200) is HIDES[role]
    assert hidden is HIDES[role]


@pytest.mark.parametrize("role", ROLES)
def test_hidden_alert_visibility(role, world, post, session):
    alert = post("member")
    access = get_alert_for(session, world.user("contact"), alert.id, need="hide")
    lifecycle.hide(session, access, world.user("contact"), reason="Fel område")
    other = post("police")  # a second alert by someone else, also hidden
    lifecycle.hide(session, get_alert_for(session, world.user("contact"), other.id, need="hide"), world.user("contact"), reason="Dubblett")
    user = world.user(role)
    if SEES_HIDDEN[role]:
        assert get_alert_for(session, user, other.id)
    else:
        with pytest.raises(NotFound):
            get_alert_for(session, user or _anon(), other.id)
    ids = {a.id for a in list_alerts(session, user or _anon())[0]}
    assert (other.id in ids) is SEES_HIDDEN[role]
    # The author always sees their own hidden alert, with the reason.
    mine = get_alert_for(session, world.user("member"), alert.id)
    assert mine.can_view and mine.alert.hidden_reason == "Fel område"


def test_hidden_reason_shown_to_author_not_other_members(world, post, session, client, auth, join, make_user):
    alert = post("member")
    lifecycle.hide(session, get_alert_for(session, world.user("contact"), alert.id, need="hide"), world.user("contact"), reason="Innehöll ett namn")
    auth.as_user(world.user("member"))
    page = client.get(f"/alerts/{alert.id}")
    assert page.status_code == 200 and "Innehöll ett namn" in page.get_data(as_text=True)
    neighbour = make_user()
    join(neighbour, world.area, "member")
    auth.as_user(neighbour)
    assert client.get(f"/alerts/{alert.id}").status_code == 404


@pytest.mark.parametrize("area_key", ["area", "other_area"])
def test_alerts_stay_in_their_area(area_key, world, post, session):
    at = world.inside if area_key == "area" else world.other_inside
    author = "member" if area_key == "area" else "other_member"
    alert = post(author, at=at)
    insiders = ("member", "contact", "police") if area_key == "area" else ("other_member",)
    for role in ("member", "contact", "police", "other_member"):
        user = world.user(role)
        ids = {a.id for a in list_alerts(session, user)[0]}
        assert (alert.id in ids) is (role in insiders), role


def test_wrong_need_is_a_programming_error(world, post, session):
    alert = post()
    with pytest.raises(ValueError):
        get_alert_for(session, world.user("admin"), alert.id, need="delete")
    with pytest.raises(Forbidden):
        get_alert_for(session, world.user("member"), alert.id, need="close")
