"""Accounts in the JSON API: who am I, my profile, my tokens."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint
from flask_login import current_user
from pydantic import BaseModel
from sqlmodel import Field

from watch.accounts import service
from watch.accounts.models import ApiTokenBase, UserBase
from watch.core.api import Error, require_login, spec
from watch.core.db import get_session
from spectree import Response

bp = Blueprint("accounts_api", __name__, url_prefix="/api/v1")
bp.before_request(require_login)


class Me(BaseModel):
    """The logged-in user."""

    id: int
    email: str
    display_name: str
    phone: str | None
    roles: list[str]
    municipality: str | None
    locale: str | None


class ProfileUpdate(UserBase):
    """Fields a user may change about themselves."""

    locale: str | None = Field(default=None, schema_extra={"pattern": "^(sv|en)$"})


class TokenIn(ApiTokenBase):
    """A new API token."""


class TokenOut(BaseModel):
    """An API token; `token` is present only in the answer that created it."""

    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    token: str | None = None


class TokenList(BaseModel):
    """The user's tokens."""

    items: list[TokenOut]


def _me() -> Me:
    u = current_user
    return Me(id=u.id, email=u.email, display_name=u.display_name, phone=u.phone, roles=u.roles,
              municipality=u.municipality, locale=u.locale)


@bp.get("/me")
@spec.validate(resp=Response(HTTP_200=Me, HTTP_401=Error), tags=["accounts"])
def me():
    """The logged-in user."""
    return _me()


@bp.patch("/me")
@spec.validate(json=ProfileUpdate, resp=Response(HTTP_200=Me, HTTP_401=Error, HTTP_422=Error), tags=["accounts"])
def update_me(json: ProfileUpdate):
    """Change name, phone or language."""
    service.update_profile(get_session(), current_user, display_name=json.display_name, phone=json.phone, locale=json.locale)
    return _me()


def _token_out(token, plaintext=None) -> TokenOut:
    return TokenOut(id=token.id, name=token.name, prefix=token.prefix, created_at=token.created_at,
                    last_used_at=token.last_used_at, revoked_at=token.revoked_at, token=plaintext)


@bp.get("/tokens")
@spec.validate(resp=Response(HTTP_200=TokenList, HTTP_401=Error), tags=["accounts"])
def list_tokens():
    """The user's API tokens."""
    return TokenList(items=[_token_out(t) for t in service.tokens_of(get_session(), current_user)])


@bp.post("/tokens")
@spec.validate(json=TokenIn, resp=Response(HTTP_201=TokenOut, HTTP_401=Error, HTTP_422=Error), tags=["accounts"])
def create_token(json: TokenIn):
    """Create an API token; its secret is shown in this answer only."""
    token, plaintext = service.create_token(get_session(), current_user, name=json.name)
    return _token_out(token, plaintext), 201, {"Location": f"/api/v1/tokens/{token.id}"}


@bp.delete("/tokens/<int:token_id>")
@spec.validate(resp=Response(HTTP_200=TokenOut, HTTP_401=Error, HTTP_404=Error), tags=["accounts"])
def revoke_token(token_id: int):
    """Revoke a token (its owner, or an admin)."""
    return _token_out(service.revoke_token(get_session(), actor=current_user, token_id=token_id))
