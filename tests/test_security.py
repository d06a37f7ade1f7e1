"""CSRF, cookies, headers, body limits, tampered sessions, production refusals."""
from __future__ import annotations

import re

import pytest

from tests.conftest import PASSWORD, make_test_config
from watch import create_app
from watch.core.settings import ConfigError


@pytest.fixture
def csrf_app(config):
    config["WTF_CSRF_ENABLED"] = True
    from sqlmodel import SQLModel

    from watch.core import db

    application = create_app(config)
    SQLModel.metadata.create_all(db.engine(application))
    with application.app_context():
        yield application
    db.engine(application).dispose()


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', page).group(1) or ""


def test_forms_without_csrf_token_are_refused(csrf_app):
    client = csrf_app.test_client()
    response = client.post("/account/register", data={"email": "a@example.se", "display_name": "A", "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 400
    assert "Formuläret har gått ut" in response.get_data(as_text=True)


def test_forms_with_csrf_token_work(csrf_app):
    client = csrf_app.test_client()
    page = client.get("/account/register").get_data(as_text=True)
    token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/account/register", data={"csrf_token": token, "email": "a@example.se", "display_name": "A", "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302


def test_stale_or_forged_csrf_token(csrf_app):
    client = csrf_app.test_client()
    client.get("/account/login")
    response = client.post("/account/login", data={"csrf_token": "IjAwMDAi.forged.token", "email": "a@example.se", "password": "x"})
    assert response.status_code == 400


def test_api_session_calls_need_the_csrf_header(csrf_app, make_user):
    client = csrf_app.test_client()
    with csrf_app.app_context():
        from watch.accounts import service
        from watch.core.db import get_session

        service.register(get_session(), email="c@example.se", display_name="C", password=PASSWORD)
    page = client.get("/account/login").get_data(as_text=True)
    token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/account/login", data={"csrf_token": token, "email": "c@example.se", "password": PASSWORD})
    refused = client.patch("/api/v1/me", json={"display_name": "X"})
    assert refused.status_code == 400 and refused.json["error"]["code"] == "csrf_failed"
    page = client.get("/account/profile").get_data(as_text=True)
    token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    ok = client.patch("/api/v1/me", json={"display_name": "X"}, headers={"X-CSRFToken": token})
    assert ok.status_code == 200


def test_security_headers_and_csp(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_no_inline_script_or_style_in_pages(client, auth, make_user):
    pages = ["/", "/about-112", "/account/login", "/account/register"]
    auth.as_user(make_user(admin=True))
    pages += ["/account/profile", "/account/password", "/account/tokens", "/account/delete", "/admin/users", "/admin/tokens"]
    for path in pages:
        html = client.get(path).get_data(as_text=True)
        assert "<style" not in html, path
        assert " style=" not in html, path
        for tag in re.findall(r"<script[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, (path, tag)
        assert re.search(r"\son[a-z]+=", html) is None, path


def test_session_cookie_flags_in_production(tmp_path, database_url):
    cfg = make_test_config(tmp_path, database_url)
    from watch.push.webpush.vapid import generate_vapid_keypair

    cfg.update(ENV="production", DATABASE_URL=database_url, SECRET_KEY="p" * 40,
               VAPID_PRIVATE_KEY=generate_vapid_keypair()[0].decode(), VAPID_SUBJECT="mailto:trygghet@nykoping.se",
               MAIL_SERVER="smtp.nykoping.se", MAIL_DEFAULT_SENDER="noreply@nykoping.se", PUBLIC_URL="https://granne.nykoping.se")
    app = create_app(cfg)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert "Strict-Transport-Security" in app.test_client().get("/about-112").headers


@pytest.mark.parametrize("changes, message", [
    ({"DATABASE_URL": None}, "WATCH_DATABASE_URL"),
    ({"SECRET_KEY": None}, "WATCH_SECRET_KEY"),
    ({"SECRET_KEY": "changeme"}, "WATCH_SECRET_KEY"),
    ({"SECRET_KEY": "short"}, "WATCH_SECRET_KEY"),
    ({"ENV": "staging"}, "WATCH_ENV"),
])
def test_production_refuses_development_settings(tmp_path, changes, message):
    cfg = {"ENV": "production", "DATABASE_URL": "sqlite://", "SECRET_KEY": "p" * 40, "INSTANCE_PATH": str(tmp_path)}
    cfg.update(changes)
    with pytest.raises(ConfigError, match=message):
        create_app(cfg)


def test_development_generates_a_secret_key_in_the_instance_folder(tmp_path):
    app = create_app({"ENV": "development", "INSTANCE_PATH": str(tmp_path)})
    key = (tmp_path / "secret_key").read_text()
    assert app.config["SECRET_KEY"] == key and len(key) >= 48
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert create_app({"ENV": "development", "INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"] == key
    assert app.config["DATABASE_URL"].endswith("watch.db")


def test_oversized_body_is_refused(client, app, auth, make_user):
    auth.as_user(make_user())
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/account/login", data={"email": "a" * 5000, "password": "x"})
    assert response.status_code == 413
    api = client.patch("/api/v1/me", data="x" * 5000, content_type="application/json")
    assert api.status_code == 413 and api.json["error"]["code"] == "too_large"


def test_tampered_session_cookie_is_ignored(client, make_user, auth):
    user = make_user()
    auth.login(user)
    cookie = client.get_cookie("watch_session")
    client.set_cookie("watch_session", cookie.value[:-3] + "abc")
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/").status_code == 200


def test_unknown_pages_are_translated_404s(client):
    page = client.get("/finns-inte")
    assert page.status_code == 404 and "finns inte" in page.get_data(as_text=True)
    api = client.get("/api/v1/finns-inte")
    assert api.status_code == 404 and api.json["error"]["code"] == "not_found"


def test_health(client):
    assert client.get("/healthz").json == {"status": "ok"}
