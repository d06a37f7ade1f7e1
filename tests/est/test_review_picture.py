"""Review, the weekly picture, freezing "Lägesbild v.NN", the public page."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import func, select

from tests.est.conftest import IN_BRANDHOLMEN, MUNI
from watch.core.errors import ServiceError
from watch.est.models import EstConfig, EstReport, EstSnapshot
from watch.est.picture import compute, snapshots
from watch.est.reports import service

NOW = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)  # Wednesday of week 48
W47 = datetime(2026, 11, 18, 19, 0, tzinfo=UTC)  # Wednesday of week 47, evening


def test_review_accept_reject_merge(est, session):
    a, b, c = (est.report(now=NOW, when=W47) for _ in range(3))
    coord = est["coordinator"]
    assert service.review(session, user=coord, report_id=a.id, decision="accept").status == "accepted"
    with pytest.raises(ServiceError) as exc:
        service.review(session, user=coord, report_id=b.id, decision="reject", reason="  ")
    assert exc.value.code == "reason_required"
    assert service.review(session, user=coord, report_id=b.id, decision="reject", reason="Privat mark").reject_reason == "Privat mark"
    merged = service.review(session, user=coord, report_id=c.id, decision="merge", into_id=a.id)
    assert (merged.status, merged.merged_into_id) == ("merged", a.id)
    with pytest.raises(ServiceError):
        service.review(session, user=coord, report_id=a.id, decision="merge", into_id=c.id)  # into a merged one
    assert compute.picture(session, MUNI, 2026, 47)["total"] == 1


def test_merge_across_municipalities_is_refused(est, session, make_user):
    from watch.organisations.models import OrganisationMembership

    mine = est.report(now=NOW, when=W47)
    oxel_rep = make_user()
    session.add(OrganisationMembership(organisation_id=est.orgs["oxkommun"].id, user_id=oxel_rep.id, role="rapportor"))
    session.commit()
    est.people["oxel_rep"] = oxel_rep
    theirs = est.report(who="oxel_rep", org="oxkommun", municipality="Oxelösund", now=NOW, when=W47, lon=17.11, lat=58.67)
    admin = make_user(admin=True)
    with pytest.raises(ServiceError) as exc:
        service.review(session, user=admin, report_id=mine.id, decision="merge", into_id=theirs.id)
    assert (exc.value.code, exc.value.status) == ("merge_municipality", 409)
    session.expire_all()
    assert session.get(EstReport, mine.id).status == "submitted"


def test_review_needs_the_coordinator(est, session):
    r = est.report(now=NOW, when=W47)
    for who in ("reporter", "reader", "police", "oxelo"):
        with pytest.raises(ServiceError) as exc:
            service.review(session, user=est[who], report_id=r.id, decision="accept")
        assert exc.value.status in (403, 404)


def test_picture_counts_change_and_four_week_average(est, session):
    # Weeks 43..46: 4, 0, 2, 2 reports -> average 2; week 47: 5 reports, 3 in Centrum, 2 in Brandholmen.
    for week_start, n in ((datetime(2026, 10, 21, 10, tzinfo=UTC), 4), (datetime(2026, 11, 4, 10, tzinfo=UTC), 2),
                          (datetime(2026, 11, 11, 10, tzinfo=UTC), 2)):
        for i in range(n):
            r = EstReport(municipality=MUNI, organisation_id=est.orgs["tekniska"].id, occurred_at=week_start, time_band="day",
                          week_key=int(week_start.strftime("%G%V")), weekday=2, hour=11, category="skadegorelse")
            session.add(r)
    session.commit()
    for i in range(3):
        est.report(now=NOW, when=W47, subcategory="klotter")
    for i in range(2):
        est.report(now=NOW, when=W47, lon=IN_BRANDHOLMEN[0], lat=IN_BRANDHOLMEN[1], category="samling", people_band="5-10")
    d = compute.picture(session, MUNI, 2026, 47)
    assert d["total"] == 5 and d["previous_total"] == 2 and d["avg4_total"] == 2.0
    assert d["totals"] == {"skadegorelse": 3, "samling": 2}
    assert d["avg4"]["skadegorelse"] == 2.0 and d["previous"] == {"skadegorelse": 2}
    zones = {(c, d["zones"][z]): n for c, z, n in d["counts"]}
    assert zones == {("skadegorelse", "Centrum"): 3, ("samling", "Brandholmen"): 2}
    assert sum(n for _c, n in d["cells"]) == 5 and len(d["cells"]) == 2
    assert d["unreviewed"] == 5


def test_freeze_is_immutable_and_refused_twice(est, session):
    est.report(now=NOW, when=W47)
    coord = est["coordinator"]
    snap = snapshots.freeze(session, user=coord, municipality=MUNI, year=2026, week=47, now=NOW)
    frozen = json.loads(snap.data)
    assert frozen["total"] == 1 and frozen["week"] == 47
    # Nothing about persons or points in a snapshot: counts and cells only.
    text = snap.data
    assert "reporter" not in text and '"lon"' not in text and '"lat"' not in text and "description" not in text
    with pytest.raises(ServiceError) as exc:
        snapshots.freeze(session, user=coord, municipality=MUNI, year=2026, week=47, now=NOW)
    assert exc.value.status == 409 and exc.value.code == "already_frozen"
    with pytest.raises(ServiceError) as exc:
        snapshots.freeze(session, user=coord, municipality=MUNI, year=2026, week=48, now=NOW)
    assert exc.value.code == "week_not_over"
    with pytest.raises(ServiceError):
        snapshots.freeze(session, user=est["reporter"], municipality=MUNI, year=2026, week=46, now=NOW)
    with pytest.raises(ServiceError) as exc:
        service.review(session, user=coord, report_id=session.exec(select(EstReport.id)).first(), decision="reject", reason="x")
    assert exc.value.code == "week_frozen"
    assert session.exec(select(func.count()).select_from(EstSnapshot)).one() == 1


def test_freeze_pages_and_api(est, client, auth, session):
    auth.as_user(est["coordinator"])
    y, w = 2025, 10
    r = client.post(f"/api/v1/est/pictures/{MUNI}/{y}/{w}/freeze")
    assert r.status_code == 201 and r.get_json()["title"] == "Lägesbild v.10"
    again = client.post(f"/api/v1/est/pictures/{MUNI}/{y}/{w}/freeze")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_frozen"
    assert client.post(f"/api/v1/est/pictures/{MUNI}/2025/54/freeze").status_code == 404
    html = client.get(f"/est/{MUNI}/week/{y}/{w}").get_data(as_text=True)
    assert "Lägesbild v.10" in html and "fastställd" in html and "Fastställ Lägesbild" not in html
    assert "Lägesbild v.10 2025</a>" in client.get(f"/est/{MUNI}/").get_data(as_text=True)
    page = client.post(f"/est/{MUNI}/week/{y}/{w}/freeze", follow_redirects=True).get_data(as_text=True)
    assert "Lägesbild v.10 är redan fastställd och kan inte ändras." in page
    auth.as_user(est["reader"])
    assert client.post(f"/api/v1/est/pictures/{MUNI}/2025/11/freeze").status_code == 403
    assert client.get(f"/api/v1/est/pictures/{MUNI}/{y}/{w}").get_json()["frozen"] is True
    auth.as_user(est["outsider"])
    assert client.get(f"/api/v1/est/pictures/{MUNI}/{y}/{w}").status_code == 403
    assert client.get(f"/est/{MUNI}/week/{y}/{w}").status_code == 403


def test_public_page_only_when_published_and_only_districts(est, client, session):
    est.report(now=NOW, when=W47)
    snapshots.freeze(session, user=est["coordinator"], municipality=MUNI, year=2026, week=47, now=NOW)
    assert client.get(f"/est/public/{MUNI}/2026/47").status_code == 404
    session.add(EstConfig(municipality=MUNI, publish_public=True))
    session.commit()
    html = client.get(f"/est/public/{MUNI}/2026/47").get_data(as_text=True)
    assert "Centrum" in html and "Skadegörelse" in html
    assert "17.00" not in html and "58.75" not in html
    assert client.get(f"/est/public/{MUNI}/2026/46").status_code == 404  # not frozen
