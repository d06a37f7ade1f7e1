"""People and their credentials."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlmodel import Field, SQLModel

from watch.core.municipalities import NAME_MAX as MUNICIPALITY_MAX
from watch.core.time import utcnow

# Field limits, written once: the table, the API schemas, the forms and the services read these.
EMAIL_MAX = 254  # the longest address SMTP carries (RFC 5321)
DISPLAY_NAME_MAX = 80
PHONE_MAX = 32
TOKEN_NAME_MAX = 80


class UserBase(SQLModel):
    """What a user says about themselves (the profile form and PATCH /me change it)."""

    display_name: str = Field(min_length=1, max_length=DISPLAY_NAME_MAX)
    phone: str | None = Field(default=None, max_length=PHONE_MAX)


class User(UserMixin, UserBase, table=True):
    """A person: resident, boat owner, contact representative, police contact or admin.

    Contact representative is a per-area role (see watch.areas); police and
    admin are global roles.
    """

    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=EMAIL_MAX, unique=True, index=True)
    password_hash: str = Field(max_length=255)
    is_admin: bool = Field(default=False)
    is_police: bool = Field(default=False)
    # Police contacts serve a municipality: its new areas reach their queue.
    municipality: str | None = Field(default=None, max_length=MUNICIPALITY_MAX, index=True)
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


class ApiTokenBase(SQLModel):
    """What the owner names a token."""

    name: str = Field(min_length=1, max_length=TOKEN_NAME_MAX)


class ApiToken(ApiTokenBase, table=True):
    """A personal API token for integrations; only its hash is stored."""

    __tablename__ = "api_tokens"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
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
