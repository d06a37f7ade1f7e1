"""Planning a walk, the route check, status steps, invitations by e-mail and as iCalendar."""
from __future__ import annotations

import json

import icalendar
import pytest
from sqlmodel import func, select

from tests.walks.conftest import OUTSIDE, ROUTE
from watch.core.errors import ServiceError
from watch.mail.models import OutboxMessage
from watch.walks.models import Walk, WalkInvite


def count(session, model):
    return session.exec(select(func.count()).select_from(model)).one()


def test_a_planned_walk_keeps_its_route_and_invitations(world, session):
    walk = world.plan()
    assert walk.status == "planned" and walk.municipality == "Nyköping"
    assert json.loads(walk.route)["type"] == "LineString"
    assert count(session, WalkInvite) == 2


@pytest.mark.parametrize("route", [
    json.dumps({"type": "Point", "coordinates": [17.005, 58.753]}),
    json.dumps({"type": "Polygon", "coordinates": [[[17.0, 58.75], [17.01, 58.75], [17.01, 58.76], [17.0, 58.75]]]}),
    json.dumps({"type": "LineString", "coordinates": [[17.005, 58.753]]}),
    json.dumps({"type": "LineString", "coordinates": [[17.005, 58.753], [17.005, 58.753]]}),
    json.dumps({"type": "LineString", "coordinates": [[17.005, "x"], [17.01, 58.753]]}),
    "not json at all",
])
def test_a_route_that_is_not_a_line_is_refused_and_nothing_stored(world, session, route):
    with pytest.raises(ServiceError) as exc:
        world.plan(route=route)
    assert exc.value.code == "route_not_line" and exc.value.status == 422
    session.rollback()
    assert count(session, Walk) == 0


def test_a_route_leaving_the_municipality_is_refused(world, session):
    route = {"type": "LineString", "coordinates": [ROUTE["coordinates"][0], list(OUTSIDE)]}
    with pytest.raises(ServiceError) as exc:
        world.plan(route=json.dumps(route))
    assert exc.value.code == "outside_municipality"
    session.rollback()
    assert count(session, Walk) == 0


def test_only_the_organisations_own_people_plan_for_it(world, session):
    with pytest.raises(ServiceError) as exc:
        world.plan(who="participant")
    assert exc.value.status == 403
    with pytest.raises(ServiceError) as exc:
        world.plan(invited=[world.orgs["annan"].id])
    assert exc.value.code == "invited_unknown"
    session.rollback()
    assert count(session, Walk) == 0


def test_invitations_go_by_email_with_the_calendar_link_and_steps_are_in_order(world, session):
    from watch.walks import service

    walk = world.plan()
    with pytest.raises(ServiceError) as exc:
        service.advance(session, user=world["organiser"], walk_id=walk.id, to="walked")
    assert exc.value.status == 409
    session.rollback()
    with pytest.raises(ServiceError) as exc:
        service.advance(session, user=world["participant"], walk_id=walk.id, to="invited")
    assert exc.value.status == 403
    session.rollback()
    service.advance(session, user=world["organiser"], walk_id=walk.id, to="invited")
    mails = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "walk_invitation")).all()
    assert sorted(m.to_address for m in mails) == sorted([world["organiser"].email, world["participant"].email])
    assert all(f"/walks/{walk.id}/calendar.ics" in m.body_text for m in mails)
    assert "trygghetsvandring" in mails[0].subject.lower()  # Swedish by default
    assert all(i.sent_at is not None for i in session.exec(select(WalkInvite)).all())


def test_the_calendar_file_parses_as_one_event(world, client, auth):
    walk = world.plan()
    auth.as_user(world["participant"])
    response = client.get(f"/walks/{walk.id}/calendar.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    cal = icalendar.Calendar.from_ical(response.data)
    [event] = cal.walk("VEVENT")
    assert str(event["UID"]).startswith(f"walk-{walk.id}@")
    assert "Centrum – stationen" in str(event["SUMMARY"]) and str(event["LOCATION"]) == "Stationen"
    assert event.decoded("DTSTART").timestamp() == walk.starts_at.timestamp()
    assert (event.decoded("DTEND") - event.decoded("DTSTART")).total_seconds() == 90 * 60
    auth.as_user(world["outsider"])
    assert client.get(f"/walks/{walk.id}/calendar.ics").status_code == 404


def test_counts_only_and_bounded(world, session):
    from watch.walks import service

    walk = world.plan()
    service.set_counts(session, user=world["organiser"], walk_id=walk.id, counts={"women": 4, "men": "3", "youth": 2})
    assert (walk.count_women, walk.count_men, walk.count_youth, walk.count_children) == (4, 3, 2, 0)
    for bad in ({"men": -1}, {"women": "many"}, {"elderly": 10**6}):
        with pytest.raises(ServiceError) as exc:
            service.set_counts(session, user=world["organiser"], walk_id=walk.id, counts=bad)
        assert exc.value.code == "count_invalid"
        session.rollback()
    session.refresh(walk)
    assert walk.count_women == 4
