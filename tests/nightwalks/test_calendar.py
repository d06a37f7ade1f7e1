"""Calendars through the icalendar parser: stable UIDs, SEQUENCE on change, cancelled stays, a reset key kills old URLs."""
from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar

from watch.core.time import aware
from watch.nightwalks import service
from watch.training import calendar as personal


def _events(body: bytes) -> dict:
    return {str(e["UID"]): e for e in Calendar.from_ical(body).walk("VEVENT")}


def test_group_and_personal_feeds(client, session, police, group, make_walker, make_shift, make_user):
    walker = make_walker(group)
    shift = make_shift(group)
    other = make_shift(group, hours_ahead=60)
    service.sign_up(session, walker, shift.id)
    key = personal.key_of(session, walker)

    group_url = f"/nightwalks/groups/{group.id}/calendar/{key}.ics"
    r = client.get(group_url)
    assert r.status_code == 200 and r.mimetype == "text/calendar"
    feed = _events(r.data)
    assert len(feed) == 2
    uid = next(u for u in feed if u.startswith(f"nightwalk-shift-{shift.id}@"))
    ev = feed[uid]
    assert int(ev["SEQUENCE"]) == 0 and str(ev["STATUS"]) == "CONFIRMED" and str(ev["LOCATION"]) == "Stora torget"
    assert ev.decoded("DTSTART") == aware(shift.starts_at)
    assert "Nattvandrarna Centrum" in str(ev["SUMMARY"])

    # The personal feed (training's, behind the same key) has the shift the walker signed up for, not the other one.
    mine = _events(client.get(f"/training/my/{key}.ics").data)
    assert uid in mine and not any(u.startswith(f"nightwalk-shift-{other.id}@") for u in mine)

    # A change: same UID, SEQUENCE + 1, new time.
    new_start = shift.starts_at + timedelta(hours=1)
    service.update_shift(session, police, shift.id, starts_at=new_start, ends_at=new_start + timedelta(hours=5),
                         meeting_point="Resecentrum", area="Centrum", subgroups=1)
    ev = _events(client.get(group_url).data)[uid]
    assert int(ev["SEQUENCE"]) == 1 and str(ev["LOCATION"]) == "Resecentrum"
    assert ev.decoded("DTSTART") == aware(new_start)

    # Cancelled: still there, STATUS:CANCELLED, SEQUENCE + 1, in both feeds.
    service.cancel_shift(session, police, shift.id)
    ev = _events(client.get(group_url).data)[uid]
    assert str(ev["STATUS"]) == "CANCELLED" and int(ev["SEQUENCE"]) == 2
    assert str(_events(client.get(f"/training/my/{key}.ics").data)[uid]["STATUS"]) == "CANCELLED"

    # Reset the key: both old URLs are 404, the new key works.
    new_key = personal.key_of(session, walker, reset=True)
    assert new_key != key
    assert client.get(group_url).status_code == 404
    assert client.get(f"/training/my/{key}.ics").status_code == 404
    assert client.get(f"/nightwalks/groups/{group.id}/calendar/{new_key}.ics").status_code == 200


def test_group_feed_needs_a_walker_of_that_group(client, session, group, make_user, make_walker):
    outsider = make_user()
    key = personal.key_of(session, outsider)
    assert client.get(f"/nightwalks/groups/{group.id}/calendar/{key}.ics").status_code == 404
    assert client.get(f"/nightwalks/groups/{group.id}/calendar/nonsense.ics").status_code == 404
    assert client.get(f"/nightwalks/groups/99999/calendar/{key}.ics").status_code == 404


def test_signing_off_takes_the_shift_out_of_the_personal_feed(client, session, group, make_walker, make_shift):
    walker = make_walker(group)
    shift = make_shift(group)
    service.sign_up(session, walker, shift.id)
    key = personal.key_of(session, walker)
    assert len(_events(client.get(f"/training/my/{key}.ics").data)) == 1
    service.sign_off(session, walker, shift.id)
    assert _events(client.get(f"/training/my/{key}.ics").data) == {}


def test_key_reset_through_the_night_walk_page_comes_back_there(client, auth, session, group, make_walker):
    walker = auth.as_user(make_walker(group))
    r = client.post("/training/calendar/key", data={"next": "/nightwalks/"})
    assert r.status_code == 302 and r.location.startswith("/nightwalks/")
    key = personal.existing_key(session, walker)
    assert key and key in client.get("/nightwalks/").get_data(as_text=True)
    r = client.post("/training/calendar/key", data={"next": "https://evil.example/", "reset": "1"})
    assert r.location.startswith("/training/")  # never off-site
    session.expire_all()
    assert personal.existing_key(session, walker) != key
