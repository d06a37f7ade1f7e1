"""Boats in alerts: a theft alert names the stolen boat or engine; police see its identifiers."""
from __future__ import annotations

import pytest
from sqlmodel import func, select

from tests.areas.conftest import NYKOPING, ROLES, login_as
from watch.alerts.models import Alert
from watch.boats import theft
from watch.boats.models import BoatTheft

INSIDE = (NYKOPING[0] + 0.002, NYKOPING[1] + 0.002)


def _post(client, **extra):
    body = {"category": "boat_theft", "text": "Motorn borta från båten i natt", "lon": INSIDE[0], "lat": INSIDE[1], **extra}
    return client.post("/api/v1/alerts", json=body)


def _count(session, model):
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


def test_owner_reports_the_engine_and_police_see_its_identifiers(client, auth, session, world, add_member):
    add_member(world.area, world.people["police_same"], "police")  # the area's police contact
    world.engine.marking = "DNA-märkt SW-4711"
    session.add(world.engine)
    session.commit()
    auth.as_user(world.owner)
    r = _post(client, engine_id=world.engine.id)
    assert r.status_code == 201, r.get_json()
    alert_id = r.get_json()["id"]
    row = session.exec(select(BoatTheft)).one()
    assert (row.alert_id, row.boat_id, row.engine_id) == (alert_id, world.boat.id, world.engine.id)
    assert session.get(Alert, alert_id).boat_id == world.boat.id
    auth.as_user(world.people["police_same"])
    r = client.get(f"/alerts/{alert_id}")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and 'id="alert-boat-theft"' in html and "6AU-123456" in html and "DNA-märkt SW-4711" in html and "Yamaha" in html
    from watch.audit.models import AccessRecord

    logged = session.exec(select(AccessRecord).where(AccessRecord.kind == "boat")).all()
    assert [(r.actor_id, r.object_id, r.owner_id) for r in logged] == [(world.people["police_same"].id, world.boat.id, world.owner.id)]
    auth.as_user(world.people["member"])  # a member of the area sees the alert, not the register
    html = client.get(f"/alerts/{alert_id}").get_data(as_text=True)
    assert "6AU-123456" not in html and 'id="alert-boat-theft"' not in html


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_the_stolen_boat_on_the_alert(client, auth, session, world, role):
    auth.as_user(world.owner)
    alert_id = _post(client, boat_id=world.boat.id).get_json()["id"]
    client.post("/account/logout")
    user = login_as(auth, world.people, role)
    card = theft.alert_card(session, user, alert_id) if user else None
    assert (card is not None) == (role in ("contact", "police_same", "admin"))
    if card:
        assert card["engine"] is None and [e.serial_number for e in card["engines"]] == ["6AU-123456"]


@pytest.mark.parametrize("extra,code,field", [
    ({"boat_id": 999999}, "boat_unknown", "boat_id"),
    ({"boat_id": "x"}, "validation_error", None),
    ({"engine_id": 999999}, "engine_unknown", "engine_id"),
    ({"boat_id": 0}, "boat_unknown", "boat_id"),
    ({"category": "burglary", "boat_id": "SELF"}, "boat_only_for_theft", "boat_id"),
    ({"boat_id": "OTHER"}, "engine_not_on_boat", "engine_id"),
    ({"boat_id": "FOREIGN"}, "boat_unknown", "boat_id"),
])
def test_bad_picks_write_nothing(client, auth, session, world, make_user, add_member, extra, code, field):
    from watch.boats import service as boats

    mine = boats.register_boat(session, world.owner, world.area.id, name="Jolle")
    neighbour = world.people["member"]
    theirs = boats.register_boat(session, neighbour, world.area.id, name="Grannens")
    extra = dict(extra)
    if extra.get("boat_id") == "SELF":
        extra["boat_id"] = world.boat.id
    elif extra.get("boat_id") == "OTHER":
        extra.update(boat_id=mine.id, engine_id=world.engine.id)
    elif extra.get("boat_id") == "FOREIGN":
        extra["boat_id"] = theirs.id
    auth.as_user(world.owner)
    before = _count(session, Alert)
    r = _post(client, **extra)
    assert r.status_code == 422, r.get_json()
    err = r.get_json()["error"]
    assert err["code"] == code and err["message"]
    if field:
        assert err["details"]["field"] == field
    assert _count(session, Alert) == before and _count(session, BoatTheft) == 0


def test_report_theft_from_the_boat_page_through_the_form(client, auth, session, world):
    auth.as_user(world.owner)
    page = client.get(f"/areas/boats/{world.boat.id}").get_data(as_text=True)
    assert 'id="boat-report-theft"' in page and f'id="engine-report-theft-{world.engine.id}"' in page
    form = client.get(f"/alerts/new?category=boat_theft&boat_id={world.boat.id}&engine_id={world.engine.id}&area_id={world.area.id}")
    html = form.get_data(as_text=True)
    assert 'id="alert-boat-picker"' in html and f'<option value="{world.engine.id}" selected>' in html
    assert 'value="boat_theft" checked' in html
    r = client.post("/alerts/new", data={"category": "boat_theft", "text": "Stulen i natt", "area_id": str(world.area.id),
                                         "boat_id": str(world.boat.id), "engine_id": str(world.engine.id)})
    assert r.status_code == 302, r.get_data(as_text=True)
    t = session.exec(select(BoatTheft)).one()
    assert t.engine_id == world.engine.id
    page = client.get(f"/areas/boats/{world.boat.id}").get_data(as_text=True)
    assert "Ett motor" not in page and 'id="boat-thefts"' in page
    # Swedish message for a bad pick on the form; nothing stored.
    r = client.post("/alerts/new", data={"category": "burglary", "text": "Inbrott", "area_id": str(world.area.id), "boat_id": str(world.boat.id)})
    assert r.status_code == 422 and "stöld av båt eller motor" in r.get_data(as_text=True)
    assert _count(session, BoatTheft) == 1
    client.post(f"/areas/boats/{world.boat.id}/thefts/{t.id}/recovered")
    session.expire_all()
    assert session.get(BoatTheft, t.id).recovered_at is not None


def test_boat_card_for_those_who_see_the_boat(client, auth, session, world):
    world.owner.phone = "070-111 22 33"
    session.add(world.owner)
    session.commit()
    auth.as_user(world.people["police_same"])
    html = client.get(f"/areas/boats/{world.boat.id}/card").get_data(as_text=True)
    assert "Båtkort" in html and "6AU-123456" in html and "070-111 22 33" in html
    from watch.audit.models import AccessRecord

    assert [(r.kind, r.object_id) for r in session.exec(select(AccessRecord))] == [("boat", world.boat.id)]
    auth.as_user(world.people["member"])
    assert client.get(f"/areas/boats/{world.boat.id}/card").status_code == 404


def test_register_search_tells_registered_and_stolen_never_the_owner(client, auth, session, world, make_user, add_member):
    auth.as_user(world.owner)
    _post(client, engine_id=world.engine.id)
    finder = world.people["member"]
    auth.as_user(finder)
    html = client.get(f"/areas/{world.area.id}/boats/search?q=6au 123456").get_data(as_text=True)
    assert 'id="boat-search-stolen"' in html and world.owner.display_name not in html and "Vega" not in html
    assert 'id="boat-search-alert"' in html
    assert 'id="boat-search-none"' in client.get(f"/areas/{world.area.id}/boats/search?q=XYZ-0000").get_data(as_text=True)
    assert 'id="boat-search-none"' in client.get(f"/areas/{world.area.id}/boats/search?q=6AU-1234").get_data(as_text=True)  # no prefixes
    r = client.get(f"/areas/{world.area.id}/boats/search?q=6a")
    assert r.status_code == 422 and "minst 4 tecken" in r.get_data(as_text=True)
    auth.as_user(world.people["non_member"])
    r = client.get(f"/areas/{world.area.id}/boats/search?q=6AU-123456")
    assert r.status_code == 403 and "boat-search-stolen" not in r.get_data(as_text=True)
