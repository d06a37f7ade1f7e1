"""Registering, logging in and out, in Swedish, with every bad input refused."""
from __future__ import annotations

import pytest
from sqlmodel import func, select

from tests.conftest import PASSWORD
from watch.accounts.models import User


def _count(session) -> int:
    return session.exec(select(func.count()).select_from(User)).one()


def register(client, **overrides):
    data = {"email": "anna@example.se", "display_name": "Anna Andersson", "password": PASSWORD, "confirm": PASSWORD}
    data.update(overrides)
    return client.post("/account/register", data=data)


def test_register_logs_in_and_greets_in_swedish(client, session):
    response = register(client)
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Välkommen, Anna Andersson" in page
    assert _count(session) == 1
    user = session.exec(select(User)).one()
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_email_is_normalised_and_unique_case_insensitively(client, session):
    register(client, email="  Anna@Example.SE ")
    client.post("/account/logout")
    response = register(client, email="anna@example.se", display_name="Someone Else")
    assert response.status_code == 422
    assert "finns redan" in response.get_data(as_text=True)
    assert _count(session) == 1


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"email": "not-an-email"}, "giltig e-postadress"),
        ({"email": ""}, "obligatoriskt"),
        ({"display_name": "   "}, "obligatoriskt"),
        ({"password": "", "confirm": ""}, "obligatoriskt"),
        ({"password": "kort", "confirm": "kort"}, "minst 10 tecken"),
        ({"password": "lösenord123", "confirm": "lösenord123"}, "för lätt att gissa"),
        ({"password": "aaaaaaaaaaaa", "confirm": "aaaaaaaaaaaa"}, "för lätt att gissa"),
        ({"password": "anna123456789", "confirm": "anna123456789", "email": "anna@example.se"}, "e-postadress eller ditt namn"),
        ({"confirm": "något annat helt"}, "stämmer inte"),
        ({"phone": "ring mig"}, "telefonnumret"),
        ({"display_name": "x" * 81}, "80"),
    ],
)
def test_bad_registration_is_refused_in_swedish_and_stores_nothing(client, session, overrides, message):
    response = register(client, **overrides)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _count(session) == 0


def test_login_and_logout(client, make_user, auth):
    user = make_user(email="bo@example.se")
    response = auth.login(user)
    assert response.status_code == 302
    assert client.get("/api/v1/me").json["email"] == "bo@example.se"
    auth.logout()
    assert client.get("/api/v1/me").status_code == 401


@pytest.mark.parametrize("email, password", [("bo@example.se", "fel lösenord här"), ("ingen@example.se", PASSWORD), ("", "")])
def test_wrong_credentials_get_one_generic_message(client, make_user, email, password):
    make_user(email="bo@example.se")
    response = client.post("/account/login", data={"email": email, "password": password})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert ("Fel e-postadress eller lösenord" in text) or ("obligatoriskt" in text)
    assert client.get("/api/v1/me").status_code == 401


def test_login_redirects_only_to_same_site(client, make_user):
    user = make_user()
    for target, expected in [("/account/profile", "/account/profile"), ("https://evil.example/", "/"), ("//evil.example", "/")]:
        client.post("/account/logout")
        response = client.post("/account/login", data={"email": user.email, "password": PASSWORD, "next": target})
        assert response.location == expected


def test_remember_me_sets_a_secure_flagged_cookie(app, make_user, client):
    user = make_user()
    response = client.post("/account/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    cookies = response.headers.getlist("Set-Cookie")
    remember = [c for c in cookies if c.startswith("remember_token=")]
    assert remember and "HttpOnly" in remember[0] and "SameSite=Lax" in remember[0]


def test_login_is_throttled(client, make_user):
    user = make_user()
    statuses = [client.post("/account/login", data={"email": user.email, "password": "fel lösenord"}).status_code for _ in range(12)]
    assert statuses[:10] == [422] * 10
    assert statuses[10] == 429
    page = client.post("/account/login", data={"email": user.email, "password": PASSWORD})
    assert page.status_code == 429
    assert "För många försök" in page.get_data(as_text=True)


def test_pages_need_login(client):
    for path in ("/account/profile", "/account/password", "/account/delete", "/account/tokens", "/account/export"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.location.startswith("/account/login")
