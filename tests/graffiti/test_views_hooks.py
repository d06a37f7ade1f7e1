"""The graffiti pages without JavaScript, the police package, setup, statistics, GDPR and retention."""
from __future__ import annotations

import io
from datetime import timedelta

from sqlmodel import func, select

from tests.graffiti.conftest import IN_CENTRUM, MUNI, image_bytes, report
from watch.core import events, tasks
from watch.core.time import utcnow
from watch.graffiti import hooks, service
from watch.graffiti.models import GraffitiReport, RoutingRule


def form(**kw):
    data = {"municipality": MUNI, "lat": str(IN_CENTRUM[1]), "lon": str(IN_CENTRUM[0]), "address": "Storgatan 1",
            "object_type": "cabinet", "owner_type": "unknown", "area_m2": "1,5".replace(",", "."), "client_key": "form-1",
            "photos": (io.BytesIO(image_bytes()), "klotter.jpg")}
    data.update(kw)
    return data


def test_reporting_through_the_form_with_the_112_guard(gw, client, auth, session):
    auth.as_user(gw["participant"])
    assert client.get("/graffiti/new").status_code == 200
    guard = client.post("/graffiti/new", data=form(in_progress="y"), content_type="multipart/form-data")
    html = guard.get_data(as_text=True)
    assert guard.status_code == 422 and 'href="tel:112"' in html and 'id="graffiti-call-112"' in html
    assert session.exec(select(func.count()).select_from(GraffitiReport)).one() == 0
    ok = client.post("/graffiti/new", data=form(), content_type="multipart/form-data")
    assert ok.status_code == 302
    r = session.exec(select(GraffitiReport)).one()
    assert r.object_type == "cabinet" and r.area_m2 == 1.5
    page = client.get(ok.location).get_data(as_text=True)
    assert "Klotter nr" in page and "Underlag för polisanmälan" not in page  # the reporter is no handler
    assert client.get(f"/graffiti/{r.id}/police").status_code == 404


def test_handlers_get_the_police_package_and_csv(gw, client, auth, session):
    r = report(gw)
    auth.as_user(gw["organiser"])
    page = client.get(f"/graffiti/{r.id}/police")
    assert page.status_code == 200 and "Storgatan 1" in page.get_data(as_text=True)
    client.post(f"/graffiti/{r.id}/status", data={"status": "accepted"})
    client.post(f"/graffiti/{r.id}/case-number", data={"police_case_number": "K555-26"})
    session.refresh(r)
    assert (r.status, r.police_case_number) == ("police_reported", "K555-26")
    csv_page = client.get(f"/graffiti/queue/{MUNI}/police.csv")
    assert csv_page.mimetype == "text/csv" and "K555-26" in csv_page.get_data(as_text=True)
    auth.as_user(gw["outsider"])
    assert client.get(f"/graffiti/{r.id}").status_code == 404
    assert f"/graffiti/{r.id}" not in client.get(f"/graffiti/queue/{MUNI}").get_data(as_text=True)


def test_setup_and_statistics_for_coordinators_only(gw, client, auth, session):
    auth.as_user(gw["participant"])
    assert client.get(f"/graffiti/setup/{MUNI}").status_code == 403
    assert client.get(f"/graffiti/stats/{MUNI}").status_code == 403
    auth.as_user(gw["coord"])
    assert client.get(f"/graffiti/setup/{MUNI}").status_code == 200
    bad = client.post(f"/graffiti/setup/{MUNI}", data={"kind": "rule", "r-object_type": "tunnel", "r-owner_type": "*",
                                                       "r-district_id": "0", "r-organisation_id": str(gw.orgs["tekniska"].id),
                                                       "r-address": "not an address"})
    assert bad.status_code == 422
    ok = client.post(f"/graffiti/setup/{MUNI}", data={"kind": "rule", "r-object_type": "tunnel", "r-owner_type": "*",
                                                      "r-district_id": "0", "r-organisation_id": str(gw.orgs["tekniska"].id),
                                                      "r-address": "tunnlar@tekniska.example.se"})
    assert ok.status_code == 302
    assert session.exec(select(RoutingRule).where(RoutingRule.object_type == "tunnel")).one().address == "tunnlar@tekniska.example.se"
    bad_zone = client.post(f"/graffiti/setup/{MUNI}", data={"kind": "zone", "z-name": "X", "z-owner_type": "private",
                                                           "z-organisation_id": "0", "z-geometry": '{"type": "Point", "coordinates": [17, 58]}'})
    assert bad_zone.status_code == 422
    report(gw)
    assert client.get(f"/graffiti/stats/{MUNI}").status_code == 200


def test_gdpr_and_retention(gw, session, app):
    r = report(gw, client_key="k")
    data = {}
    events.user_export.send(gw["participant"], session=session, data=data)
    assert data["graffiti_reports"][0]["id"] == r.id
    hooks.on_user_deleting(gw["participant"], session)
    session.commit()
    session.refresh(r)
    assert r.reporter_id is None and r.client_key is None
    files = list(service.photo_dir().iterdir())
    r.created_at = utcnow() - timedelta(days=app.config["GRAFFITI_RETENTION_DAYS"] + 1)
    session.add(r)
    session.commit()
    tasks.run_all(app, only="graffiti-retention")
    session.rollback()
    assert session.exec(select(func.count()).select_from(GraffitiReport)).one() == 0
    assert files and not any(f.exists() for f in files)
