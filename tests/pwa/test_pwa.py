"""Manifest, service worker, offline page, session probe, notification settings."""
from __future__ import annotations

import io
import json
import re

import pytest
from PIL import Image


def worker_config(client) -> dict:
    body = client.get("/sw.js").get_data(as_text=True)
    first = body.split("\n", 1)[0]
    assert first.startswith("const WATCH = ") and first.endswith(";")
    return json.loads(first[len("const WATCH = "):-1])


def test_manifest_is_installable(client):
    r = client.get("/manifest.webmanifest")
    assert r.status_code == 200
    assert r.mimetype == "application/manifest+json"
    assert "no-cache" in r.headers["Cache-Control"]
    m = json.loads(r.get_data(as_text=True))
    assert m["lang"] == "sv" and m["short_name"] == "Trygg Granne" and "samverkan" in m["name"]
    assert m["display"] == "standalone" and m["scope"] == "/" and m["start_url"] == "/"
    assert re.fullmatch(r"#[0-9a-f]{6}", m["theme_color"]) and re.fullmatch(r"#[0-9a-f]{6}", m["background_color"])
    purposes = {(i["sizes"], i["purpose"]) for i in m["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= purposes
    for icon in m["icons"]:
        img = client.get(icon["src"])
        assert img.status_code == 200 and img.mimetype == "image/png"
        w, h = Image.open(io.BytesIO(img.data)).size
        assert f"{w}x{h}" == icon["sizes"]


def test_manifest_description_is_swedish(client):
    m = json.loads(client.get("/manifest.webmanifest", headers={"Accept-Language": "en"}).get_data(as_text=True))
    assert m["lang"] == "sv"
    assert "Grannsamverkan" in m["description"] or "grannsamverkan" in m["description"]


def test_manifest_shortcuts_point_at_existing_pages(app, client):
    from flask import url_for

    m = json.loads(client.get("/manifest.webmanifest").get_data(as_text=True))
    got = {s["name"]: s["url"] for s in m["shortcuts"]}
    with app.test_request_context():
        expected = {"Rapportera": url_for("alerts.new"), "Karta": url_for("areas.map_page")}
    assert got == expected
    for url in got.values():
        assert client.get(url).status_code in (200, 302)  # 302: to the login page


def test_service_worker_served_from_root_with_scope_header(client):
    r = client.get("/sw.js")
    assert r.status_code == 200
    assert r.mimetype == "text/javascript"
    assert r.headers["Service-Worker-Allowed"] == "/"
    assert "no-cache" in r.headers["Cache-Control"]
    body = r.get_data(as_text=True)
    for handler in ("'install'", "'activate'", "'fetch'", "'push'", "'notificationclick'", "'sync'"):
        assert f"addEventListener({handler}" in body


def test_precache_lists_the_whole_shell_and_every_url_answers(client):
    cfg = worker_config(client)
    pre = cfg["precache"]
    assert cfg["offline"] in pre and "/manifest.webmanifest" in pre
    for needed in ("/static/css/app.css", "/static/css/pwa.css", "/static/js/pwa/register.js",
                   "/vendor/leaflet/leaflet.js", "/vendor/leaflet/leaflet.css", "/static/icons/icon-192.png"):
        assert any(u.split("?")[0] == needed for u in pre), needed
    assert not any(u.startswith("/sw.js") or "/js/pwa/sw.js" in u for u in pre)
    for url in pre:
        assert client.get(url).status_code == 200, url
    assert cfg["queued"] == ["/api/v1/alerts", "/api/v1/est/reports", "/api/v1/walks/observations"]
    assert re.fullmatch(r"[0-9a-f]{16}", cfg["version"])


def test_cache_version_follows_the_shell_contents(app, client, tmp_path):
    import shutil

    before = worker_config(client)["version"]
    assert worker_config(client)["version"] == before  # stable
    copy = tmp_path / "static"
    shutil.copytree(app.static_folder, copy)
    app.static_folder = str(copy)
    assert worker_config(client)["version"] == before  # same bytes, same version
    (copy / "css" / "app.css").write_text((copy / "css" / "app.css").read_text() + "\n/* changed */\n")
    after = worker_config(client)
    assert after["version"] != before
    assert any(u.startswith("/static/css/app.css?v=") for u in after["precache"])


def test_offline_page_names_no_user(client, make_user, auth):
    auth.as_user(make_user())
    r = client.get("/offline")
    assert r.status_code == 200
    cfg = json.loads(re.search(r'id="pwa-config">(.*?)</script>', r.get_data(as_text=True), re.S).group(1))
    assert cfg["user"] is None


def test_pages_tell_the_worker_who_is_logged_in(client, make_user, auth):
    html = client.get("/").get_data(as_text=True)
    cfg = json.loads(re.search(r'id="pwa-config">(.*?)</script>', html, re.S).group(1))
    assert cfg["user"] == "" and cfg["logout"] == "/account/logout"
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<meta name="csrf-token" content="' in html
    assert re.search(r'src="/static/js/pwa/register.js\?v=[0-9a-f]{12}"', html)
    user = auth.as_user(make_user())
    html = client.get("/").get_data(as_text=True)
    cfg = json.loads(re.search(r'id="pwa-config">(.*?)</script>', html, re.S).group(1))
    assert cfg["user"] == user.get_id()


def test_session_probe(client, make_user, auth):
    r = client.get("/pwa/session")
    assert r.json == {"user": None, "csrf_token": None}
    assert "no-store" in r.headers["Cache-Control"]
    user = auth.as_user(make_user())
    r = client.get("/pwa/session")
    assert r.json["user"] == user.get_id() and r.json["csrf_token"]


def test_session_probe_token_passes_csrf(config, make_user):
    """The token the worker fetches is accepted on an unsafe request of the same session."""
    from watch import create_app

    config["WTF_CSRF_ENABLED"] = True
    from sqlmodel import SQLModel

    from watch.core import db as wdb

    app = create_app(config)
    SQLModel.metadata.create_all(wdb.engine(app))
    c = app.test_client()
    with app.app_context():
        from watch.accounts import service
        user = service.register(wdb.get_session(), email="probe@example.se", display_name="Probe", password="korv med bröd och senap")
        wdb.get_session().commit()
        from watch.accounts import sessions
        uid = sessions.start(wdb.get_session(), user)
    with c.session_transaction() as sess:
        sess["_user_id"] = uid
        sess["_fresh"] = True
    token = c.get("/pwa/session").json["csrf_token"]
    assert c.post("/lang/en", headers={"X-CSRFToken": token}).status_code == 302
    assert c.post("/lang/en").status_code == 400


def test_notifications_page_requires_login(client):
    r = client.get("/notifications")
    assert r.status_code == 302 and "/account/login" in r.headers["Location"]


def test_notifications_page(client, make_user, auth):
    auth.as_user(make_user())
    r = client.get("/notifications")  # the old address: one notifications page now
    assert r.status_code == 302 and r.headers["Location"].endswith("/account/notifications")
    r = client.get("/account/notifications")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    # All four parts on one page: this device, which alerts per area, quiet hours, e-mail.
    for part in ('id="push-panel"', 'id="push-preferences"', 'id="quiet-hours"', 'id="mail-preferences"'):
        assert part in html
    assert 'data-key-url="/api/v1/push/key"' in html
    assert 'data-subscriptions-url="/api/v1/push/subscriptions"' in html
    assert "Lägg till appen på hemskärmen" in html or "hemskärm" in html
    strings = json.loads(re.search(r'id="push-strings">(.*?)</script>', html, re.S).group(1))
    assert all(strings.values())
    assert re.search(r'src="/static/js/pwa/notifications.js\?v=', html)


@pytest.mark.parametrize("path", ["/manifest.webmanifest", "/sw.js", "/offline", "/pwa/session"])
def test_pwa_routes_refuse_unsafe_methods(client, path):
    assert client.post(path).status_code == 405
