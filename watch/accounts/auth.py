"""Who is asking: the session cookie for the PWA, a bearer token for integrations."""
from __future__ import annotations

from flask import Flask, abort, flash, g, redirect, request, url_for
from flask import session as flask_session
from flask_babel import lazy_gettext as _l
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager, login_user, logout_user

from watch.accounts import sessions
from watch.accounts.models import User
from watch.accounts.service import user_for_token
from watch.core import tasks
from watch.core.db import get_session
from watch.core.errors import MESSAGES, envelope, wants_json
from watch.core.security import bearer_token

login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Please log in to see that page.")
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"


@login_manager.user_loader
def _load_user(identity: str) -> User | None:
    # Flask-Login asks this loader first, for the session's (or the remember
    # cookie's) identity; a bearer request is the token's user alone, never
    # whoever's cookie came along.
    if bearer_token() is not None:
        return _token_user()
    # The cookie names one server-side session (watch.accounts.sessions):
    # logout, log out everywhere and a password reset end it for good.
    return sessions.load(get_session(), identity)


@login_manager.request_loader
def _load_user_from_request(_request) -> User | None:
    # Asked only when no cookie named anyone: a bearer request without one.
    return _token_user() if bearer_token() is not None else None


def _token_user() -> User:
    # A valid token is its user, marked so that the CSRF check (watch.core.security)
    # may skip it; a bad one ends the request with a 401, whoever first asks who
    # is logged in.
    user = user_for_token(get_session(), bearer_token())
    if user is None:
        body, status = envelope(401, "token_invalid", _l("The API token is invalid or revoked."))
        body.status_code = status
        abort(body)
    g.auth_via_token = True
    return user


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's cookie session, never written by a bearer request.

    Flask-Login restores a session from a remember cookie before it asks the
    user loader; a token's answer must leave the browser's login as it came.
    """

    def save_session(self, app, session, response):
        if bearer_token() is None:
            super().save_session(app, session, response)


def log_in(user: User, *, remember: bool = False) -> None:
    """Start a server-side session for the user and put it in the cookie(s)."""
    login_user(user, remember=remember)
    # Flask-Login stores get_id() and copies session["_user_id"] into the
    # remember cookie after the request: both name this session only.
    flask_session["_user_id"] = sessions.start(get_session(), user)


def log_out() -> None:
    """End this browser's session on the server and clear the cookie."""
    sessions.end(get_session(), flask_session.get("_user_id"))
    logout_user()
    flask_session.clear()


@login_manager.unauthorized_handler
def _unauthorized():
    if wants_json():
        return envelope(401, "unauthorized", MESSAGES[401])
    flash(str(login_manager.login_message), "info")
    return redirect(url_for("accounts.login", next=request.full_path if request.query_string else request.path))


def init_app(app: Flask) -> None:
    """Attach flask-login and token auth; purge old login sessions periodically."""
    app.session_interface = _SessionInterface()
    login_manager.init_app(app)
    tasks.register(app, "accounts.sessions.purge", 3600, sessions.purge)
