"""One submission, two routes: the work order by e-mail, the police package; bad input refused with nothing stored."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from PIL import Image
from sqlmodel import func, select

from tests.graffiti.conftest import IN_BRANDHOLMEN, IN_CENTRUM, OUTSIDE, image_bytes, report
from watch.core.time import utcnow
from watch.core.errors import ServiceError
from watch.est.models import EstReport
from watch.graffiti import lifecycle, service
from watch.graffiti.models import GraffitiPhoto, GraffitiReport
from watch.mail.models import OutboxMessage


def count(session, model):
    query = select(func.count()).select_from(model)
    if model is OutboxMessage:
        query = query.where(OutboxMessage.kind.startswith("graffiti"))
    return session.exec(query).one()


def test_a_report_makes_a_work_order_and_an_est_report(gw, session):
    r = report(gw, offensive=True)
    assert r.status == "submitted" and r.organisation_id == gw.orgs["tekniska"].id and r.owner_type == "unknown"
    assert abs((r.due_at - r.created_at).total_seconds() - 24 * 3600) < 1
    [order] = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "graffiti_work_order")).all()
    assert order.to_address == "klotter@tekniska.example.se" and f"/graffiti/{r.id}" in order.body_text
    assert "Klotter nr" in order.subject  # Swedish: the owner's office reads it
    est = session.get(EstReport, r.est_report_id)
    assert (est.source, est.category, est.subcategory) == ("klotter", "skadegorelse", "klotter")


def test_the_owner_layer_routes_housing_graffiti_to_the_housing_company(gw, session):
    r = report(gw, lon=IN_BRANDHOLMEN[0], lat=IN_BRANDHOLMEN[1])
    assert r.owner_type == "municipal_housing" and r.organisation_id == gw.orgs["bostad"].id
    assert session.exec(select(OutboxMessage.to_address).where(OutboxMessage.kind == "graffiti_work_order")).one() == "felanmalan@hem.example.se"
    assert abs((r.due_at - r.created_at).total_seconds() - 48 * 3600) < 1


@pytest.mark.parametrize("kw, code", [
    (dict(lon=OUTSIDE[0], lat=OUTSIDE[1]), "outside_municipality"),
    (dict(lon=None, lat=None), "where_missing"),
    (dict(photos=[]), "photos_count"),
    (dict(photos=[image_bytes()] * 4), "photos_count"),
    (dict(photos=[b"junk"]), "photo_type"),
    (dict(object_type="car"), "object_type_unknown"),
    (dict(area_m2=0), "area_invalid"),
    (dict(area_m2=float("inf")), "area_invalid"),
    (dict(observed_at=utcnow() + timedelta(days=1)), "observed_invalid"),
    (dict(in_progress=True), "in_progress"),
])
def test_bad_input_is_refused_and_nothing_is_stored(gw, session, kw, code):
    with pytest.raises(ServiceError) as exc:
        report(gw, **kw)
    assert exc.value.code == code
    session.rollback()
    assert count(session, GraffitiReport) == 0 and count(session, GraffitiPhoto) == 0 and count(session, OutboxMessage) == 0
    assert count(session, EstReport) == 0
    assert not list(service.photo_dir().iterdir())


def test_a_replayed_submission_is_stored_once(gw, session):
    first = report(gw, client_key="abc")
    again = report(gw, client_key="abc")
    assert again.id == first.id and count(session, GraffitiReport) == 1 and count(session, OutboxMessage) == 1


def test_likely_duplicates_are_offered_and_the_photo_can_join_them(gw, session):
    first = report(gw)
    near = (IN_CENTRUM[0] + 0.0003, IN_CENTRUM[1])  # about 17 m east
    with pytest.raises(ServiceError) as exc:
        report(gw, who="hem", lon=near[0], lat=near[1])
    assert exc.value.code == "likely_duplicate" and exc.value.details["candidates"] == [first.id]
    session.rollback()
    joined = report(gw, who="hem", lon=near[0], lat=near[1], same_as=first.id)
    assert joined.id == first.id and count(session, GraffitiPhoto) == 2 and count(session, GraffitiReport) == 1
    second = report(gw, who="hem", lon=near[0], lat=near[1], not_duplicate=True)
    assert second.id != first.id
    far = (IN_CENTRUM[0] + 0.002, IN_CENTRUM[1])  # about 115 m
    assert report(gw, lon=far[0], lat=far[1]).id not in (first.id, second.id)


def test_photos_lose_exif_but_keep_when_they_were_taken(gw, session):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0132] = "2026:11:28 21:15:00"
    exif[0x8825] = {1: "N", 2: (58.0, 45.0, 7.0), 3: "E", 4: (17.0, 0.0, 18.0)}
    r = report(gw, photos=[image_bytes("JPEG", exif=exif)])
    [photo] = lifecycle.photos_of(session, r.id)
    assert photo.taken_at.astimezone(photo.taken_at.tzinfo).strftime("%Y-%m-%d %H:%M") in ("2026-11-28 20:15", "2026-11-28 21:15")
    stored = (service.photo_dir() / photo.filename).read_bytes()
    assert b"PhoneMaker" not in stored
    with Image.open(io.BytesIO(stored)) as im:
        assert not im.getexif()


def test_states_case_number_and_cleaning(gw, session):
    r = report(gw)
    org = gw["organiser"]  # a reporter of Tekniska, where the report was routed
    with pytest.raises(ServiceError) as exc:
        lifecycle.set_status(session, user=gw["hem"], report_id=r.id, status="accepted")
    assert exc.value.status == 404  # Nyköpingshem does not handle Tekniska's reports
    session.rollback()
    lifecycle.set_status(session, user=org, report_id=r.id, status="accepted")
    with pytest.raises(ServiceError) as exc:
        lifecycle.set_status(session, user=org, report_id=r.id, status="police_reported")
    assert exc.value.code == "case_number_required"
    session.rollback()
    lifecycle.set_case_number(session, user=org, report_id=r.id, case_number="K123456-26")
    assert r.status == "police_reported"
    with pytest.raises(ServiceError) as exc:
        lifecycle.set_status(session, user=org, report_id=r.id, status="cleaned")
    assert exc.value.code == "after_photo_required"
    session.rollback()
    lifecycle.set_status(session, user=org, report_id=r.id, status="cleaned", after_photo=image_bytes())
    lifecycle.set_status(session, user=org, report_id=r.id, status="closed")
    assert r.status == "closed" and r.after_photo and r.cleaned_at
    text = lifecycle.police_csv(session, [r], lambda p: f"/p/{p.id}")
    row = list(csv.DictReader(io.StringIO(text)))[0]
    assert row["police_case_number"] == "K123456-26" and row["area_m2"] == "2.5" and row["address"] == "Storgatan 1"
    stats = lifecycle.statistics(session, "Nyköping", r.observed_at.year)
    assert stats[0]["district"] == "Centrum" and stats[0]["count"] == 1 and stats[0]["mean_hours_to_clean"] is not None


def test_late_reports_escalate_once_by_email(gw, session, app):
    from watch.core import tasks

    r = report(gw)
    r.due_at = utcnow() - timedelta(minutes=1)
    session.add(r)
    session.commit()
    assert "graffiti-escalation" in tasks.run_all(app, only="graffiti-escalation")
    tasks.run_all(app, only="graffiti-escalation")
    session.rollback()
    late = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "graffiti_escalation")).all()
    assert sorted(m.to_address for m in late) == sorted(["klotter@tekniska.example.se", gw["coord"].email])
