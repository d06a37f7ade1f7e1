"""The indicator registry counts what the app knows, in the promise's municipality and period only."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from watch.areas.registration import service as registration
from watch.areas.models import Area
from watch.core.time import utcnow
from watch.core.time import TZ
from watch.graffiti.models import GraffitiReport
from watch.promises import indicators
from watch.walks.models import Measure, Walk

START, END = date(2025, 1, 1), date(2025, 12, 31)


def inside(day=date(2025, 6, 1)) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=TZ)


def test_the_registry_names_every_counted_kind():
    assert set(indicators.REGISTRY) == {"new_areas", "trained_contacts", "walks_held", "measures_done", "graffiti_on_time", "nightwalks_held"}


def test_new_areas_counts_approvals_in_the_period_and_municipality(session, make_area):
    a = make_area(name="I perioden")
    b = make_area(name="Före perioden")
    c = make_area(name="I Oxelösund", municipality="Oxelösund", at=(17.10, 58.67))
    make_area(name="Väntar", status="pending")
    make_area(name="Avslagen", status="rejected")
    archived = make_area(name="Arkiverad", status="archived")
    for area, when in ((a, inside()), (b, inside(date(2024, 12, 31))), (c, inside()), (archived, inside())):
        row = session.get(Area, area.id)
        row.decided_at = when
        session.add(row)
    session.commit()
    assert indicators.new_areas(session, "Nyköping", START, END) == 2  # a and the archived one
    assert indicators.new_areas(session, "Oxelösund", START, END) == 1
    # The last day counts to local midnight.
    row = session.get(Area, b.id)
    row.decided_at = datetime(2025, 12, 31, 23, 30, tzinfo=TZ)
    session.add(row)
    session.commit()
    assert indicators.new_areas(session, "Nyköping", START, END) == 3


def test_trained_contacts_counts_contact_representatives_trained_in_the_period(session, make_area, make_user):
    today = utcnow().astimezone(TZ).date()
    make_area(name="Ett")  # its contact is trained today
    make_area(name="Två", status="pending")  # never trained
    admin = make_user(admin=True)
    contact = make_user()
    area = make_area(name="Tre", status="pending", contact=contact)
    registration.mark_trained(session, admin, area.id, user_id=contact.id, trained_on=today - timedelta(days=400))
    assert indicators.trained_contacts(session, "Nyköping", today - timedelta(days=30), today) == 1
    assert indicators.trained_contacts(session, "Nyköping", today - timedelta(days=500), today) == 2


def walk(session, org_id, status, when, municipality="Nyköping") -> Walk:
    w = Walk(municipality=municipality, name="Centrum", route='{"type":"LineString","coordinates":[[17,58.7],[17.01,58.7]]}',
             starts_at=when, organiser_id=org_id, status=status)
    session.add(w)
    session.commit()
    return w


def test_walks_held_and_measures_done(session, world):
    org = world.orgs["kommunen"].id
    held = walk(session, org, "protocol_published", inside())
    walk(session, org, "walked", inside(date(2025, 3, 1)))
    walk(session, org, "planned", inside())  # not walked
    walk(session, org, "walked", inside(date(2026, 1, 2)))  # after the period
    walk(session, world.orgs["annan"].id, "walked", inside(), municipality="Oxelösund")
    assert indicators.walks_held(session, "Nyköping", START, END) == 2
    for status, done_at in (("done", inside()), ("done", inside(date(2024, 6, 1))), ("scheduled", None), ("open", None)):
        session.add(Measure(walk_id=held.id, title="Belysning", responsible_kind="municipal_unit", due_date=date(2025, 9, 1),
                            status=status, done_at=done_at))
    session.commit()
    assert indicators.measures_done(session, "Nyköping", START, END) == 1


def graffiti(session, cleaned_at, due_at, municipality="Nyköping"):
    session.add(GraffitiReport(municipality=municipality, lon=17.0, lat=58.75, object_type="facade", owner_type="municipal", area_m2=2.0,
                               observed_at=due_at - timedelta(hours=48), due_at=due_at, cleaned_at=cleaned_at,
                               status="cleaned" if cleaned_at else "accepted"))
    session.commit()


def test_graffiti_cleaned_within_target(session):
    due = inside()
    graffiti(session, due - timedelta(hours=1), due)  # on time
    graffiti(session, due, due)  # exactly on time
    graffiti(session, due + timedelta(hours=1), due)  # late
    graffiti(session, None, due)  # not cleaned
    graffiti(session, due - timedelta(hours=1), due, municipality="Oxelösund")
    assert indicators.graffiti_on_time(session, "Nyköping", START, END) == 2
