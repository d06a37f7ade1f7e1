"""Submitting reports: the good path and every bad input, each refused with nothing written."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import func, select

from tests.est.conftest import IN_BRANDHOLMEN, MUNI, OUTSIDE
from watch.core.errors import ServiceError
from watch.est.models import EstReport, EstReportZone
from watch.est.picture import snapshots

NOW = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)  # Wednesday, ISO week 48


def count(session, model=EstReport):
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


def test_a_report_gets_its_week_band_cell_and_zones(est, session):
    r = est.report(when=datetime(2026, 11, 24, 21, 30, tzinfo=UTC), now=NOW, people_count=7, subcategory="klotter",
                   description="Klotter på elskåpet vid Stora torget")
    assert (r.week_key, r.time_band, r.people_band, r.weekday, r.hour) == (202648, "evening", "5-10", 1, 22)
    assert r.cell and r.status == "submitted"
    zones = session.exec(select(EstReportZone.zone).where(EstReportZone.report_id == r.id)).all()
    assert zones == [f"d{est.districts['centrum'].id}"]


def test_a_named_place_gives_the_position(est):
    r = est.report(now=NOW, when=NOW - timedelta(hours=2), lon=None, lat=None, place_id=est.place.id, setting="stairwell")
    assert (r.lon, r.lat, r.setting) == (17.006, 58.754, "stairwell")


def test_the_offline_queue_sending_twice_stores_once(est, session):
    a = est.report(now=NOW, when=NOW - timedelta(hours=1), client_key="abc")
    b = est.report(now=NOW, when=NOW - timedelta(hours=1), client_key="abc")
    assert a.id == b.id and count(session) == 1


BAD = [
    ("outside_municipality", dict(lon=OUTSIDE[0], lat=OUTSIDE[1]), "Platsen ligger utanför Nyköping."),
    ("in_future", dict(when=NOW + timedelta(hours=2)), "Tiden ligger i framtiden."),
    ("too_old", dict(when=NOW - timedelta(days=30)), "Vecka 44 är stängd"),
    ("category_unknown", dict(category="mord"), "Okänd kategori."),
    ("subcategory_unknown", dict(subcategory="brak"), "Okänd underkategori för den kategorin."),
    ("people_absurd", dict(people_count=100000), "Antalet personer måste vara mellan 1 och 500."),
    ("people_absurd", dict(people_count=0), "Antalet personer måste vara mellan 1 och 500."),
    ("people_band_unknown", dict(people_band="7"), "Ange antalet personer som 1–4, 5–10 eller fler."),
    ("personnummer", dict(description="Lappen hade 811218-9876 på sig"), "personnummer"),
    ("personal_data_warning", dict(description="Ring 070-123 45 67"), "telefonnummer"),
    ("where_missing", dict(lon=None, lat=None), "Sätt en nål på kartan eller välj en plats."),
    ("position_invalid", dict(lon=float("nan"), lat=58.7), "Positionen är inte giltig."),
    ("police_ref", dict(police_ref="K123-45"), "polisanmäld"),
]


@pytest.mark.parametrize("code,kw,message", BAD, ids=[f"{b[0]}-{i}" for i, b in enumerate(BAD)])
def test_bad_input_is_refused_in_swedish_and_nothing_is_written(est, session, app, code, kw, message):
    when = kw.pop("when", NOW - timedelta(hours=1))
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        with pytest.raises(ServiceError) as exc:
            est.report(now=NOW, when=when, **kw)
        assert exc.value.code == code
        assert message in str(exc.value.message)
    session.rollback()
    assert count(session) == 0 and count(session, EstReportZone) == 0


def test_a_warning_can_be_confirmed_but_a_personnummer_never(est, session):
    r = est.report(now=NOW, description="Ring 070-123 45 67", confirm_personal_data=True)
    assert r.id
    with pytest.raises(ServiceError):
        est.report(now=NOW, description="811218-9876", confirm_personal_data=True)


def test_a_frozen_week_takes_no_more_reports(est, session):
    est.report(now=NOW, when=datetime(2026, 11, 18, 10, tzinfo=UTC))
    snapshots.freeze(session, user=est["coordinator"], municipality=MUNI, year=2026, week=47, now=NOW)
    with pytest.raises(ServiceError) as exc:
        est.report(now=NOW, when=datetime(2026, 11, 18, 12, tzinfo=UTC))
    assert exc.value.code == "week_frozen" and exc.value.status == 409
    assert count(session) == 1


@pytest.mark.parametrize("who,org", [("reader", "fritid"), ("outsider", "tekniska"), ("police", "polisen"),
                                     ("reporter", "hem"), ("oxelo", "oxkommun")])
def test_only_reporters_for_their_own_organisation(est, session, who, org):
    with pytest.raises(ServiceError) as exc:
        est.report(who=who, org=org, now=NOW)
    assert exc.value.status == 403
    assert count(session) == 0


def test_api_submit_and_error_envelopes(est, client, auth, session):
    auth.as_user(est["housing"])
    body = {"municipality": MUNI, "organisation_id": est.orgs["hem"].id, "occurred_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
            "category": "otrygg_plats", "subcategory": "belysning", "lon": IN_BRANDHOLMEN[0], "lat": IN_BRANDHOLMEN[1],
            "setting": "garage", "description": "Trasig belysning i garaget"}
    r = client.post("/api/v1/est/reports", json=body)
    assert r.status_code == 201, r.get_json()
    assert r.headers["Location"] == f"/api/v1/est/reports/{r.get_json()['id']}"
    assert "reporter_id" not in r.get_json()
    bad = client.post("/api/v1/est/reports", json={**body, "people_count": 99999})
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "people_absurd"
    pnr = client.post("/api/v1/est/reports", json={**body, "description": "19811218-9876"}, headers={"Accept-Language": "sv"})
    assert pnr.status_code == 422 and "personnummer" in pnr.get_json()["error"]["message"]
    future = client.post("/api/v1/est/reports", json={**body, "occurred_at": (datetime.now(UTC) + timedelta(days=1)).isoformat()})
    assert future.get_json()["error"]["code"] == "in_future"
    shape = client.post("/api/v1/est/reports", json={**body, "organisation_id": "x"})
    assert shape.status_code == 422 and shape.get_json()["error"]["code"] == "validation_error"
    assert count(session) == 1
    assert "/api/v1/est/reports" in client.get("/api/v1/openapi.json").get_json()["paths"]


def test_api_token_submission(est, client, session):
    from watch.accounts.service import create_token

    _token, secret = create_token(session, est["housing"], name="Nyköpingshems felanmälan")
    body = {"municipality": MUNI, "organisation_id": est.orgs["hem"].id, "occurred_at": (datetime.now(UTC) - timedelta(hours=3)).isoformat(),
            "category": "skadegorelse", "subcategory": "glaskross", "lon": IN_BRANDHOLMEN[0], "lat": IN_BRANDHOLMEN[1],
            "client_key": "hem-4711"}
    r = client.post("/api/v1/est/reports", json=body, headers={"Authorization": f"Bearer {secret}"})
    assert r.status_code == 201, r.get_json()
    again = client.post("/api/v1/est/reports", json=body, headers={"Authorization": f"Bearer {secret}"})
    assert again.get_json()["id"] == r.get_json()["id"]


def test_the_report_form_works_without_javascript(est, client, auth, session):
    auth.as_user(est["reporter"])
    page = client.get(f"/est/{MUNI}/report")
    assert page.status_code == 200 and "Ny EST-rapport" in page.get_data(as_text=True)
    when = (datetime.now(UTC) - timedelta(hours=1)).astimezone().strftime("%Y-%m-%dT%H:%M")
    form = {"organisation_id": est.orgs["tekniska"].id, "occurred_at": when, "what": "ordningsstorning:brak", "place_id": 0,
            "lat": "58.7531", "lon": "17.0051", "setting": "outdoor", "people_band": "1-4", "description": "Bråk vid busshållplatsen",
            "source": "rapportor", "client_key": "k1"}
    r = client.post(f"/est/{MUNI}/report", data=form)
    assert r.status_code == 302, r.get_data(as_text=True)
    warned = client.post(f"/est/{MUNI}/report", data={**form, "client_key": "k2", "description": "Elin i 8B var där"})
    html = warned.get_data(as_text=True)
    assert warned.status_code == 200 and "skolklass" in html and 'name="confirm_personal_data"' in html
    outside = client.post(f"/est/{MUNI}/report", data={**form, "client_key": "k3", "lat": "58.9", "lon": "17.5"})
    assert "Platsen ligger utanför Nyköping." in outside.get_data(as_text=True)
    assert count(session) == 1


def test_api_idempotency_key_header_stores_once(est, client, auth, session):
    auth.as_user(est["reporter"])
    body = {"municipality": MUNI, "organisation_id": est.orgs["tekniska"].id, "occurred_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
            "category": "samling", "place_id": est.place.id, "people_band": "5-10"}
    first = client.post("/api/v1/est/reports", json=body, headers={"Idempotency-Key": "queue-1"})
    second = client.post("/api/v1/est/reports", json=body, headers={"Idempotency-Key": "queue-1"})
    assert first.status_code == second.status_code == 201 and first.get_json()["id"] == second.get_json()["id"]
    assert client.post("/api/v1/est/reports", json=body, headers={"Idempotency-Key": "x" * 65}).status_code == 422
    assert count(session) == 1
