"""Follow links that arrived over real SMTP: reset a password, confirm an address, change it (issue 11)."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import delete
from sqlmodel import select

from tests.conftest import PASSWORD
from tests.mail.conftest import body, links
from watch.accounts import service
from watch.mail.models import OutboxMessage
from watch.mail.sender import send_due

NEW = "en alldeles ny lösenfras"


def _deliver(app, smtp, *, to=None):
    """Run the send task; the messages that arrived (for `to`, if given)."""
    send_due(app)
    return [m for m in smtp.messages if to is None or to.lower() in m["To"].lower()]


def _path(url: str) -> str:
    assert url.startswith("https://tryggranne.test/"), url  # WATCH_PUBLIC_URL, not the test client's host
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _reset_link(app, client, smtp, email) -> str:
    assert client.post("/account/forgot", data={"email": email}).status_code == 302
    [message] = _deliver(app, smtp, to=email)
    smtp.messages.clear()
    [link] = [u for u in links(message) if "/account/reset/" in u]
    return _path(link)


def _quiet(session):
    session.exec(delete(OutboxMessage))
    session.commit()


def test_reset_a_password_from_the_mail_and_log_in_with_it(app, client, auth, make_user, session, smtp):
    user = make_user(email="anna@example.se", name="Anna")
    phone = app.test_client()
    phone.post("/account/login", data={"email": user.email, "password": PASSWORD})
    _quiet(session)
    login_page = client.get("/account/login").text
    assert "Glömt lösenordet?" in login_page
    path = _reset_link(app, client, smtp, "Anna@Example.se")
    assert client.get(path).status_code == 200
    r = client.post(path, data={"password": NEW, "confirm": NEW})
    assert r.status_code == 302
    assert client.get("/account/profile").status_code == 200  # logged in here
    assert phone.get("/account/profile").status_code == 302  # the other session ended
    auth.logout()
    assert auth.login(user, password=PASSWORD).status_code == 422
    assert auth.login(user, password=NEW).status_code == 302
    # Single use: the same link no longer works.
    auth.logout()
    again = client.post(path, data={"password": "ännu en ny lösenfras", "confirm": "ännu en ny lösenfras"})
    assert again.status_code == 400 and "redan använts" in again.text


def test_the_reset_mail_is_in_the_recipients_language_with_text_and_html(app, client, make_user, session, smtp):
    make_user(email="eve@example.se", locale="en")
    _quiet(session)
    client.post("/account/forgot", data={"email": "eve@example.se"}, headers={"Accept-Language": "sv"})
    [message] = _deliver(app, smtp)
    assert message["Subject"] == "Reset your password"
    assert "Choose a new password" in body(message) and "<a href=\"https://tryggranne.test/account/reset/" in body(message, "html")
    assert "<img" not in body(message, "html")


def test_the_same_answer_whether_or_not_the_address_has_an_account(app, client, make_user, session, smtp):
    make_user(email="known@example.se")
    _quiet(session)
    known = client.post("/account/forgot", data={"email": "known@example.se"}, follow_redirects=True)
    unknown = client.post("/account/forgot", data={"email": "unknown@example.se"}, follow_redirects=True)
    assert known.status_code == unknown.status_code == 200
    def page(r):  # the CSRF token carries a timestamp; everything else must match
        text = re.sub(r'name="csrf_token" value="[^"]+"', "", r.text)
        return re.sub(r'name="csrf-token" content="[^"]+"', "", text).replace("unknown@", "X").replace("known@", "X")

    assert page(known) == page(unknown)
    [message] = _deliver(app, smtp)
    assert "known@example.se" in message["To"]


def test_the_reset_ignores_the_host_header(app, make_user, session, smtp):
    make_user(email="host@example.se")
    _quiet(session)
    evil = app.test_client()
    evil.post("/account/forgot", data={"email": "host@example.se"}, base_url="http://evil.example")
    [message] = _deliver(app, smtp)
    assert "evil.example" not in message.as_string()
    assert all(u.startswith("https://tryggranne.test/") for u in links(message))


@pytest.mark.parametrize("mangle", [
    lambda p: p[:-3] + ("AAA" if not p.endswith("AAA") else "BBB"),  # tampered signature
    lambda p: "/account/reset/not-a-token",
    lambda p: "/account/reset/" + "x" * 3000,
])
def test_a_tampered_reset_link_is_refused_and_changes_nothing(app, client, make_user, session, smtp, mangle):
    user = make_user(email="t@example.se")
    _quiet(session)
    bad = mangle(_reset_link(app, client, smtp, user.email))
    assert client.get(bad).status_code == 400
    r = client.post(bad, data={"password": NEW, "confirm": NEW})
    assert r.status_code == 400 and "inte giltig" in r.text
    assert service.authenticate(session, email=user.email, password=PASSWORD) is not None


def test_an_expired_reset_link_is_refused(app, client, make_user, session, smtp):
    user = make_user(email="old@example.se")
    _quiet(session)
    path = _reset_link(app, client, smtp, user.email)
    app.config["ACCOUNTS_RESET_LINK_MINUTES"] = -1  # every link is now past its hour
    r = client.post(path, data={"password": NEW, "confirm": NEW})
    assert r.status_code == 400 and "gått ut" in r.text
    assert service.authenticate(session, email=user.email, password=PASSWORD) is not None


def test_a_reset_link_for_a_deleted_account_is_refused(app, client, make_user, session, smtp):
    user = make_user(email="gone@example.se")
    _quiet(session)
    path = _reset_link(app, client, smtp, user.email)
    service.delete_user(session, user)
    assert client.get(path).status_code == 400


def test_a_weak_new_password_is_refused_and_the_link_still_works(app, client, make_user, session, smtp):
    user = make_user(email="weak@example.se")
    _quiet(session)
    path = _reset_link(app, client, smtp, user.email)
    assert client.post(path, data={"password": "kort", "confirm": "kort"}).status_code == 422
    assert client.post(path, data={"password": NEW, "confirm": "något annat här"}).status_code == 422
    assert client.post(path, data={"password": NEW, "confirm": NEW}).status_code == 302


@pytest.mark.parametrize("email", ["inte en adress", "a\r\nBcc: x@example.se", "x" * 300 + "@example.se", ""])
def test_a_malformed_address_gets_a_clear_message_and_sends_nothing(app, client, session, smtp, email):
    r = client.post("/account/forgot", data={"email": email})
    assert r.status_code == 422
    assert session.exec(select(OutboxMessage)).all() == []


def test_flooding_the_reset_form_is_limited_per_address_and_per_client(app, make_user, session, smtp):
    make_user(email="flood@example.se")
    _quiet(session)
    limit = int(app.config["RATELIMIT_RESET"].split()[0])
    # One address from many clients: limited per address.
    codes = [app.test_client().post("/account/forgot", data={"email": "flood@example.se"},
                                    environ_base={"REMOTE_ADDR": f"10.0.0.{i}"}).status_code for i in range(limit + 2)]
    assert codes[:limit] == [302] * limit and codes[-1] == 429
    assert len(session.exec(select(OutboxMessage)).all()) == limit
    # One client, many addresses: limited per client.
    c = app.test_client()
    codes = [c.post("/account/forgot", data={"email": f"n{i}@example.se"}, environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code
             for i in range(limit + 2)]
    assert codes[-1] == 429
    assert "429" not in str(codes[:limit])


def test_register_confirm_the_address_from_the_mail(app, client, session, smtp):
    r = client.post("/account/register", data={"email": "ny@example.se", "display_name": "Ny Granne",
                                               "password": PASSWORD, "confirm": PASSWORD})
    assert r.status_code == 302
    user = service.get_by_email(session, "ny@example.se")
    assert user.email_verified_at is None
    assert "inte bekräftad" in client.get("/account/profile").text
    [message] = _deliver(app, smtp, to="ny@example.se")
    [link] = [u for u in links(message) if "/account/confirm/" in u]
    page = client.get(_path(link))
    assert page.status_code == 200 and "ny@example.se" in page.text
    session.refresh(user)
    assert user.email_verified_at is None  # a GET (a mail scanner) confirms nothing
    assert client.post(_path(link)).status_code == 302
    session.refresh(user)
    assert user.email_verified_at is not None
    assert "inte bekräftad" not in client.get("/account/profile").text


def test_an_unverified_user_cannot_be_made_police_admin_or_contact(app, session, make_user, smtp):
    from watch.core.errors import ServiceError

    user = make_user(email_verified_at=None)
    for role in ("police", "admin"):
        with pytest.raises(ServiceError) as exc:
            service.set_role(session, user=user, role=role, on=True)
        assert exc.value.code == "email_unverified"
    from watch.areas.registration.service import create_area

    with pytest.raises(ServiceError) as exc:
        create_area(session, user, kind="grannsamverkan", name="Gatan", municipality="Nyköping", geometry_data={})
    assert exc.value.code == "email_unverified"


def test_change_the_address_confirms_the_new_one_and_tells_the_old(app, client, auth, make_user, session, smtp):
    user = make_user(email="gammal@example.se")
    _quiet(session)
    auth.as_user(user)
    assert client.post("/account/email", data={"email": "ny.adress@example.se", "password": "fel lösenord"}).status_code == 422
    assert client.post("/account/email", data={"email": "ny.adress@example.se", "password": PASSWORD}).status_code == 302
    session.refresh(user)
    assert user.email == "gammal@example.se"  # not until confirmed
    messages = _deliver(app, smtp)
    [old] = [m for m in messages if "gammal@" in m["To"]]
    [new] = [m for m in messages if "ny.adress@" in m["To"]]
    assert "n…@example.se" in body(old) and "ny.adress@example.se" not in body(old)
    [link] = [u for u in links(new) if "/account/confirm/" in u]
    assert client.post(_path(link)).status_code == 302
    session.refresh(user)
    assert user.email == "ny.adress@example.se" and user.email_verified_at is not None
    assert client.post(_path(link)).status_code == 400  # used


def test_change_to_a_taken_address_is_refused(app, client, auth, make_user, session, smtp):
    make_user(email="upptagen@example.se")
    auth.as_user(make_user())
    r = client.post("/account/email", data={"email": "upptagen@example.se", "password": PASSWORD})
    assert r.status_code == 422 and "finns redan" in r.text


def test_the_console_admin_is_confirmed_and_gets_no_confirmation_link(app, runner, session, smtp):
    result = runner.invoke(args=["users", "create-admin", "--email", "chef@kommun.se", "--name", "Chef", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    assert service.get_by_email(session, "chef@kommun.se").email_verified_at is not None
    assert session.exec(select(OutboxMessage)).all() == []
