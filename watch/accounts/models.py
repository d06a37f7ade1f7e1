"""People and their credentials."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlmodel import Field, SQLModel

from watch.core.time import utcnow


class User(UserMixin, SQLModel, table=True):
    """A person: resident, boat owner, contact representative, police contact or admin.

    Contact representative is a per-area role (see watch.areas); police and
    admin are global roles.
    """

    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    display_name: str = Field(max_length=80)
    phone: str | None = Field(default=None, max_length=32)
    password_hash: str = Field(max_length=255)
    is_admin: bool = Field(default=False)
    is_police: bool = Field(default=False)
    # Police contacts serve a municipality: its new areas reach their queue.
    municipality: str | None = Field(default=None, max_length=80, index=True)
    locale: str | None = Field(default=None, max_length=8)
    # Set when a link sent to `email` was followed; roles and e-mail notices need it.
    email_verified_at: datetime | None = None
    # Bumped on password change and logout-everywhere; part of the session id.
    session_version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None

    def get_id(self) -> str:
        """Session identity: changes when the password does, ending other sessions."""
        return f"{self.id}:{self.session_version}"

    @property
    def roles(self) -> list[str]:
        """The global roles, for display and the API."""
        return [r for r, on in (("admin", self.is_admin), ("police", self.is_police)) if on]


class ApiToken(SQLModel, table=True):
    """A personal API token for integrations; only its hash is stored."""

    __tablename__ = "api_tokens"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=80)
    token_hash: str = Field(max_length=64, unique=True)
    prefix: str = Field(max_length=12)
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


class LoginSession(SQLModel, table=True):
    """One logged-in browser: logout deletes it, so a copied cookie stops working.

    The cookie holds `<user id>:<session_version>:<key>`; only the key's hash
    is stored. Bumping the user's session_version ends every session at once.
    """

    __tablename__ = "login_sessions"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    key_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, index=True)
