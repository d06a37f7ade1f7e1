"""The pages (Swedish by default): join, sign up, check in and debrief; bad input gets a clear message and writes nothing."""
from __future__ import annotations

from sqlmodel import select

from tests.nightwalks.conftest import MUNICIPALITY, move_to_now
from watch.mail.models import OutboxMessage
from watch.nightwalks.models import NightShift, NightWalker, NightWalkGroup, ShiftDebrief
from watch.core.time import utcnow


def test_start_a_group_plan_a_shift_and_walk_it_through_the_pages(client, auth, session, police, make_user):
    auth.as_user(police)
    r = client.post("/nightwalks/new", data={"municipality": MUNICIPALITY, "name": "Nattvandrarna Väster", "affiliation": "Kyrkan",
                                             "organisation_id": "", "areas": "Väster", "meeting_point": "Västra torget",
                                             "lon": "17,0", "lat": "58,75"})
    assert r.status_code == 302
    group = session.exec(select(NightWalkGroup)).one()
    assert (group.lon, group.lat) == (17.0, 58.75)
    r = client.post(f"/nightwalks/groups/{group.id}/shifts/new", data={
        "starts_at": "2030-05-03T19:00", "ends_at": "2030-05-04T01:00", "meeting_point": "", "area": "Väster", "subgroups": "1", "notes": ""})
    assert r.status_code == 302
    shift = session.exec(select(NightShift)).one()
    assert shift.meeting_point == "Västra torget" and shift.starts_at.hour == 17  # 19:00 Swedish summer time

    walker = auth.as_user(make_user(name="Vera Vandrare"))
    page = client.get(f"/nightwalks/groups/{group.id}").get_data(as_text=True)
    assert "Födelseår" in page and "personnummer" in page
    assert client.get(f"/nightwalks/shifts/{shift.id}").status_code == 404  # not a walker yet
    r = client.post(f"/nightwalks/groups/{group.id}/join", data={"birth_year": "1979"}, follow_redirects=True)
    assert "Välkommen till gruppen" in r.get_data(as_text=True)
    r = client.post(f"/nightwalks/shifts/{shift.id}/signup", data={}, follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "Du är anmäld" in page and "Underbemannad" in page
    w = session.exec(select(NightWalker).where(NightWalker.user_id == walker.id)).one()
    assert w.birth_year == 1979 and not w.trained


def test_under_age_walker_is_refused_in_swedish_and_nothing_is_stored(client, auth, session, group, make_user):
    auth.as_user(make_user())
    year = utcnow().year
    r = client.post(f"/nightwalks/groups/{group.id}/join", data={"birth_year": str(year - 15)})
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert "Nattvandrare är vuxna: du måste vara minst 18 år" in page and 'aria-invalid="true"' in page
    assert session.exec(select(NightWalker)).all() == []
    r = client.post(f"/nightwalks/groups/{group.id}/join", data={"birth_year": "nittonhundra"})
    assert r.status_code == 422 and "fyra siffror" in r.get_data(as_text=True)


def test_check_in_and_debrief_through_the_pages(client, auth, session, group, make_walker, make_shift):
    shift = make_shift(group)
    trained, other = make_walker(group, trained=True), make_walker(group)
    for w in (trained, other):
        auth.as_user(w)
        client.post(f"/nightwalks/shifts/{shift.id}/signup")
    move_to_now(session, shift)

    auth.as_user(other)
    r = client.post(f"/nightwalks/shifts/{shift.id}/checkin", follow_redirects=True)
    assert "Vänta på de andra" in r.get_data(as_text=True)
    auth.as_user(trained)
    r = client.post(f"/nightwalks/shifts/{shift.id}/checkin", follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "redo att gå" in page and "Skriv återrapporten" in page

    form = client.get(f"/nightwalks/shifts/{shift.id}/debrief").get_data(as_text=True)
    assert 'name="adults"' in form and 'value="2"' in form and "Bara antal" in form
    data = {"adults": "2", "hours": "6", "young_people": "11-30", "places_visited": "3", "places": "Torget",
            "notes": "Killen heter 850709-9805", "intoxication": "1", "fight": "0", "damage": "0", "young_alone": "0",
            "first_aid": "0", "police_contact": "0", "fieldworker_contact": "1", "needs_followup": "y"}
    r = client.post(f"/nightwalks/shifts/{shift.id}/debrief", data=data)
    assert r.status_code == 422
    assert "Texten innehåller ett personnummer" in r.get_data(as_text=True)
    assert session.exec(select(ShiftDebrief)).all() == []

    data["notes"] = "Lugn kväll vid torget."
    r = client.post(f"/nightwalks/shifts/{shift.id}/debrief", data=data, follow_redirects=True)
    assert "återrapporten är sparad" in r.get_data(as_text=True)
    d = session.exec(select(ShiftDebrief)).one()
    assert (d.adults, d.hours, d.intoxication, d.fieldworker_contact, d.needs_followup, d.est_reports) == (2, 6.0, 1, 1, True, 1)
    page = client.get(f"/nightwalks/shifts/{shift.id}/debrief").get_data(as_text=True)
    assert 'id="debrief"' in page and "Behöver följas upp av fältarbetarna" in page


def test_leaders_manage_walkers_and_cancel_shifts(client, auth, session, group, make_walker, make_shift):
    walker = make_walker(group)
    shift = make_shift(group)
    auth.as_user(walker)
    client.post(f"/nightwalks/shifts/{shift.id}/signup")
    r = client.post(f"/nightwalks/shifts/{shift.id}/cancel", follow_redirects=True)
    assert "Bara gruppens ledare" in r.get_data(as_text=True)
    assert session.get(NightShift, shift.id).cancelled_at is None  # refused: not a leader
    leader = auth.as_user(make_walker(group, leader=True))
    w = session.exec(select(NightWalker).where(NightWalker.user_id == walker.id)).one()
    client.post(f"/nightwalks/groups/{group.id}/walkers/{w.id}", data={"trained": "1"})
    session.expire_all()
    assert session.get(NightWalker, w.id).trained
    r = client.post(f"/nightwalks/shifts/{shift.id}/cancel", follow_redirects=True)
    assert "Passet är inställt" in r.get_data(as_text=True)
    mails = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "nightwalk_cancelled")).all()
    assert [m.to_address for m in mails] == [walker.email]
    assert leader.id != walker.id


def test_pages_need_login_and_hide_other_groups_shifts(client, auth, session, group, make_user, make_shift):
    shift = make_shift(group)
    assert client.get("/nightwalks/").status_code == 302
    auth.as_user(make_user())
    assert client.get("/nightwalks/").status_code == 200
    assert client.get(f"/nightwalks/shifts/{shift.id}").status_code == 404
    assert client.get(f"/nightwalks/shifts/{shift.id}/debrief").status_code == 404
    assert client.post(f"/nightwalks/shifts/{shift.id}/checkin").status_code == 404
    assert client.get("/nightwalks/groups/999999").status_code == 404
    assert client.get(f"/nightwalks/groups/{group.id}/shifts/new").status_code == 403
