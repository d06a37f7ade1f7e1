"""The two ways of writing an alert's deliveries agree: all inline, or the police contacts' inline and a job for the rest."""
from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, func, select

from tests.push.helpers import World, add_device, join
from watch.alerts.models import Alert, AlertArea, Category
from watch.areas.models import AreaMembership, AreaRole
from watch.push.delivery import fanout
from watch.push.devices import preferences
from watch.push.models import Delivery, FanoutJob, PushSubscription

# 23:30 in Stockholm: inside the quiet hours (22-07) some of them keep.
NIGHT = datetime(2024, 6, 1, 23, 30, tzinfo=ZoneInfo("Europe/Stockholm"))
COLUMNS = ("subscription_id", "user_id", "area_id", "role", "priority", "kind", "status")


@pytest.fixture
def crowd(session, world: World, make_user, make_area, pushsvc):
    """The world plus people whose best role, area, preferences and quiet hours make the rules matter."""
    a, b = world.area, world.other_area
    closed = make_area(name="Stängda gården", status="archived", box=(17.06, 58.75, 17.07, 58.755))
    people = {name: make_user(name=name) for name in (
        "muted_police", "closed_police", "urgent_contact", "night_owl", "two_phones", "police_and_member", "no_phone")}
    join(session, people["muted_police"], b, AreaRole.police)
    join(session, people["closed_police"], closed, AreaRole.police)
    join(session, people["closed_police"], a)
    join(session, people["urgent_contact"], b, AreaRole.contact)
    join(session, people["urgent_contact"], a)
    join(session, people["night_owl"], a)
    join(session, people["two_phones"], a)
    join(session, people["two_phones"], b)
    join(session, people["police_and_member"], a)  # police in the second area, delivered under the first
    join(session, people["police_and_member"], b, AreaRole.police)
    join(session, people["no_phone"], a, AreaRole.contact)
    preferences.save(session, people["muted_police"], levels={b.id: "none"}, area_ids={b.id},
                     quiet_start=time(22, 0), quiet_end=time(7, 0))
    preferences.save(session, people["urgent_contact"], levels={b.id: "urgent"}, area_ids={a.id, b.id},
                     quiet_start=None, quiet_end=None)
    preferences.save(session, people["night_owl"], levels={}, area_ids=set(), quiet_start=time(22, 0), quiet_end=time(7, 0))
    preferences.save(session, world.people["member"], levels={a.id: "urgent"}, area_ids={a.id}, quiet_start=None,
                     quiet_end=None)
    for name, user in people.items():
        if name != "no_phone":
            add_device(session, user, pushsvc)
    add_device(session, people["two_phones"], pushsvc, label="Dator")
    return [a.id, b.id, closed.id], {**world.people, **people}


def _alert(session, world: World, category, ids) -> Alert:
    alert = Alert(author_id=world.people["poster"].id, category=category, text="x", observed_at=NIGHT, created_at=NIGHT,
                  lon=17.005, lat=58.7525)
    session.add(alert)
    session.flush()
    session.add_all([AlertArea(alert_id=alert.id, area_id=i) for i in ids])
    session.commit()
    return alert


def _rows(session, alert_id) -> set[tuple]:
    session.expire_all()
    table = Delivery.__table__
    return set(session.execute(select(*(table.c[c] for c in COLUMNS)).where(table.c.alert_id == alert_id)).all())


@pytest.mark.parametrize("category", [Category.suspicious_person, Category.burglary])
def test_police_inline_and_the_job_write_what_inline_writes(app, session, world: World, crowd, category):
    ids, people = crowd
    alert = _alert(session, world, category, ids)
    fanout.fan_out(session, alert, ids, now=NIGHT)
    session.commit()
    inline = _rows(session, alert.id)
    session.execute(delete(Delivery).where(Delivery.alert_id == alert.id))
    session.commit()

    fanout.fan_out_police(session, alert, ids, now=NIGHT)
    session.add(FanoutJob(alert_id=alert.id, created_at=NIGHT))
    session.commit()
    police = _rows(session, alert.id)
    job_id = fanout.claim_job(session, "t", lease_seconds=60, postgres=False)
    session.commit()
    done = False
    while not done:  # chunks of two devices: the cursor crosses users and their second phones
        _, done = fanout.expand_step(session, job_id, "t", chunk=2, lease_seconds=60)
        session.commit()
    assert police == {r for r in inline if r[3] == "police"}
    assert _rows(session, alert.id) == inline

    # What the rules say, so that both paths cannot drift together.
    urgent = category is Category.burglary
    a, b, _closed = ids
    best = {(people[n].id, area, role) for n, area, role in [
        ("police", a, "police"), ("contact", a, "contact"), ("other_member", b, "member"),
        ("muted_police", b, "police"), ("closed_police", a, "member"), ("police_and_member", a, "police"),
        ("two_phones", a, "member"),
        ("urgent_contact", a, "contact" if urgent else "member"),  # the lowest area id, whatever the role
    ] + ([("member", a, "member"), ("night_owl", a, "member")] if urgent else [])}
    assert {(r[1], r[2], r[3]) for r in inline} == best
    assert len([r for r in inline if r[1] == people["two_phones"].id]) == 2
    assert {r[4] for r in inline if r[3] == "police"} == {2}


def test_audience_at_most_counts_the_areas_members_devices(app, session, world: World, crowd):
    ids, _people = crowd
    m, s = AreaMembership, PushSubscription
    # One device per membership in these areas (a member of two areas counts twice): an upper bound.
    devices = session.execute(select(func.count()).select_from(s).join(m, m.user_id == s.user_id)
                              .where(m.area_id.in_(ids))).scalar_one()
    assert devices > 5
    for limit in (0, 1, devices - 1, devices, devices + 1):
        assert fanout.audience_at_most(session, ids, limit) is (devices <= limit), limit
    assert fanout.audience_at_most(session, [], 0)
