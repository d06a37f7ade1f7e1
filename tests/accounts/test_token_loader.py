"""Token auth is flask-login's request loader (issue 9.12): no hook order decides who is asking."""
from __future__ import annotations

import re

import pytest
from flask import g
from flask_login import current_user
from sqlmodel import SQLModel

from tests.conftest import IsolatedClient
from watch import create_app
from watch.core import db as wdb
from watch.accounts import service


@pytest.fixture
def csrf_app(config):
    """The app with CSRF on, as in production."""
    config["WTF_CSRF_ENABLED"] = True
    application = create_app(config)
    application.test_client_class = IsolatedClient
    SQLModel.metadata.create_all(wdb.engine(application))
    with application.app_context():
        yield application
    wdb.engine(application).dispose()


def _api_calls(app):
    """(method, path) for every API route, path ids filled with 1."""
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule.startswith("/api/v1/docs"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", "1", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield method, path


def _token_for(session, make_user, **roles):
    user = make_user(**roles)
    return user, service.create_token(session, user, name="integration")[1]


def test_a_token_works_on_every_api_route_with_csrf_on(csrf_app, session, make_user):
    _decoy, _ = _token_for(session, make_user)  # DELETE /api/v1/tokens/1 revokes this one
    _admin, token = _token_for(session, make_user, admin=True)
    client = csrf_app.test_client()
    calls = list(_api_calls(csrf_app))
    assert len(calls) > 40
    for method, path in calls:
        response = client.open(path, method=method, json={}, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code not in (401, 500), (method, path, response.status_code, response.get_data(as_text=True)[:300])
        if response.status_code == 400:
            assert response.json["error"]["code"] != "csrf_failed", (method, path)


@pytest.mark.parametrize("method, path", [("GET", "/api/v1/me"), ("PATCH", "/api/v1/me"), ("GET", "/api/v1/areas"), ("POST", "/api/v1/alerts")])
def test_a_revoked_or_unknown_token_is_a_401_envelope_everywhere(csrf_app, session, make_user, method, path):
    _user, token = _token_for(session, make_user)
    service.revoke_token(session, actor=_user, token_id=service.tokens_of(session, _user)[0].id)
    client = csrf_app.test_client()
    for bad in (token, "wt_" + "x" * 40):
        response = client.open(path, method=method, json={}, headers={"Authorization": f"Bearer {bad}"})
        assert response.status_code == 401, (method, path, response.status_code)
        assert response.json["error"] == {"status": 401, "code": "token_invalid", "message": "API-token är ogiltig eller återkallad."}


def _log_in(client, user):
    from tests.conftest import Auth

    Auth(client).as_user(user)


def test_a_cookie_session_still_needs_csrf_and_a_token_ignores_the_cookie(csrf_app, session, make_user):
    member = make_user(name="Kaka Kakesson")
    client = csrf_app.test_client()
    _log_in(client, member)
    refused = client.patch("/api/v1/me", json={"display_name": "Ändrad"})
    assert refused.status_code == 400 and refused.json["error"]["code"] == "csrf_failed"
    refused = client.post("/api/v1/tokens", json={"name": "x"})
    assert refused.status_code == 400 and refused.json["error"]["code"] == "csrf_failed"
    # The same browser with a police token: the token's user, not the cookie's, and no CSRF needed.
    officer, token = _token_for(session, make_user, police=True, name="Polis Pelle")
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json["id"] == officer.id
    patched = client.patch("/api/v1/me", json={"display_name": "Polis Per"}, headers={"Authorization": f"Bearer {token}"})
    assert patched.status_code == 200 and patched.json["id"] == officer.id
    assert client.get("/api/v1/me").json["display_name"] == "Kaka Kakesson"  # the cookie is still the member's


def test_a_token_with_a_remember_cookie_is_still_the_token(csrf_app, session, make_user):
    member = make_user()
    client = csrf_app.test_client()
    page = client.get("/account/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    from tests.conftest import PASSWORD

    client.post("/account/login", data={"csrf_token": csrf, "email": member.email, "password": PASSWORD, "remember": "y"})
    client.delete_cookie("session")  # only the remember cookie is left
    assert client.get("/api/v1/me").json["id"] == member.id
    officer, token = _token_for(session, make_user, police=True)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json["id"] == officer.id


def test_who_is_asking_does_not_depend_on_hook_order(csrf_app, session, make_user):
    # A hook that runs before every other one (as a later extension's might) already sees the token's user.
    seen = []

    def early():
        seen.append(current_user.get_id() if current_user.is_authenticated else None)
        g.early = True

    csrf_app.before_request_funcs.setdefault(None, []).insert(0, early)
    officer, token = _token_for(session, make_user, police=True)
    client = csrf_app.test_client()
    response = client.patch("/api/v1/me", json={"display_name": "Polis Per"}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert seen == [officer.get_id()]
