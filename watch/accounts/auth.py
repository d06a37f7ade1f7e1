"""Who is asking: the session cookie for the PWA, a bearer token for integrations."""
from __future__ import annotations

from flask import Flask, g
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager

from watch.accounts.models import User
from watch.db import get_session
from watch.errors import envelope
from watch.security import bearer_token

login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Please log in to see that page.")
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    uid, _, version = user_id.partition(":")
    if not uid.isdigit():
        return None
    user = get_session().get(User, int(uid))
    if user is None or str(user.session_version) != version:
        return None
    return user


@login_manager.unauthorized_handler
def _unauthorized():
    from flask import flash, redirect, request, url_for

    from watch.errors import MESSAGES, wants_json

    if wants_json():
        return envelope(401, "unauthorized", MESSAGES[401])
    flash(str(login_manager.login_message), "info")
    return redirect(url_for("accounts.login", next=request.full_path if request.query_string else request.path))


def _token_user():
    # Runs before flask-login looks at the session: a token request is that
    # token's user and nobody else, whatever cookie came along.
    token = bearer_token()
    if token is None:
        return None
    from watch.accounts.service import user_for_token

    user = user_for_token(get_session(), token)
    if user is None:
        return envelope(401, "token_invalid", _l("The API token is invalid or revoked."))
    g._login_user = user
    g.auth_via_token = True
    return None


def init_app(app: Flask) -> None:
    """Attach flask-login and token auth."""
    login_manager.init_app(app)
    # Token auth must run before the CSRF check (security._protect).
    app.before_request_funcs.setdefault(None, []).insert(0, _token_user)
