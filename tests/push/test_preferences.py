"""Preferences per area, quiet hours, and the police exception."""
from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests.push.helpers import World, post_alert
from watch.push.delivery import fanout
from watch.push.devices import preferences
from watch.push.models import Delivery

STHLM = ZoneInfo("Europe/Stockholm")


def targets(session, alert_id):
    session.expire_all()
    return {r.user_id for r in session.execute(select(Delivery).where(Delivery.alert_id == alert_id)).scalars()}


def set_level(session, user, area, level):
    preferences.save(session, user, levels={area.id: level}, area_ids={area.id}, quiet_start=None, quiet_end=None)


@pytest.mark.parametrize("level,category,gets", [
    ("all", "suspicious_person", True),
    ("all", "burglary", True),
    ("urgent", "suspicious_person", False),
    ("urgent", "burglary", True),
    ("urgent", "boat_theft", True),
    ("none", "burglary", False),
    ("none", "suspicious_person", False),
])
def test_levels(app, client, auth, session, world: World, level, category, gets):
    member = world.people["member"]
    set_level(session, member, world.area, level)
    alert_id = post_alert(client, auth, world.people["poster"], category=category).get_json()["id"]
    assert (member.id in targets(session, alert_id)) is gets


@pytest.mark.parametrize("poster,gets", [("police", True), ("contact", False)])
def test_urgent_only_gets_police_information_not_contact_information(app, client, auth, session, world: World, poster, gets):
    member = world.people["member"]
    set_level(session, member, world.area, "urgent")
    response = post_alert(client, auth, world.people[poster], category="information", text="Möte i föreningslokalen.")
    assert response.status_code == 201, response.get_json()
    assert (member.id in targets(session, response.get_json()["id"])) is gets


def test_police_contact_always_gets_alerts(app, client, auth, session, world: World):
    police = world.people["police"]
    set_level(session, police, world.area, "none")
    preferences.save(session, police, levels={}, area_ids=set(), quiet_start=time(0, 0), quiet_end=time(23, 59))
    alert_id = post_alert(client, auth, world.people["poster"]).get_json()["id"]
    assert police.id in targets(session, alert_id)


def test_none_in_one_area_still_gets_it_through_another(app, client, auth, session, world: World, make_user):
    from tests.push.helpers import join

    member = world.people["member"]
    join(session, member, world.other_area)
    set_level(session, member, world.area, "none")
    admin = make_user(admin=True)
    auth.as_user(admin)
    alert = client.post("/api/v1/alerts", json={"category": "vandalism", "text": "Krossad ruta", "lon": 17.005, "lat": 58.7525}).get_json()
    assert member.id not in targets(session, alert["id"])
    from watch.alerts.models import Alert

    # The same alert in both areas reaches her once, through the area she did not mute.
    session.execute(Delivery.__table__.delete())
    fanout.fan_out(session, session.get(Alert, alert["id"]), [world.area.id, world.other_area.id])
    session.commit()
    assert [r.user_id for r in session.execute(select(Delivery).where(Delivery.user_id == member.id)).scalars()] == [member.id]


@pytest.mark.parametrize("start,end,local,quiet", [
    (time(22, 0), time(7, 0), datetime(2024, 6, 1, 23, 30), True),
    (time(22, 0), time(7, 0), datetime(2024, 6, 1, 6, 59), True),
    (time(22, 0), time(7, 0), datetime(2024, 6, 1, 7, 0), False),
    (time(22, 0), time(7, 0), datetime(2024, 6, 1, 12, 0), False),
    (time(13, 0), time(14, 0), datetime(2024, 1, 15, 13, 30), True),
    (time(13, 0), time(14, 0), datetime(2024, 1, 15, 14, 30), False),
])
def test_quiet_hours_skip_non_urgent_pushes(app, session, world: World, start, end, local, quiet):
    from watch.alerts.models import Alert, Category

    member, police = world.people["member"], world.people["police"]
    for user in (member, police):
        preferences.save(session, user, levels={}, area_ids=set(), quiet_start=start, quiet_end=end)
    now = local.replace(tzinfo=STHLM)
    assert preferences.in_quiet_hours(start.hour * 60 + start.minute, end.hour * 60 + end.minute,
                                      preferences.local_minute(now)) is quiet
    for category, urgent in ((Category.suspicious_person, False), (Category.burglary, True)):
        alert = Alert(author_id=world.people["poster"].id, category=category, text="x", observed_at=now, lon=17.005, lat=58.7525)
        session.add(alert)
        session.flush()
        fanout.fan_out(session, alert, [world.area.id], now=now)
        session.commit()
        got = targets(session, alert.id)
        assert (member.id in got) is (urgent or not quiet)
        assert police.id in got  # police contacts always


def test_preferences_api_round_trip_and_bad_input(app, client, auth, session, world: World):
    member = world.people["member"]
    auth.as_user(member)
    body = client.get("/api/v1/push/preferences").get_json()
    assert body == {"areas": [{"area_id": world.area.id, "level": "all"}], "quiet_start": None, "quiet_end": None}
    ok = client.put("/api/v1/push/preferences", json={"areas": [{"area_id": world.area.id, "level": "urgent"}],
                                                      "quiet_start": "22:00", "quiet_end": "06:30"})
    assert ok.status_code == 200
    assert ok.get_json()["areas"][0]["level"] == "urgent" and ok.get_json()["quiet_end"].startswith("06:30")
    for bad in (
        {"areas": [{"area_id": world.area.id, "level": "loud"}]},
        {"areas": [{"area_id": world.other_area.id, "level": "none"}]},  # not her area
        {"areas": [{"area_id": world.area.id, "level": "all"}], "quiet_start": "22:00"},
        {"areas": [{"area_id": world.area.id, "level": "all"}], "quiet_start": "22:00", "quiet_end": "22:00"},
        {"areas": "x"},
    ):
        response = client.put("/api/v1/push/preferences", json=bad)
        assert response.status_code == 422, bad
        assert "error" in response.get_json()
    # Nothing changed by the refused requests.
    assert client.get("/api/v1/push/preferences").get_json()["areas"][0]["level"] == "urgent"


def test_settings_page_saves_levels_and_quiet_hours(app, client, auth, session, world: World):
    member = world.people["member"]
    auth.as_user(member)
    page = client.get("/account/notifications")
    assert page.status_code == 200 and "Gamla stan" in page.get_data(as_text=True)
    assert '="None"' not in page.get_data(as_text=True)  # optional times must not come out required
    response = client.post("/account/notifications", data={f"area_{world.area.id}": "none", "quiet_start": "22:00", "quiet_end": "07:00"})
    assert response.status_code == 302
    assert preferences.levels_for(session, member) == {world.area.id: "none"}
    assert preferences.quiet_hours_for(session, member) == (time(22, 0), time(7, 0))
    bad = client.post("/account/notifications", data={f"area_{world.area.id}": "all", "quiet_start": "22:00"})
    assert bad.status_code == 422
    assert preferences.levels_for(session, member) == {world.area.id: "none"}
    police_page = auth.as_user(world.people["police"]) and client.get("/account/notifications")
    assert f"area_{world.area.id}" not in police_page.get_data(as_text=True)
