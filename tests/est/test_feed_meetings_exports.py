"""The grannsamverkan feed (counts only), meetings and actions, exports, who sees what, retention, GDPR."""
from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import func, select

from tests.est.conftest import MUNI
from tests.factories import create_area
from watch.accounts import service as accounts
from watch.alerts.models import Alert, AlertArea
from watch.core.errors import ServiceError
from watch.est import hooks
from watch.est.meetings import service as meetings
from watch.est.models import EstReport, EstSnapshot
from watch.est.picture import compute, feed, snapshots
from watch.organisations import service as org_service

NOW = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)
W47 = datetime(2026, 11, 18, 19, 0, tzinfo=UTC)
SECRET_TEXT = "Mannen i röd jacka, Storgatan 5, bil ABC123"


def _area(session, name, muni=MUNI):
    return create_area(session, name=name, municipality=muni, box=(17.0, 58.75, 17.01, 58.755))


def test_the_alerts_feed_carries_counts_only(est, session, client, auth):
    area, other = _area(session, "Gamla stan"), _area(session, "Oxelö hamn", "Oxelösund")
    author = est["outsider"]
    for cat, target in (("burglary", area), ("burglary", area), ("graffiti", area), ("burglary", other)):
        alert = Alert(author_id=author.id, category=cat, text=SECRET_TEXT, lat=58.7523, lon=17.0047, created_at=W47, observed_at=W47,
                      registration="ABC123")
        session.add(alert)
        session.flush()
        session.add(AlertArea(alert_id=alert.id, area_id=target.id))
    session.commit()
    rows = feed.feed(session, MUNI, 2026, 47)
    assert sorted((r["category"], r["est_category"], r["count"]) for r in rows) == [
        ("burglary", "grannsamverkan", 2), ("graffiti", "skadegorelse", 1)]
    assert {r["zone"] for r in rows} == {f"a{area.id}"}
    allowed = {"category", "est_category", "week", "zone", "count"}
    assert all(set(r) == allowed for r in rows)
    # Through the API and in the frozen picture: no text, no author, no registration, no position.
    auth.as_user(est["reader"])
    body = client.get(f"/api/v1/est/feed/{MUNI}/2026/47").get_data(as_text=True)
    snap = snapshots.freeze(session, user=est["coordinator"], municipality=MUNI, year=2026, week=47, now=NOW)
    for blob in (body, snap.data, json.dumps(compute.picture(session, MUNI, 2026, 47))):
        for leak in ("röd jacka", "Storgatan", "ABC123", "58.7523", "17.0047", author.display_name, author.email, '"author'):
            assert leak not in blob
    assert json.loads(snap.data)["feed_total"] == 3


def test_meeting_decisions_and_action_with_before_and_after(est, session):
    coord = est["coordinator"]
    m = meetings.create_meeting(session, user=coord, municipality=MUNI, held_on=date(2026, 11, 27), agenda="1. Lägesbild v.47",
                                attendance=[est.orgs["polisen"].id, est.orgs["hem"].id])
    assert m.week_key == 202647
    meetings.add_decision(session, user=coord, meeting_id=m.id, text="Fokus på Stora torget kvällstid", organisation_id=est.orgs["polisen"].id,
                          place_id=est.place.id)
    with pytest.raises(ServiceError):
        meetings.add_decision(session, user=est["reader"], meeting_id=m.id, text="x")
    with pytest.raises(ServiceError):
        meetings.create_meeting(session, user=coord, municipality=MUNI, held_on=date(2026, 11, 27), attendance=[est.orgs["oxkommun"].id])
    # Two reports at the place in the week before the action, one during it.
    for when in (W47, W47 + timedelta(hours=1), datetime(2026, 11, 24, 20, tzinfo=UTC)):
        est.report(now=NOW, when=when, lon=None, lat=None, place_id=est.place.id)
    action = meetings.create_action(session, user=coord, municipality=MUNI, owner_organisation_id=est.orgs["tekniska"].id,
                                    title="Ny belysning på torget", starts_on=date(2026, 11, 23), ends_on=date(2026, 11, 29),
                                    place_id=est.place.id, meeting_id=m.id)
    assert compute.action_effect(session, action) == (2, 1)
    with pytest.raises(ServiceError) as exc:
        meetings.create_action(session, user=coord, municipality=MUNI, owner_organisation_id=est.orgs["tekniska"].id, title="x",
                               starts_on=date(2026, 11, 29), ends_on=date(2026, 11, 23), place_id=est.place.id)
    assert exc.value.code == "period_invalid"
    d = compute.picture(session, MUNI, 2026, 48)
    assert d["open_actions"][0]["title"] == "Ny belysning på torget" and d["decisions"]["items"][0]["organisation"] == "Polisen Nyköping"
    meetings.update_action(session, user=coord, action_id=action.id, status="done", effect_note="Lampor bytta")
    assert compute.picture(session, MUNI, 2026, 48)["open_actions"] == []


def _csv(resp):
    return list(csv.DictReader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))


def test_exports_who_sees_what(est, session, client, auth):
    est.report(now=NOW, when=W47, description="Klotter på garaget")
    est.report(who="housing", org="hem", now=NOW, when=W47, description="Glaskross i trapphus")
    year = 2026
    auth.as_user(est["reader"])
    full = _csv(client.get(f"/est/{MUNI}/export/{year}/reports.csv"))
    assert len(full) == 2 and {"description", "cell", "organisation"} <= set(full[0])
    assert "reporter" not in ",".join(full[0])
    auth.as_user(est["housing"])
    own = _csv(client.get(f"/api/v1/est/exports/{MUNI}/{year}/reports.csv"))
    assert [r["description"] for r in own] == ["Glaskross i trapphus"]
    agg = _csv(client.get(f"/est/{MUNI}/export/{year}/aggregates.csv"))
    assert sum(int(r["count"]) for r in agg) == 2 and set(agg[0]) == {"iso_week", "category", "zone", "count"}
    cells = client.get(f"/est/{MUNI}/export/{year}/cells.geojson").get_json()
    assert cells["features"][0]["geometry"]["type"] == "Polygon" and cells["features"][0]["properties"]["count"] == 2
    geo = client.get(f"/est/{MUNI}/export/{year}/reports.geojson").get_json()
    assert len(geo["features"]) == 1 and geo["features"][0]["geometry"]["type"] == "Point"
    # The housing company sees its own reports in full, others' only in aggregates.
    others = session.exec(select(EstReport).where(EstReport.organisation_id == est.orgs["tekniska"].id)).first()
    assert client.get(f"/api/v1/est/reports/{others.id}").status_code == 404
    assert client.get(f"/est/{MUNI}/export/{year}/nope.csv").status_code == 404
    auth.as_user(est["outsider"])
    assert client.get(f"/est/{MUNI}/export/{year}/aggregates.csv").status_code == 403


def test_retention_purges_reports_and_keeps_snapshot_aggregates(est, session, app):
    from watch.core import tasks

    old = est.report(now=NOW, when=W47)
    snapshots.freeze(session, user=est["coordinator"], municipality=MUNI, year=2026, week=47, now=NOW)
    assert hooks.purge(session, days=1096, now=NOW) == 0
    assert hooks.purge(session, days=3, now=NOW) == 1
    session.expire_all()
    assert session.get(EstReport, old.id) is None
    assert json.loads(session.exec(select(EstSnapshot)).one().data)["total"] == 1
    assert "est-retention" in [t.name for t in tasks.tasks(app)]
    assert app.config["EST_RETENTION_DAYS"] == 3 * 365 + 1


def test_gdpr_export_and_delete_keep_the_place_forget_the_person(est, session):
    r = est.report(now=NOW, when=W47, description="Klotter")
    data = accounts.export_data(session, est["reporter"])
    assert data["est_reports"][0]["id"] == r.id
    accounts.delete_user(session, est["reporter"])
    session.expire_all()
    kept = session.get(EstReport, r.id)
    assert kept is not None and kept.reporter_id is None


def test_an_organisation_with_reports_is_deactivated_not_deleted(est, session, make_user):
    est.report(now=NOW, when=W47)
    with pytest.raises(ServiceError) as exc:
        org_service.delete_organisation(session, actor=make_user(admin=True), organisation_id=est.orgs["tekniska"].id)
    assert exc.value.code == "organisation_in_use"


@pytest.mark.parametrize("who", ["coordinator", "reader", "police", "housing"])
def test_every_page_renders_for_the_est_group(est, client, auth, who):
    est.report(now=NOW, when=W47)
    auth.as_user(est[who])
    for path in (f"/est/{MUNI}/", "/est/", f"/est/{MUNI}/week/2026/47", f"/est/{MUNI}/week/2026/47/print", f"/est/{MUNI}/year/2026/print",
                 f"/est/{MUNI}/analysis?year=2026&period=Q4", f"/est/{MUNI}/analysis?year=2026&period=T3",
                 f"/est/{MUNI}/meetings", f"/est/{MUNI}/actions"):
        r = client.get(path, follow_redirects=True)
        assert r.status_code == 200, (path, r.status_code)
    review = client.get(f"/est/{MUNI}/review?week=2026-W47")
    assert review.status_code == (200 if who == "coordinator" else 403)
    bad = client.get(f"/est/{MUNI}/analysis?period=Q9", follow_redirects=True)
    assert "Välj ett kvartal, ett tertial eller hela året." in bad.get_data(as_text=True)
