"""GDPR hooks, and the whole story of issue 3 through the pages."""
from __future__ import annotations

import json
import re
from datetime import date

from sqlmodel import select

from watch.accounts import service as accounts
from watch.areas.households import service as households
from watch.areas.models import Area, AreaJoinRequest, AreaKind, AreaMembership, AreaStatus, Household
from watch.boats.models import Boat, BoatEngine
from watch.areas.service import areas_containing, membership_of

from .conftest import NYKOPING, square


def test_export_and_delete(session, world, make_area, make_user, add_member):
    house = make_area(kind=AreaKind.grannsamverkan, contact=world.owner, at=(17.3, 58.7), name="Villaområdet")
    households.add_household(session, world.owner, house.id, address="Björkvägen 3", contact_name="Lisa")
    data = accounts.export_data(session, world.owner)
    assert {m["area"] for m in data["area_memberships"]} == {"Hamnen", "Villaområdet"}
    assert data["households_entered"][0]["address"] == "Björkvägen 3"
    assert [a["name"] for a in data["areas_registered"]] == ["Villaområdet"]
    json.dumps(data)
    # Another contact keeps the area going once its registrant is gone.
    helper = make_user()
    add_member(house, helper, "contact")
    owner_id = world.owner.id
    accounts.delete_user(session, world.owner)
    assert session.exec(select(AreaMembership).where(AreaMembership.user_id == owner_id)).all() == []
    session.expire_all()
    assert session.get(Area, house.id).created_by_id is None
    assert session.exec(select(Household)).one().entered_by_id is None


def test_done_when(app, client, auth, session, make_user):
    """Register and draw on a phone, pending; trained; approved by police; join by link and by request; a boat."""
    kontaktombud = make_user(name="Karin")
    auth.as_user(kontaktombud)
    page = client.get("/areas/new", headers={"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)"}).get_data(as_text=True)
    for needle in ('id="area-draw-map"', 'id="area-draw-add"', 'id="area-draw-undo"', 'id="area-save"', "Lägg till hörn", "Ångra"):
        assert needle in page
    drawn = json.dumps(square(*NYKOPING))  # what draw.js puts in the hidden field
    r = client.post("/areas/new", data={"kind": "batsamverkan", "name": "Gästhamnen", "municipality": "Nyköping", "geometry": drawn})
    assert r.status_code == 302
    area = session.exec(select(Area)).one()
    assert area.status == AreaStatus.pending
    assert "Väntar på godkännande" in client.get(f"/areas/{area.id}").get_data(as_text=True)

    police = make_user(police=True, municipality="Nyköping")
    auth.as_user(police)
    assert "Gästhamnen" in client.get("/areas/queue").get_data(as_text=True)
    client.post(f"/areas/{area.id}/approve")
    session.refresh(area)
    assert area.status == AreaStatus.pending  # not trained yet
    r = client.post(f"/areas/{area.id}/trained", data={"user_id": kontaktombud.id, "trained_on": date.today().isoformat()})
    assert r.status_code == 302
    client.post(f"/areas/{area.id}/approve")
    session.refresh(area)
    assert area.status == AreaStatus.active
    assert [a.id for a in areas_containing(session, NYKOPING[0] + 0.001, NYKOPING[1] + 0.001)] == [area.id]

    auth.as_user(kontaktombud)
    assert "godkände området" in client.get(f"/areas/{area.id}").get_data(as_text=True)
    page = client.post(f"/areas/{area.id}/members", data={"days": "7"}, follow_redirects=True).get_data(as_text=True)
    link = re.search(r'id="invite-link" type="text" readonly value="([^"]+)"', page).group(1)

    second, third = make_user(), make_user()
    auth.as_user(second)
    assert link.startswith(app.config["PUBLIC_URL"])  # never the request's host
    client.post(link.replace(app.config["PUBLIC_URL"], ""))
    assert membership_of(session, second, area.id) is not None
    auth.as_user(third)
    client.post(f"/areas/{area.id}/join", data={"message": "Båt på brygga C"})
    req = session.exec(select(AreaJoinRequest)).one()
    auth.as_user(kontaktombud)
    client.post(f"/areas/{area.id}/requests/{req.id}/approve")
    assert membership_of(session, third, area.id) is not None

    auth.as_user(third)
    client.post(f"/areas/{area.id}/boats", data={"name": "Albin Vega", "boat_type": "Segelbåt", "length_m": "8.25", "hull_id": "SE-VEG12345"})
    boat = session.exec(select(Boat)).one()
    client.post(f"/areas/boats/{boat.id}", data={"make": "Mercury", "model": "F6", "power_hp": "6", "serial_number": "1B123456", "marking": "ID-märkt"})
    assert session.exec(select(BoatEngine)).one().serial_number == "1B123456"
    map_page = client.get("/areas/").get_data(as_text=True)
    assert 'id="area-map"' in map_page and "Gästhamnen" in map_page


def test_map_page_is_csp_clean(client, auth, make_user):
    auth.as_user(make_user())
    for url in ("/areas/", "/areas/new", "/areas/list"):
        r = client.get(url)
        html = r.get_data(as_text=True)
        assert "unsafe-inline" not in r.headers["Content-Security-Policy"]
        assert "style=" not in html and "<style" not in html
        for tag in re.findall(r"<script[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, tag
