"""Profile, password change, account deletion and data export."""
from __future__ import annotations

import json

from sqlmodel import func, select

from tests.conftest import PASSWORD
from watch.core import events
from watch.accounts.models import ApiToken, User

NEW = "en helt ny fras för kontot"


def test_edit_profile(client, auth, make_user, session):
    user = auth.as_user(make_user())
    response = client.post("/account/profile", data={"display_name": "  Nytt   Namn ", "phone": "070-123 45 67", "locale": "en"})
    assert response.status_code == 302
    session.refresh(user)
    assert (user.display_name, user.phone, user.locale) == ("Nytt Namn", "070-123 45 67", "en")
    assert "My profile" in client.get("/account/profile").get_data(as_text=True)


def test_bad_phone_changes_nothing(client, auth, make_user, session):
    user = auth.as_user(make_user(name="Kvar Namn"))
    response = client.post("/account/profile", data={"display_name": "Annat", "phone": "abc", "locale": "sv"})
    assert response.status_code == 422
    session.refresh(user)
    assert user.display_name == "Kvar Namn"


def test_change_password_ends_other_sessions(app, client, auth, make_user, session):
    user = make_user()
    other = app.test_client()
    other.post("/account/login", data={"email": user.email, "password": PASSWORD})
    assert other.get("/api/v1/me").status_code == 200
    auth.login(user)
    response = client.post("/account/password", data={"current_password": PASSWORD, "new_password": NEW, "confirm": NEW})
    assert response.status_code == 302
    assert client.get("/api/v1/me").status_code == 200  # this device stays logged in
    assert other.get("/api/v1/me").status_code == 401  # the other one does not
    auth.logout()
    assert auth.login(user, password=NEW).status_code == 302


def test_change_password_wrong_current(client, auth, make_user, session):
    user = auth.as_user(make_user())
    before = user.password_hash
    response = client.post("/account/password", data={"current_password": "inte rätt alls", "new_password": NEW, "confirm": NEW})
    assert response.status_code == 422
    assert "nuvarande lösenordet är fel" in response.get_data(as_text=True)
    session.refresh(user)
    assert user.password_hash == before


def test_delete_account_needs_password_and_removes_everything(client, auth, make_user, session):
    user = auth.as_user(make_user())
    email = user.email
    client.post("/api/v1/tokens", json={"name": "test"})
    response = client.post("/account/delete", data={"password": "fel fel fel fel", "confirm": "y"})
    assert response.status_code == 422
    assert session.exec(select(func.count()).select_from(User)).one() == 1
    seen = []

    def receiver(sender, **kw):
        seen.append(sender.email)

    with events.user_deleting.connected_to(receiver):
        response = client.post("/account/delete", data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    session.expire_all()
    assert session.exec(select(func.count()).select_from(User)).one() == 0
    assert session.exec(select(func.count()).select_from(ApiToken)).one() == 0
    assert email in seen
    assert client.get("/api/v1/me").status_code == 401


def test_export_my_data(client, auth, make_user):
    auth.as_user(make_user(email="export@example.se", phone="0701234567"))
    response = client.get("/account/export")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["account"]["email"] == "export@example.se"
    assert "password_hash" not in json.dumps(data)
