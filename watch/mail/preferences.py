"""A member's e-mail choices (alert outcomes, a summary) and the signed List-Unsubscribe link of the summary."""
from __future__ import annotations

from typing import Callable, TypeVar

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlmodel import Session

from watch.core.errors import ServiceError
from watch.core.time import utcnow
from watch.mail.models import DIGEST_CHOICES, MailPreference
from watch.mail.service import public_url

UNSUBSCRIBE_SALT = "watch.mail.unsubscribe"
Recipient = TypeVar("Recipient")


def preferences(session: Session, user) -> MailPreference:
    """The user's e-mail choices (defaults when never saved; not added to the session)."""
    return session.get(MailPreference, user.id) or MailPreference(user_id=user.id)


def save_preferences(session: Session, user, *, outcomes: bool, digest: str) -> MailPreference:
    """Store the user's e-mail choices. Commits."""
    if digest not in DIGEST_CHOICES:
        raise ServiceError("digest_invalid", _l("Choose no summary, a daily or a weekly one."), 422, field="digest")
    pref = preferences(session, user)
    if pref.digest != digest:
        pref.last_digest_at = utcnow()  # the first summary covers the time from now
    pref.outcomes, pref.digest = bool(outcomes), digest
    session.add(pref)
    session.commit()
    return pref


def wants_outcomes(session: Session, user) -> bool:
    """Whether the user wants their alert's outcome by e-mail."""
    return preferences(session, user).outcomes


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(user) -> str:
    """The List-Unsubscribe link of a user's digest (signed; no login needed)."""
    return public_url("mail.unsubscribe", token=_serializer().dumps({"u": user.id}))


def user_for_unsubscribe(token: str, load: Callable[[int], Recipient | None]) -> Recipient:
    """The recipient an unsubscribe link names, found with `load(user_id)` (the outbox keeps no accounts), or a ServiceError."""
    try:
        data = _serializer().loads(token or "")
    except BadSignature:
        data = None
    user = load(data["u"]) if isinstance(data, dict) and isinstance(data.get("u"), int) else None
    if user is None:
        raise ServiceError("link_invalid", _l("The link is not valid. Change your e-mail choices under your notifications."), 400)
    return user


def unsubscribe(session: Session, user) -> MailPreference:
    """Stop the user's digest (the user an unsubscribe link named). Commits."""
    pref = preferences(session, user)
    pref.digest = "off"
    session.add(pref)
    session.commit()
    return pref
