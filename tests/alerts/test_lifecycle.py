"""Thread, acknowledge, close, hide in the pages; expiry and purge; GDPR hooks; the list and map API."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlmodel import func, select

from tests.alerts.conftest import image_bytes
from watch.accounts import service as accounts
from watch.alerts.models import Alert, AlertPhoto, AlertUpdate, Outcome, Status
from watch.core.time import utcnow


def test_police_acknowledge_and_close_in_the_page(world, post, client, auth, session):
    alert = post("member")
    auth.as_user(world.user("police"))
    assert client.post(f"/alerts/{alert.id}/acknowledge").status_code == 302
    page = client.get(f"/alerts/{alert.id}").get_data(as_text=True)
    assert "Polis Per" in page and 'id="alert-acknowledged"' in page
    bad = client.post(f"/alerts/{alert.id}/close", data={"outcome": "expired"})
    assert bad.status_code == 422 and 'id="outcome-error"' in bad.get_data(as_text=True)
    assert client.post(f"/alerts/{alert.id}/close", data={"outcome": "false_alarm", "note": "Grannens hantverkare"}).status_code == 302
    session.expire_all()
    done = session.get(Alert, alert.id)
    assert done.status == Status.closed and done.outcome == Outcome.false_alarm and done.closed_by_id == world.user("police").id
    assert session.exec(select(AlertUpdate.text)).all() == ["Grannens hantverkare"]
    again = client.post(f"/api/v1/alerts/{alert.id}/close", json={"outcome": "handled"})
    assert again.status_code == 409


@pytest.mark.parametrize("role,status", [("member", 403), ("contact", 403), ("other_member", 404)])
def test_page_actions_refused(role, status, world, post, client, auth, session):
    alert = post("member")
    auth.as_user(world.user(role))
    assert client.post(f"/alerts/{alert.id}/acknowledge").status_code == status
    assert client.post(f"/alerts/{alert.id}/close", data={"outcome": "handled"}).status_code == status
    session.expire_all()
    assert session.get(Alert, alert.id).status == Status.open


def test_contact_hides_with_reason(world, post, client, auth, session):
    alert = post("member")
    auth.as_user(world.user("contact"))
    empty = client.post(f"/alerts/{alert.id}/hide", data={"reason": " "})
    assert empty.status_code == 422
    assert client.post(f"/alerts/{alert.id}/hide", data={"reason": "Personuppgifter"}).status_code == 302
    session.expire_all()
    assert session.get(Alert, alert.id).hidden_reason == "Personuppgifter"


@pytest.mark.parametrize("role,status", [("member", 201), ("contact", 201), ("police", 201), ("other_member", 404)])
def test_updates_thread(role, status, world, post, client, auth, session):
    alert = post("member")
    auth.as_user(world.user(role))
    res = client.post(f"/api/v1/alerts/{alert.id}/updates", json={"text": "Han gick mot hamnen"})
    assert res.status_code == status
    if status == 201:
        thread = client.get(f"/api/v1/alerts/{alert.id}/updates").get_json()["items"]
        assert [u["text"] for u in thread] == ["Han gick mot hamnen"]
        assert client.post(f"/api/v1/alerts/{alert.id}/updates", json={"text": ""}).status_code == 422


def test_update_with_photo_in_page_and_escaping(world, post, client, auth, session):
    alert = post("member", text="<script>alert(1)</script>")
    auth.as_user(world.user("contact"))
    res = client.post(f"/alerts/{alert.id}/updates", data={"text": "<b>bild</b>", "photo": (io.BytesIO(image_bytes()), "x.png")},
                      content_type="multipart/form-data")
    assert res.status_code == 302
    page = client.get(f"/alerts/{alert.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page and "&lt;b&gt;bild" in page
    assert session.exec(select(AlertPhoto.update_id)).one() is not None
    bad = client.post(f"/alerts/{alert.id}/updates", data={"text": "x", "photo": (io.BytesIO(b"junk"), "x.png")},
                      content_type="multipart/form-data")
    assert bad.status_code == 422
    assert session.exec(select(func.count()).select_from(AlertUpdate)).one() == 1


def test_expire_cli(world, post, session, runner, app):
    old, fresh, acked = post("member"), post("member"), post("member")
    acked.status = Status.acknowledged
    for a in (old, acked):
        a.created_at = utcnow() - timedelta(hours=app.config["ALERTS_EXPIRE_HOURS"] + 1)
        session.add(a)
    session.commit()
    result = runner.invoke(args=["alerts", "expire"])
    assert "Expired 1 alerts." in result.output
    session.expire_all()
    assert session.get(Alert, old.id).outcome == Outcome.expired and session.get(Alert, fresh.id).status == Status.open
    assert session.get(Alert, acked.id).status == Status.acknowledged


def test_purge_cli_removes_alerts_and_photos(world, post, session, runner, app):
    old = post("member", photos=[image_bytes()])
    keep = post("member")
    old.created_at = utcnow() - timedelta(days=app.config["ALERTS_RETENTION_DAYS"] + 1)
    session.add(old)
    session.commit()
    from watch.alerts.photos import photo_dir

    assert len(list(photo_dir().iterdir())) == 1
    result = runner.invoke(args=["alerts", "purge"])
    assert "Purged 1 alerts and 1 photos." in result.output
    session.expire_all()
    assert session.exec(select(Alert.id)).all() == [keep.id]
    assert list(photo_dir().iterdir()) == []
    assert runner.invoke(args=["alerts", "purge", "--days", "0"]).exit_code != 0


def test_user_deleted_alerts_are_anonymised(world, post, session, client, auth):
    member = world.user("member")
    alert = post("member")
    from watch.alerts import lifecycle
    from watch.alerts.access import get_alert_for

    lifecycle.add_update(session, get_alert_for(session, member, alert.id), member, text="Tillägg")
    exported = accounts.export_data(session, member)
    assert [a["text"] for a in exported["alerts"]] == [alert.text]
    assert exported["alert_updates"][0]["text"] == "Tillägg"
    accounts.delete_user(session, member)
    session.expire_all()
    kept = session.get(Alert, alert.id)
    assert kept is not None and kept.author_id is None
    assert session.exec(select(AlertUpdate.author_id)).all() == [None]
    auth.as_user(world.user("contact"))
    page = client.get(f"/alerts/{alert.id}").get_data(as_text=True)
    assert "Maja Medlem" not in page


def test_geojson_list_filters_and_pages(world, post, session, client, auth):
    ids = [post("member", category=c, observed_at=utcnow() - timedelta(hours=h)).id
           for c, h in [("burglary", 1), ("vandalism", 2), ("burglary", 30), ("graffiti", 24 * 20)]]
    auth.as_user(world.user("member"))
    get = lambda **q: client.get("/api/v1/alerts", query_string=q).get_json()
    body = get(bbox="16.99,58.74,17.02,58.76")
    assert body["type"] == "FeatureCollection" and [f["id"] for f in body["features"]] == ids
    assert body["bbox"] == [16.99, 58.74, 17.02, 58.76]
    assert get(bbox="17.1,58.8,17.2,58.9")["features"] == []
    assert [f["id"] for f in get(category="burglary")["features"]] == [ids[0], ids[2]]
    assert [f["id"] for f in get(span="24h")["features"]] == ids[:2]
    assert [f["id"] for f in get(span="7d")["features"]] == ids[:3]
    page1 = get(limit=3)
    assert len(page1["features"]) == 3 and page1["next_cursor"]
    page2 = get(limit=3, cursor=page1["next_cursor"])
    assert [f["id"] for f in page2["features"]] == [ids[3]] and page2["next_cursor"] is None
    for bad in ({"bbox": "1,2,3"}, {"bbox": "10,60,5,50"}, {"category": "ufo"}, {"cursor": "!!"}, {"limit": 0}):
        res = client.get("/api/v1/alerts", query_string=bad)
        assert res.status_code == 422, bad


def test_pages_render(world, post, client, auth):
    post("member", text="Ljus i båthuset")
    auth.as_user(world.user("member"))
    new = client.get("/alerts/new").get_data(as_text=True)
    for needed in ('id="alert-form"', 'id="category-burglary"', 'id="position-mode-gps"', 'id="alert-lat"',
                   'id="alert-emergency-notice"', 'id="alert-submit"', 'tel:112', 'tel:11414'):
        assert needed in new
    assert new.index('id="alert-emergency-notice"') < new.index('id="alert-submit"')
    assert 'id="category-information"' not in new  # members cannot post information
    listing = client.get("/alerts").get_data(as_text=True)
    assert "Ljus i båthuset" in listing and 'id="alert-list"' in listing
    assert client.get("/alerts/map").status_code == 200
    assert "/alerts/new" in listing and "/alerts\"" in listing  # the nav links to both


def test_html_form_errors(world, client, auth, session, app):
    auth.as_user(world.user("member"))
    res = client.post("/alerts/new", data={"category": "", "text": "", "lat": "", "lon": ""})
    assert res.status_code == 422 and 'id="category-error"' in res.get_data(as_text=True)
    res = client.post("/alerts/new", data={"category": "other", "text": "x", "lat": "", "lon": ""})
    assert res.status_code == 422 and 'id="location-error"' in res.get_data(as_text=True)
    res = client.post("/alerts/new", data={"category": "other", "text": "x", "lat": "58.752", "lon": "17.005", "observed_at": "igår"})
    assert res.status_code == 422
    app.config["ALERTS_RATE_PER_USER"] = 0
    res = client.post("/alerts/new", data={"category": "other", "text": "x", "lat": "58.752", "lon": "17.005"})
    assert res.status_code == 429 and "112" in res.get_data(as_text=True)
    assert session.exec(select(func.count()).select_from(Alert)).one() == 0


def test_openapi_lists_alert_routes(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/alerts", "/api/v1/alerts/{alert_id}", "/api/v1/alerts/{alert_id}/acknowledge",
                 "/api/v1/alerts/{alert_id}/close", "/api/v1/alerts/{alert_id}/hide", "/api/v1/alerts/{alert_id}/updates"):
        assert path in paths
