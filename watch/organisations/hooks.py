"""Receivers of the per-user data signals (GDPR delete and export)."""
from __future__ import annotations

from sqlmodel import select

from watch.core import events
from watch.organisations.access import memberships_of
from watch.organisations.models import OrganisationMembership


def on_user_deleting(user, session, **_kw) -> None:
    """A deleted user leaves every organisation."""
    for m in session.exec(select(OrganisationMembership).where(OrganisationMembership.user_id == user.id)).all():
        session.delete(m)
    session.flush()


def on_user_export(user, session, data, **_kw) -> None:
    """The user's organisations and EST roles."""
    data["organisation_memberships"] = [
        {"organisation": org.name, "municipality": org.municipality, "kind": org.kind, "role": m.role,
         "since": m.created_at.isoformat()}
        for m, org in memberships_of(session, user)
    ]


def connect() -> None:
    """Connect the receivers (idempotent: blinker keeps one connection per receiver)."""
    events.user_deleting.connect(on_user_deleting)
    events.user_export.connect(on_user_export)
