"""API tokens for integrations, roles, the admin pages and the CLI."""
from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from watch.accounts import service


def test_token_authenticates_and_revocation_ends_it(app, client, auth, make_user):
    auth.as_user(make_user(email="polis@example.se", police=True))
    created = client.post("/api/v1/tokens", json={"name": "Polisens system"})
    assert created.status_code == 201
    assert created.headers["Location"] == f"/api/v1/tokens/{created.json['id']}"
    token = created.json["token"]
    integration = app.test_client()
    me = integration.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json["roles"] == ["police"]
    # A token request needs no CSRF token: no cookie can ride on it.
    patched = integration.patch("/api/v1/me", json={"display_name": "Polis Pelle"}, headers={"Authorization": f"Bearer {token}"})
    assert patched.status_code == 200
    assert client.get("/api/v1/tokens").json["items"][0].get("token") is None  # never shown again
    assert client.delete(f"/api/v1/tokens/{created.json['id']}").status_code == 200
    refused = integration.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401 and refused.json["error"]["code"] == "token_invalid"


def test_admin_can_revoke_anyones_token_others_cannot(app, client, auth, make_user, session):
    owner = make_user()
    _token, plaintext = service.create_token(session, owner, name="x")
    auth.as_user(make_user())
    assert client.delete(f"/api/v1/tokens/{_token.id}").status_code == 404
    auth.as_user(make_user(admin=True))
    assert client.delete(f"/api/v1/tokens/{_token.id}").status_code == 200
    assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {plaintext}"}).status_code == 401


@pytest.mark.parametrize("header", ["Bearer ", "Bearer wt_nope", "Basic abc", "Bearer " + "x" * 5000])
def test_bad_tokens(client, header):
    response = client.get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json["error"]["code"] in {"token_invalid", "unauthorized"}


@pytest.mark.parametrize("role, status", [(None, 302), ("member", 403), ("police", 403), ("admin", 200)])
def test_admin_pages_are_for_admins(client, auth, make_user, role, status):
    if role:
        auth.as_user(make_user(police=role == "police", admin=role == "admin"))
    assert client.get("/admin/users").status_code == status
    assert client.get("/admin/tokens").status_code == status


def test_admin_grants_police_role(client, auth, make_user, session):
    auth.as_user(make_user(admin=True))
    officer = make_user()
    response = client.post(f"/admin/users/{officer.id}/role", data={"role": "police", "on": "1", "municipality": "Nyköping"})
    assert response.status_code == 302
    session.refresh(officer)
    assert officer.is_police and officer.municipality == "Nyköping"


def test_last_admin_keeps_the_role(session, make_user):
    admin = make_user(admin=True)
    with pytest.raises(service.ServiceError) as exc:
        service.set_role(session, user=admin, role="admin", on=False)
    assert exc.value.code == "last_admin"


def test_cli_create_admin_and_grant_police(runner, session, make_user):
    result = runner.invoke(args=["users", "create-admin", "--email", "admin@example.se", "--name", "Admin", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    assert service.get_by_email(session, "admin@example.se").is_admin
    make_user(email="p@example.se")
    result = runner.invoke(args=["users", "grant", "p@example.se", "police", "--municipality", "Oxelösund"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    officer = service.get_by_email(session, "p@example.se")
    assert officer.is_police and officer.municipality == "Oxelösund"
    assert runner.invoke(args=["users", "grant", "nobody@example.se", "police"]).exit_code != 0
    result = runner.invoke(args=["users", "revoke", "p@example.se", "police"])
    assert result.exit_code == 0
    result = runner.invoke(args=["users", "create-admin", "--email", "weak@example.se", "--name", "W", "--password", "kort"])
    assert result.exit_code != 0 and "10" in result.output


def test_api_validation_errors_use_the_envelope(client, auth, make_user):
    auth.as_user(make_user())
    for body, kwargs in [({"display_name": ""}, {}), (None, {"data": "{not json", "content_type": "application/json"}), (None, {"data": "x=1", "content_type": "text/plain"})]:
        response = client.patch("/api/v1/me", json=body, **kwargs) if body is not None else client.patch("/api/v1/me", **kwargs)
        assert 400 <= response.status_code < 500
        assert set(response.json["error"]) >= {"status", "code", "message"}


def test_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.")
    assert "/api/v1/me" in doc["paths"] and "/api/v1/tokens" in doc["paths"]
    assert "Error" in str(doc["components"]["schemas"])
