"""Log in without the login form, the way the form does it: a server-side session, then Flask-Login's keys.

For tests and benchmarks (bench/ imports it). The password check is the only step skipped;
the session is a real one (watch.accounts.sessions), so logout, "log out everywhere" and a
password change end it as they end a browser's.
"""
from __future__ import annotations

from flask import Flask, current_app, has_app_context
from flask.testing import FlaskClient

from watch.accounts import sessions
from watch.accounts.models import User
from watch.core.db import get_session


def log_in(client: FlaskClient, user: User) -> User:
    """Log the test client in as the user (a new server-side session in its cookie); returns the user."""
    with client.session_transaction() as cookie:
        cookie.update(session_keys(client.application, user))
    return user


def session_cookie(app: Flask, user: User) -> tuple[str, str]:
    """(name, value) of a session cookie logged in as the user, for a live server of this app (a browser, requests)."""
    serializer = app.session_interface.get_signing_serializer(app)  # Flask's own cookie signing
    return app.config["SESSION_COOKIE_NAME"], serializer.dumps(session_keys(app, user))


def session_keys(app: Flask, user: User) -> dict:
    """Start a server-side session for the user; the session keys Flask-Login's login_user would store for it."""
    if has_app_context() and current_app._get_current_object() is app:
        # The caller's (a test's) own database session: the one its user belongs to.
        identity = sessions.start(get_session(), user)
    else:
        with app.app_context():
            identity = sessions.start(get_session(), user)
    return {"_user_id": identity, "_fresh": True}
