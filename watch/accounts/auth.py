"""Who is asking: the session cookie for the PWA, a bearer token for integrations."""
from __future__ import annotations

from flask import Flask, abort, g, request
from flask import session as flask_session
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, login_user, logout_user

from watch.accounts import sessions
from watch.accounts.models import User
from watch.core.db import get_session
from watch.core.errors import envelope
from watch.core.security import bearer_token


class _LoginManager(LoginManager):
    """Flask-Login, except that a request with a bearer token is that token's user alone.

    Flask-Login tries the session and the remember cookie before the request
    loader; a token request must not become whoever's cookie came along.
    """

    def _load_user(self):
        if bearer_token() is not None:
            return self._update_request_context_with_user(self._load_user_from_request(request))
        return super()._load_user()


login_manager = _LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Please log in to see that page.")
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"


@login_manager.user_loader
def _load_user(identity: str) -> User | None:
    # The cookie names one server-side session (watch.accounts.sessions):
    # logout, log out everywhere and a password reset end it for good.
    return sessions.load(get_session(), identity)


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
    from flask import flash, redirect, request, url_for

    from watch.core.errors import MESSAGES, wants_json

    if wants_json():
        return envelope(401, "unauthorized", MESSAGES[401])
    flash(str(login_manager.login_message), "info")
    return redirect(url_for("accounts.login", next=request.full_path if request.query_string else request.path))


@login_manager.request_loader
def _token_user(req) -> User | None:
    # Only bearer requests come here (see _LoginManager): a valid token is its
    # user, marked so that the CSRF check (watch.core.security) may skip it; a bad
    # one ends the request with a 401, whoever first asks who is logged in.
    token = bearer_token()
    if token is None:
        return None
    from watch.accounts.service import user_for_token

    user = user_for_token(get_session(), token)
    if user is None:
        body, status = envelope(401, "token_invalid", _l("The API token is invalid or revoked."))
        body.status_code = status
        abort(body)
    g.auth_via_token = True
    return user


def init_app(app: Flask) -> None:
    """Attach flask-login and token auth; purge old login sessions periodically."""
    from watch.core import tasks

    login_manager.init_app(app)
    tasks.register(app, "accounts.sessions.purge", 3600, sessions.purge)
