"""Public by choice: the municipality publishes reports by grid cell, photos only after approval, never the reporter.
Service targets counted on working days when the municipality chooses (Swedish public holidays)."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlmodel import select

from tests.graffiti.conftest import MUNI, report
from watch.core.time import utcnow
from watch.core.time import TZ
from watch.graffiti import lifecycle, public, targets
from watch.graffiti.models import GraffitiPhoto, GraffitiReport, GraffitiSettings


def publish(gw, **kw):
    return public.save_settings(gw.session, user=gw["coord"], municipality=MUNI, public=kw.get("public", True),
                                working_days=kw.get("working_days", False))


def test_nothing_is_public_until_the_municipality_chooses(gw, client, session):
    report(gw)
    assert client.get(f"/graffiti/public/{MUNI}").status_code == 404
    assert client.get(f"/graffiti/public/{MUNI}.geojson").status_code == 404
    photo = session.exec(select(GraffitiPhoto)).one()
    photo.approved = True
    session.add(photo)
    session.commit()
    assert client.get(f"/graffiti/public/photos/{photo.id}").status_code == 404  # approved, but not published


def test_the_public_page_shows_places_not_persons_and_photos_only_after_approval(gw, client, auth, session):
    r = report(gw, description="Taggen ser ut som Kalles", address="Storgatan 1")
    publish(gw)
    page = client.get(f"/graffiti/public/{MUNI}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="graffiti-public"' in html and "Fasad" in html and "2,5 m²" in html
    assert gw["participant"].display_name not in html and "Kalles" not in html and "Storgatan 1" not in html
    assert f"{r.lat:.5f}" not in html and "/graffiti/public/photos/" not in html
    geo = client.get(f"/graffiti/public/{MUNI}.geojson")
    assert geo.mimetype == "application/geo+json"
    [feature] = geo.get_json()["features"]
    assert feature["geometry"]["type"] == "Polygon" and set(feature["properties"]) == {
        "object_type", "status", "area_m2", "month", "hours_to_clean"}
    photo = session.exec(select(GraffitiPhoto)).one()
    # only a coordinator approves; a handler of another kind or the reporter cannot
    for who in ("participant", "organiser"):
        auth.as_user(gw[who])
        assert client.post(f"/graffiti/photos/{photo.id}/approval", data={"approved": "1"}).status_code in (403, 404)
    session.refresh(photo)
    assert photo.approved is False
    auth.as_user(gw["coord"])
    assert client.post(f"/graffiti/photos/{photo.id}/approval", data={"approved": "1"}).status_code == 302
    assert client.post("/graffiti/photos/999999/approval", data={"approved": "1"}).status_code == 404
    auth.logout()
    html = client.get(f"/graffiti/public/{MUNI}").get_data(as_text=True)
    assert f"/graffiti/public/photos/{photo.id}" in html
    assert client.get(f"/graffiti/public/photos/{photo.id}").mimetype == "image/jpeg"
    # withdrawn again
    auth.as_user(gw["coord"])
    client.post(f"/graffiti/photos/{photo.id}/approval", data={"approved": "0"})
    auth.logout()
    assert client.get(f"/graffiti/public/photos/{photo.id}").status_code == 404


def test_time_to_clean_is_published_and_duplicates_are_not(gw, client, session):
    r = report(gw)
    dup = report(gw, not_duplicate=True)
    lifecycle.set_status(session, user=gw["organiser"], report_id=dup.id, status="duplicate", duplicate_of=r.id)
    r.cleaned_at, r.status = r.created_at + timedelta(hours=30), "cleaned"
    session.add(r)
    session.commit()
    publish(gw)
    rows = public.public_reports(session, MUNI)
    assert [x["id"] for x in rows] == [r.id] and rows[0]["hours_to_clean"] == 30.0


def test_settings_are_for_coordinators_and_saved_through_the_setup_page(gw, client, auth, session):
    auth.as_user(gw["organiser"])
    assert client.post(f"/graffiti/setup/{MUNI}", data={"kind": "settings", "s-public": "y"}).status_code == 403
    assert session.get(GraffitiSettings, MUNI) is None
    auth.as_user(gw["coord"])
    assert client.post(f"/graffiti/setup/{MUNI}", data={"kind": "settings", "s-public": "y", "s-working_days": "y"}).status_code == 302
    row = session.get(GraffitiSettings, MUNI)
    session.refresh(row)
    assert row.public and row.working_days
    assert 'id="graffiti-public-link"' in client.get(f"/graffiti/setup/{MUNI}").get_data(as_text=True)


def at(*args):
    return datetime(*args, tzinfo=TZ)


@pytest.mark.parametrize("start, hours, due", [
    (at(2026, 11, 27, 15, 0), 24, at(2026, 11, 30, 15, 0)),  # Friday → Monday
    (at(2026, 11, 28, 10, 0), 24, at(2026, 12, 1, 0, 0)),  # reported on a Saturday: Monday counts whole
    (at(2026, 11, 25, 9, 0), 48, at(2026, 11, 27, 9, 0)),  # Wednesday → Friday
    (at(2026, 12, 23, 10, 0), 48, at(2026, 12, 29, 10, 0)),  # Christmas: 24th–27th are off
    (at(2026, 4, 2, 12, 0), 24, at(2026, 4, 7, 12, 0)),  # Easter: Good Friday and Easter Monday
    (at(2026, 6, 18, 8, 0), 24, at(2026, 6, 22, 8, 0)),  # Midsummer Eve (Friday 19th)
    (at(2026, 1, 5, 18, 0), 24, at(2026, 1, 7, 18, 0)),  # Epiphany, 6 January
])
def test_working_day_targets_skip_weekends_and_swedish_holidays(start, hours, due):
    assert targets.add_working_hours(start, hours) == due


def test_a_report_gets_a_working_day_target_only_when_the_municipality_chose_it(gw, session, app):
    friday = at(2026, 11, 27, 15, 0)
    plain = targets.due(session, MUNI, friday, 24)
    assert plain == friday + timedelta(hours=24)
    publish(gw, public=False, working_days=True)
    assert targets.due(session, MUNI, friday, 24) == at(2026, 11, 30, 15, 0)
    r = report(gw, offensive=True)
    assert r.due_at > utcnow()
    expected = targets.add_working_hours(r.created_at, 24)
    assert abs((r.due_at - expected).total_seconds()) < 1
    # not escalated before the working-day target passes
    assert lifecycle.escalate(session, now=r.created_at + timedelta(hours=1)) == 0
    assert lifecycle.escalate(session, now=r.due_at + timedelta(minutes=1)) == 1
    assert session.get(GraffitiReport, r.id).escalated_at is not None
