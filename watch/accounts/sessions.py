"""Server-side session ends: logout, log out everywhere, and the session a cookie names.

A browser's login identity is `<user id>:<session_version>:<key>`, stored by
Flask-Login in the session cookie (and the remember cookie). It is valid while
the user's session_version matches (password change or reset, "log out on all
devices" bump it) and its key's LoginSession row exists (logout deletes it).
API tokens are separate and unaffected.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import Flask
from sqlalchemy import delete
from sqlmodel import Session, select

from watch.accounts.models import LoginSession, User
from watch.core.db import engine
from watch.core.time import utcnow


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start(session: Session, user: User) -> str:
    """Record a new login of `user`; returns the identity to store in the cookie. Commits."""
    key = secrets.token_urlsafe(24)
    session.add(LoginSession(user_id=user.id, key_hash=_hash(key)))
    session.commit()
    return f"{user.id}:{user.session_version}:{key}"


def load(session: Session, identity: str) -> User | None:
    """The user a cookie identity names, if that session is still live."""
    uid, version, key = (identity.split(":", 2) + ["", ""])[:3]
    if not (uid.isdigit() and version.isdigit() and key) or len(uid) > 18:
        return None
    row = session.exec(
        select(User).join(LoginSession, LoginSession.user_id == User.id)
        .where(User.id == int(uid), LoginSession.key_hash == _hash(key))
    ).first()
    if row is None or str(row.session_version) != version:
        return None
    return row


def end(session: Session, identity: str | None) -> None:
    """End the one session this identity names (logout). Commits."""
    key = (identity or "").split(":", 2)[2:] or [""]
    if key[0]:
        session.exec(delete(LoginSession).where(LoginSession.key_hash == _hash(key[0])))
        session.commit()


def end_all(session: Session, user: User) -> None:
    """End every session of the user (log out on all devices, password change or reset); never commits."""
    user.session_version += 1
    session.add(user)
    session.exec(delete(LoginSession).where(LoginSession.user_id == user.id))


def count(session: Session, user: User) -> int:
    """How many browsers are logged in as the user."""
    return len(session.exec(select(LoginSession.id).where(LoginSession.user_id == user.id)).all())


def purge(app: Flask) -> int:
    """Delete sessions older than any cookie can live (the periodic task)."""
    config = app.config
    longest = max(_seconds(config["PERMANENT_SESSION_LIFETIME"]), _seconds(config["REMEMBER_COOKIE_DURATION"]))
    cutoff = utcnow() - timedelta(seconds=longest)
    with Session(engine(app)) as session:
        result = session.exec(delete(LoginSession).where(LoginSession.created_at < cutoff))
        session.commit()
    return result.rowcount


def _seconds(value) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
