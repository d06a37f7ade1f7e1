"""Account operations shared by the views, the API, the CLI and the tests."""
from __future__ import annotations

import hashlib
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from watch.accounts import links, sessions
from watch.accounts.models import DISPLAY_NAME_MAX, TOKEN_NAME_MAX, ApiToken, User
from watch.accounts.passwords import burn_time, hash_password, password_problem, verify_password
from watch.accounts.users import get_by_email, normalise_email
from watch.core import events
from watch.core.errors import Forbidden, NotFound, ServiceError
from watch.core.time import utcnow

TOKEN_PREFIX = "wt_"


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ServiceError("name_missing", _l("Enter your name."), 422, field="display_name")
    if len(name) > DISPLAY_NAME_MAX:
        raise ServiceError("name_too_long", _l("The name can be at most %(n)s characters.", n=DISPLAY_NAME_MAX), 422,
                           field="display_name")
    return name


def _clean_phone(phone: str | None) -> str | None:
    phone = " ".join((phone or "").split())
    if not phone:
        return None
    digits = phone.replace(" ", "").replace("-", "")
    if not (digits.lstrip("+").isdigit() and 6 <= len(digits) <= 16):
        raise ServiceError("phone_invalid", _l("Enter the phone number with digits only, e.g. 070-123 45 67."), 422, field="phone")
    return phone


def register(session: Session, *, email: str, display_name: str, password: str, phone: str | None = None,
             verified: bool = False) -> User:
    """Create a member account and queue the link that confirms its address; commits.

    `verified`: the address is vouched for already (an operator at the console), no link is sent.
    """
    email = normalise_email(email)
    name = _clean_name(display_name)
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise ServiceError("password_weak", problem, 422, field="password")
    if get_by_email(session, email):
        raise ServiceError("email_taken", _l("An account with that e-mail already exists. Log in instead."), 409, field="email")
    user = User(email=email, display_name=name, phone=_clean_phone(phone), password_hash=hash_password(password),
                email_verified_at=utcnow() if verified else None)
    session.add(user)
    try:
        session.flush()
        if not verified:
            links.queue_confirmation(session, user)  # sent only if the account is committed
        session.commit()
    except IntegrityError:  # a concurrent registration won the race
        session.rollback()
        raise ServiceError("email_taken", _l("An account with that e-mail already exists. Log in instead."), 409, field="email")
    return user


def authenticate(session: Session, *, email: str, password: str) -> User | None:
    """The user if e-mail and password match; None otherwise (same time either way)."""
    user = get_by_email(session, email or "")
    if user is None:
        burn_time()
        return None
    if not verify_password(user.password_hash, password or ""):
        return None
    user.last_login_at = utcnow()
    session.add(user)
    session.commit()
    return user


def change_password(session: Session, user: User, *, current: str, new: str) -> None:
    """Set a new password after checking the current one; ends other sessions."""
    if not verify_password(user.password_hash, current or ""):
        raise ServiceError("password_wrong", _l("The current password is wrong."), 422, field="current_password")
    problem = password_problem(new, email=user.email, name=user.display_name)
    if problem:
        raise ServiceError("password_weak", problem, 422, field="new_password")
    user.password_hash = hash_password(new)
    sessions.end_all(session, user)
    session.commit()


def log_out_everywhere(session: Session, user: User) -> None:
    """End every browser session of the user, this one included (API tokens stay). Commits."""
    sessions.end_all(session, user)
    session.commit()


def update_profile(session: Session, user: User, *, display_name: str, phone: str | None, locale: str | None = None) -> User:
    """Change name, phone and language."""
    user.display_name = _clean_name(display_name)
    user.phone = _clean_phone(phone)
    if locale is not None:
        user.locale = locale or None
    session.add(user)
    session.commit()
    return user


def delete_account(session: Session, user: User, *, password: str) -> None:
    """Delete the user and, through the user_deleting signal, what other domains hold."""
    if not verify_password(user.password_hash, password or ""):
        raise ServiceError("password_wrong", _l("The password is wrong."), 422, field="password")
    delete_user(session, user)


def delete_user(session: Session, user: User) -> None:
    """Delete a user without a password check (admin and CLI)."""
    try:
        events.user_deleting.send(user, session=session)
        for token in session.exec(select(ApiToken).where(ApiToken.user_id == user.id)):
            session.delete(token)
        session.delete(user)
        session.commit()
    except Exception:
        session.rollback()
        raise


def export_data(session: Session, user: User) -> dict:
    """Everything the app holds about the user, for a GDPR access request."""
    data = {
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "phone": user.phone,
            "roles": user.roles,
            "municipality": user.municipality,
            "locale": user.locale,
            "email_verified_at": user.email_verified_at.isoformat() if user.email_verified_at else None,
            "created_at": user.created_at.isoformat(),
            "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
        },
        "api_tokens": [
            {"name": t.name, "created_at": t.created_at.isoformat(), "revoked": t.revoked_at is not None}
            for t in session.exec(select(ApiToken).where(ApiToken.user_id == user.id))
        ],
    }
    events.user_export.send(user, session=session, data=data)
    return data


ROLES = ("admin", "police")


def set_role(session: Session, *, user: User, role: str, on: bool, municipality: str | None = None) -> User:
    """Grant or revoke a global role."""
    if role not in ROLES:
        raise ServiceError("role_unknown", _l("Unknown role."), 422)
    if role == "admin" and not on and user.is_admin:
        admins = session.exec(select(func.count()).select_from(User).where(User.is_admin)).one()
        if admins <= 1:
            raise ServiceError("last_admin", _l("The last admin cannot lose the admin role."), 409)
    if on:
        links.require_verified(user)
    setattr(user, f"is_{role}", on)
    if role == "police" and municipality is not None:
        user.municipality = municipality.strip() or None
    session.add(user)
    session.commit()
    return user


def require_user(session: Session, user_id: int) -> User:
    """The user with this id, or NotFound."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("user_not_found", _l("No such user."))
    return user


def _token_hash(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def create_token(session: Session, user: User, *, name: str) -> tuple[ApiToken, str]:
    """A new API token; the plaintext is returned once and never stored."""
    name = " ".join((name or "").split())
    if not name or len(name) > TOKEN_NAME_MAX:
        raise ServiceError("token_name", _l("Give the token a name of at most %(n)s characters.", n=TOKEN_NAME_MAX), 422,
                           field="name")
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=_token_hash(plaintext), prefix=plaintext[:10])
    session.add(token)
    session.commit()
    return token, plaintext


def revoke_token(session: Session, *, actor: User, token_id: int) -> ApiToken:
    """Revoke a token: its owner or an admin may."""
    token = session.get(ApiToken, token_id)
    if token is None or (token.user_id != actor.id and not actor.is_admin):
        raise NotFound("token_not_found", _l("No such token."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.add(token)
        session.commit()
    return token


def tokens_of(session: Session, user: User | None = None) -> list[ApiToken]:
    """A user's tokens, or everyone's (admin view), newest first."""
    query = select(ApiToken).order_by(ApiToken.created_at.desc())
    if user is not None:
        query = query.where(ApiToken.user_id == user.id)
    return list(session.exec(query))


def user_for_token(session: Session, plaintext: str) -> User | None:
    """The owner of a live token, recording its use."""
    token = session.exec(select(ApiToken).where(ApiToken.token_hash == _token_hash(plaintext))).first()
    if token is None or token.revoked_at is not None:
        return None
    now = utcnow()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        token.last_used_at = now
        session.add(token)
        session.commit()
    return session.get(User, token.user_id)


def require_admin(user) -> None:
    """Refuse anyone but an admin."""
    if not getattr(user, "is_admin", False):
        raise Forbidden("admin_only", _l("Only an admin may do that."))
