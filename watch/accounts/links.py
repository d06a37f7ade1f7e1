"""Signed links sent by e-mail: password reset, address confirmation, address change.

Links are itsdangerous tokens bound to the account's current state (a
fingerprint of the password hash, session version and address), so a used
reset link, or a change link after another change, no longer matches: single
use without storing tokens. Every message goes through the outbox
(watch.mail.queue) in the same transaction as the change that caused it.
"""
from __future__ import annotations

import hashlib

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlmodel import Session

from watch import mail
from watch.accounts import sessions
from watch.accounts.models import User
from watch.accounts.passwords import hash_password, password_problem, verify_password
from watch.accounts.users import get_by_email, normalise_email
from watch.core.time import utcnow
from watch.core.errors import Forbidden, ServiceError

RESET, CONFIRM = "watch.accounts.reset", "watch.accounts.confirm"


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _fingerprint(user: User) -> str:
    state = f"{user.id}|{user.password_hash}|{user.session_version}|{user.email}"
    return hashlib.sha256(state.encode()).hexdigest()[:24]


def _load(session: Session, salt: str, token: str, max_age: int) -> tuple[User, dict]:
    invalid = ServiceError("link_invalid", _l("The link is not valid, or it has already been used. Ask for a new one."), 400)
    try:
        data = _serializer(salt).loads(token or "", max_age=max_age)
    except SignatureExpired:
        raise ServiceError("link_expired", _l("The link has expired. Ask for a new one."), 400)
    except BadSignature:
        raise invalid
    user = session.get(User, data.get("u")) if isinstance(data, dict) and isinstance(data.get("u"), int) else None
    if user is None or data.get("f") != _fingerprint(user):
        raise invalid
    return user, data


def _site() -> str:
    return current_app.config["PWA_SHORT_NAME"]


# --- Password reset -------------------------------------------------------

def request_reset(session: Session, *, email: str) -> None:
    """Queue a reset link if an account has this address; the caller answers the same either way. Commits."""
    user = get_by_email(session, normalise_email(email))
    if user is None:
        return
    token = _serializer(RESET).dumps({"u": user.id, "f": _fingerprint(user)})
    minutes = current_app.config["ACCOUNTS_RESET_LINK_MINUTES"]
    with mail.recipient_locale(user):
        text, html = mail.compose(
            greeting=_("Hello %(name)s,", name=user.display_name),
            paragraphs=[
                _("Someone, hopefully you, asked to reset the password of your account at %(site)s.", site=_site()),
                _("The link works once, for %(minutes)s minutes. If you did not ask, ignore this message: your password stays as it is.", minutes=minutes),
            ],
            action=(_("Choose a new password"), mail.public_url("accounts.reset", token=token)),
        )
        mail.queue(session, to=user.email, to_name=user.display_name, user=user, kind="password_reset",
                   subject=_("Reset your password"), text=text, html=html)
    session.commit()


def check_reset(session: Session, token: str) -> User:
    """The account a reset link belongs to, or a ServiceError (expired, used, tampered, deleted)."""
    return _load(session, RESET, token, current_app.config["ACCOUNTS_RESET_LINK_MINUTES"] * 60)[0]


def reset_password(session: Session, *, token: str, password: str) -> User:
    """Set a new password from a reset link; the address counts as confirmed; every session ends. Commits."""
    user = check_reset(session, token)
    problem = password_problem(password, email=user.email, name=user.display_name)
    if problem:
        raise ServiceError("password_weak", problem, 422, field="password")
    user.password_hash = hash_password(password)
    user.email_verified_at = user.email_verified_at or utcnow()  # the link reached this address
    sessions.end_all(session, user)
    session.commit()
    return user


# --- Address confirmation and change --------------------------------------

def queue_confirmation(session: Session, user: User, *, address: str | None = None) -> None:
    """Queue a link confirming `address` (default: the user's own) for the user; never commits."""
    address = address or user.email
    token = _serializer(CONFIRM).dumps({"u": user.id, "f": _fingerprint(user), "e": address})
    with mail.recipient_locale(user):
        changing = address != user.email
        text, html = mail.compose(
            greeting=_("Hello %(name)s,", name=user.display_name),
            paragraphs=[
                _("Confirm that %(address)s is your new e-mail address at %(site)s.", address=address, site=_site()) if changing
                else _("Welcome to %(site)s! Confirm your e-mail address, so that you can get notices and take on roles in your area.", site=_site()),
                _("If it was not you, ignore this message."),
            ],
            action=(_("Confirm the address"), mail.public_url("accounts.confirm", token=token)),
        )
        mail.queue(session, to=address, to_name=user.display_name, user=user, kind="confirm_email",
                   subject=_("Confirm your e-mail address"), text=text, html=html)


def check_confirmation(session: Session, token: str) -> tuple[User, str]:
    """The account and address a confirmation link names, or a ServiceError."""
    days = current_app.config["ACCOUNTS_CONFIRM_LINK_DAYS"]
    user, data = _load(session, CONFIRM, token, days * 86400)
    address = data.get("e")
    if not isinstance(address, str):
        raise ServiceError("link_invalid", _l("The link is not valid, or it has already been used. Ask for a new one."), 400)
    return user, address


def confirm(session: Session, *, token: str) -> User:
    """Confirm the address in the link: the user's own, or the new one of an address change. Commits."""
    user, address = check_confirmation(session, token)
    if address != user.email:
        other = get_by_email(session, address)
        if other is not None:
            raise ServiceError("email_taken", _l("An account with that e-mail already exists. Log in instead."), 409)
        user.email = address
    user.email_verified_at = utcnow()
    session.add(user)
    session.commit()
    return user


def request_email_change(session: Session, user: User, *, new_email: str, password: str) -> str:
    """Send a confirmation to the new address and a notice to the old one; the address changes on confirmation. Commits."""
    if not verify_password(user.password_hash, password or ""):
        raise ServiceError("password_wrong", _l("The password is wrong."), 422, field="password")
    address = normalise_email(new_email)
    if address == user.email:
        raise ServiceError("email_same", _l("That is already your address."), 422, field="email")
    if get_by_email(session, address):
        raise ServiceError("email_taken", _l("An account with that e-mail already exists. Log in instead."), 409, field="email")
    queue_confirmation(session, user, address=address)
    with mail.recipient_locale(user):
        text, html = mail.compose(
            greeting=_("Hello %(name)s,", name=user.display_name),
            paragraphs=[
                _("Someone logged in to your account at %(site)s asked to change its e-mail address to %(address)s. It changes when the new address is confirmed.", site=_site(), address=_masked(address)),
                _("If it was not you, change your password now and log out on all devices."),
            ],
            action=(_("Reset your password"), mail.public_url("accounts.forgot")),
        )
        mail.queue(session, to=user.email, to_name=user.display_name, user=user, kind="email_change_notice",
                   subject=_("Your e-mail address is being changed"), text=text, html=html)
    session.commit()
    return address


def resend_confirmation(session: Session, user: User) -> None:
    """Send the confirmation link again. Commits."""
    if user.email_verified_at is None:
        queue_confirmation(session, user)
        session.commit()


def _masked(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[:1]}…@{domain}"


def require_verified(user, what=None) -> None:
    """Refuse a role that needs a confirmed e-mail address (contact representative, police, admin)."""
    if getattr(user, "email_verified_at", None) is None:
        raise Forbidden("email_unverified", what or _l("The person must confirm their e-mail address first."))
