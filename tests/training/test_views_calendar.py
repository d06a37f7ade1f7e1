"""Training pages and iCalendar feeds (parsed with the icalendar parser); bad input gets a clear message."""
from __future__ import annotations

from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlmodel import select

from tests.training.conftest import MUNICIPALITY, move_to_past
from watch.core.time import aware, local
from watch.areas.registration import service as registration
from watch.training import calendar, service
from watch.training.models import TrainingSession


def _events(body: bytes):
    return [c for c in Calendar.from_ical(body).walk("VEVENT")]


def test_create_register_and_take_attendance_through_the_pages(client, auth, session, police, contact, pending_area):
    auth.as_user(police)
    r = client.post("/training/new", data={"municipality": MUNICIPALITY, "kind": "kontaktombud", "title": "Grundkurs",
                                           "starts_at": "2030-03-02T18:00", "ends_at": "2030-03-02T20:00", "place": "Stadshuset",
                                           "capacity": "1", "trainers": "Polisen", "trainer_emails": "", "notes": ""})
    assert r.status_code == 302
    ts = session.exec(select(TrainingSession)).one()
    assert local(ts.starts_at).hour == 18  # entered in Swedish time

    auth.as_user(contact)
    r = client.post(f"/training/{ts.id}/register", follow_redirects=True)
    assert "Du har en plats" in r.get_data(as_text=True)
    auth.as_user(police)
    page = client.get(f"/training/{ts.id}").get_data(as_text=True)
    assert "Olga Ombud" in page and "Ta närvaro" in page

    move_to_past(session, ts)
    page = client.get(f"/training/{ts.id}/attendance").get_data(as_text=True)
    assert f'value="{contact.id}"' in page
    r = client.post(f"/training/{ts.id}/attendance", data={"present": [str(contact.id)]}, follow_redirects=True)
    assert "1 närvarande" in r.get_data(as_text=True)
    session.expire_all()
    assert registration.has_trained_contact(session, pending_area.id)


def test_full_session_puts_you_on_the_waiting_list(client, auth, make_session, make_user, session):
    ts = make_session(capacity=1)
    service.register(session, make_user(), ts.id)
    auth.as_user(make_user())
    page = client.get(f"/training/{ts.id}").get_data(as_text=True)
    assert "Ställ dig på väntelistan" in page
    r = client.post(f"/training/{ts.id}/register", follow_redirects=True)
    assert r.status_code == 200 and "väntelistan" in r.get_data(as_text=True)


@pytest.mark.parametrize("data, message", [
    ({"capacity": "0"}, "mellan 1 och 1000"),
    ({"ends_at": "2030-03-02T17:00"}, "sluta efter"),
    ({"trainer_emails": "ingen@example.se"}, "ingen@example.se"),
])
def test_bad_session_form_shows_why_and_writes_nothing(client, auth, session, police, data, message):
    auth.as_user(police)
    form = {"municipality": MUNICIPALITY, "kind": "kontaktombud", "title": "Grundkurs", "starts_at": "2030-03-02T18:00",
            "ends_at": "2030-03-02T20:00", "place": "Stadshuset", "capacity": "5", "trainers": "", "trainer_emails": "", "notes": ""}
    form.update(data)
    r = client.post("/training/new", data=form)
    assert r.status_code == 200 and message in r.get_data(as_text=True)
    assert session.exec(select(TrainingSession)).all() == []


def test_access_rules_on_pages(client, auth, make_session, make_user, session):
    ts = make_session()
    assert client.get("/training/").status_code == 302  # login first
    resident = auth.as_user(make_user())
    assert client.get("/training/new").status_code == 200  # the form; saving is refused
    r = client.post("/training/new", data={"municipality": MUNICIPALITY, "kind": "kontaktombud", "title": "x", "starts_at": "2030-03-02T18:00",
                                           "ends_at": "2030-03-02T20:00", "place": "x", "capacity": "5"})
    assert "Bara polisen" in r.get_data(as_text=True)
    assert client.get(f"/training/{ts.id}/attendance").status_code == 403
    assert client.get(f"/training/{ts.id}/edit").status_code == 403
    assert client.get(f"/training/register.csv?municipality={MUNICIPALITY}").status_code == 403
    assert client.get("/training/999").status_code == 404
    page = client.get(f"/training/{ts.id}").get_data(as_text=True)
    assert "Deltagare" not in page  # residents do not see who else comes
    r = client.post(f"/training/{ts.id}/cancel", follow_redirects=True)
    assert "inte anmäld" in r.get_data(as_text=True)
    assert resident


def test_register_csv_download(client, auth, police, contact, pending_area, session):
    auth.as_user(police)
    r = client.get(f"/training/register.csv?municipality={MUNICIPALITY}")
    assert r.status_code == 200 and r.mimetype == "text/csv" and "Olga Ombud" in r.get_data(as_text=True)


def test_municipality_feed_has_stable_uids_and_updates_on_change(client, session, make_session, police):
    ts = make_session()
    first = _events(client.get(f"/training/calendar/{MUNICIPALITY}.ics").data)
    assert [str(e["summary"]) for e in first] == ["Grundutbildning kontaktombud"]
    uid, seq, start = str(first[0]["uid"]), int(first[0]["sequence"]), aware(ts.starts_at)
    service.update_session(session, police, ts.id, municipality=ts.municipality, kind=ts.kind, title="Grundkurs, ny tid",
                           place=ts.place, starts_at=ts.starts_at + timedelta(hours=1), ends_at=ts.ends_at + timedelta(hours=1), capacity=3)
    (again,) = _events(client.get(f"/training/calendar/{MUNICIPALITY}.ics").data)
    assert str(again["uid"]) == uid and int(again["sequence"]) == seq + 1
    assert str(again["summary"]) == "Grundkurs, ny tid"
    assert again.decoded("dtstart") == start + timedelta(hours=1)
    assert "Olga" not in client.get(f"/training/calendar/{MUNICIPALITY}.ics").get_data(as_text=True)


def test_personal_feed_behind_a_secret_resettable_url(client, auth, session, make_session, make_user):
    ts, other = make_session(capacity=1), make_session(days=9, title="Annat tillfälle")
    service.register(session, make_user(), ts.id)
    me = auth.as_user(make_user())
    service.register(session, me, ts.id)  # waiting
    client.post("/training/calendar/key")
    key = calendar.existing_key(session, me)
    page = client.get("/training/").get_data(as_text=True)
    assert f"/training/my/{key}.ics" in page
    (ev,) = _events(client.get(f"/training/my/{key}.ics").data)
    assert "väntelista" in str(ev["summary"]) and str(ev["status"]) == "TENTATIVE"
    assert str(ev["uid"]) == calendar.uid(ts)
    client.post("/training/calendar/key", data={"reset": "1"})
    session.expire_all()
    new_key = calendar.existing_key(session, me)
    assert new_key != key
    assert client.get(f"/training/my/{key}.ics").status_code == 404
    assert client.get(f"/training/my/{new_key}.ics").status_code == 200
    assert other


def test_cancelling_a_session_tells_everyone_and_the_calendar(client, auth, session, make_session, make_user, police):
    from watch.mail.models import OutboxMessage

    ts = make_session(capacity=1)
    a, b = make_user(), make_user()
    service.register(session, a, ts.id)
    service.register(session, b, ts.id)
    auth.as_user(a)
    assert client.post(f"/training/{ts.id}/call-off").status_code == 302  # refused: a resident
    assert session.get(TrainingSession, ts.id).cancelled_at is None
    auth.as_user(police)
    r = client.post(f"/training/{ts.id}/call-off", follow_redirects=True)
    assert "inställt" in r.get_data(as_text=True)
    sent = {m.to_address for m in session.exec(select(OutboxMessage).where(OutboxMessage.kind == "training_cancelled")).all()}
    assert sent == {a.email, b.email}
    (ev,) = _events(client.get(f"/training/calendar/{MUNICIPALITY}.ics").data)
    assert str(ev["status"]) == "CANCELLED" and int(ev["sequence"]) == 1
    r = client.post(f"/training/{ts.id}/call-off", follow_redirects=True)  # twice
    assert "inställt" in r.get_data(as_text=True)
    auth.as_user(make_user())
    r = client.post(f"/training/{ts.id}/register", follow_redirects=True)
    assert "inställt" in r.get_data(as_text=True) and service.participants(session, ts.id)[0][1].id in (a.id, b.id)
