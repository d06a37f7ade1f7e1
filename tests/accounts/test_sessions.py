"""Issue 9.4: logout ends the session on the server; log out on all devices; password changes end other sessions."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.conftest import PASSWORD
from watch.accounts import service, sessions
from watch.accounts.models import LoginSession

COOKIE = "watch_session"


def _new_client(app):
    return app.test_client()


def _logged_in(c) -> bool:
    return c.get("/account/profile").status_code == 200


def _copy(c, app, names=(COOKIE,)):
    """A second browser holding copies of c's cookies (the attacker's)."""
    other = _new_client(app)
    for name in names:
        cookie = c.get_cookie(name)
        if cookie is not None:
            other.set_cookie(name, cookie.value)
    return other


def test_a_copied_session_cookie_stops_working_after_logout(app, client, auth, make_user):
    user = make_user()
    assert auth.login(user).status_code == 302
    thief = _copy(client, app)
    assert _logged_in(thief)
    auth.logout()
    assert not _logged_in(client)
    assert not _logged_in(thief)


def test_a_copied_remember_cookie_stops_working_after_logout(app, client, auth, make_user):
    user = make_user()
    auth.login(user, remember=True)
    thief = _copy(client, app, names=("remember_token",))
    assert client.get_cookie("remember_token") is not None and _logged_in(thief)
    auth.logout()
    assert not _logged_in(_fresh_with_remember(app, thief))


def _fresh_with_remember(app, thief):
    # A browser with only the copied remember cookie (no session cookie).
    c = _new_client(app)
    c.set_cookie("remember_token", thief.get_cookie("remember_token").value)
    return c


def test_logout_on_one_device_keeps_the_others(app, client, auth, make_user):
    user = make_user()
    auth.login(user)
    phone = _new_client(app)
    phone.post("/account/login", data={"email": user.email, "password": PASSWORD})
    assert _logged_in(phone)
    auth.logout()
    assert _logged_in(phone) and not _logged_in(client)


def test_log_out_on_all_devices_ends_every_session_but_not_api_tokens(app, client, auth, make_user, session):
    user = make_user()
    auth.login(user)
    phone = _new_client(app)
    phone.post("/account/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    thief = _copy(phone, app, names=(COOKIE, "remember_token"))
    _token, plaintext = service.create_token(session, user, name="Integration")
    page = client.get("/account/profile")
    assert "Log out on all devices" in page.text or "Logga ut på alla enheter" in page.text
    r = client.post("/account/logout-everywhere")
    assert r.status_code == 302 and r.headers["Location"].endswith("/account/login")
    assert not _logged_in(client) and not _logged_in(phone) and not _logged_in(thief)
    assert session.exec(select(LoginSession).where(LoginSession.user_id == user.id)).all() == []
    api = _new_client(app)
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {plaintext}"}).status_code == 200
    # Logging in again works, and the profile counts one device.
    auth.login(user)
    assert _logged_in(client)
    assert sessions.count(session, user) == 1


def test_log_out_everywhere_needs_a_login_and_a_post(app, client, auth, make_user):
    assert client.post("/account/logout-everywhere").status_code == 302  # to the login page
    auth.as_user(make_user())
    assert client.get("/account/logout-everywhere").status_code == 405


def test_changing_the_password_ends_other_sessions_and_keeps_this_one(app, client, auth, make_user):
    user = make_user()
    auth.login(user)
    phone = _new_client(app)
    phone.post("/account/login", data={"email": user.email, "password": PASSWORD})
    r = client.post("/account/password", data={"current_password": PASSWORD, "new_password": "en helt ny fras för mig", "confirm": "en helt ny fras för mig"})
    assert r.status_code == 302, r.text
    assert _logged_in(client) and not _logged_in(phone)


@pytest.mark.parametrize("identity", [
    "", "1", "1:1", "1:1:", "x:1:abc", "1:x:abc", "1:1:wrong-key", "99999999999999999999:1:abc", "1:1:" + "a" * 5000,
])
def test_forged_or_stale_identities_load_nobody(app, session, make_user, identity):
    make_user()
    assert sessions.load(session, identity) is None


def test_a_stale_session_version_loads_nobody(app, session, make_user):
    user = make_user()
    identity = sessions.start(session, user)
    assert sessions.load(session, identity).id == user.id
    uid, version, key = identity.split(":")
    assert sessions.load(session, f"{uid}:{int(version) + 1}:{key}") is None


def test_old_sessions_are_purged_by_the_periodic_task(app, session, make_user):
    from watch.core import tasks
    from watch.core.time import utcnow

    user = make_user()
    sessions.start(session, user)
    fresh = sessions.start(session, user)
    old = session.exec(select(LoginSession)).first()
    old.created_at = utcnow() - timedelta(days=400)
    session.commit()
    assert "accounts.sessions.purge" in tasks.run_all(app, "accounts.sessions.purge")
    assert sessions.count(session, user) == 1 and sessions.load(session, fresh) is not None


def test_deleting_the_account_deletes_its_sessions(app, client, auth, make_user, session):
    user = make_user()
    auth.login(user)
    thief = _copy(client, app)
    assert client.post("/account/delete", data={"password": PASSWORD, "confirm": "y"}).status_code == 302
    assert not _logged_in(thief)
    assert session.exec(select(LoginSession)).all() == []
