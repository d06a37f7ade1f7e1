"""Who may do what with EST and organisations: one place for every domain to ask.

A user's EST role in a municipality is the strongest role of their memberships in
that municipality's active organisations. A police user of the municipality reads
the picture even without a membership; an admin acts as coordinator everywhere.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from watch.core.errors import Forbidden, NotFound
from watch.organisations.models import COORDINATOR, RANK, READER, REPORTER, Organisation, OrganisationMembership


def _authenticated(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and getattr(user, "id", None))


def memberships_of(session: Session, user) -> list[tuple[OrganisationMembership, Organisation]]:
    """The user's memberships with their organisations (active or not)."""
    if not _authenticated(user):
        return []
    rows = session.exec(
        select(OrganisationMembership, Organisation)
        .join(Organisation, Organisation.id == OrganisationMembership.organisation_id)
        .where(OrganisationMembership.user_id == user.id)
        .order_by(Organisation.municipality, Organisation.name)
    )
    return list(rows.all())


def est_roles(session: Session, user) -> dict[str, str]:
    """municipality -> the user's strongest EST role there."""
    roles: dict[str, str] = {}
    if not _authenticated(user):
        return roles
    for m, org in memberships_of(session, user):
        if org.active and RANK[m.role] > RANK.get(roles.get(org.municipality), 0):
            roles[org.municipality] = m.role
    if getattr(user, "is_police", False) and user.municipality and user.municipality not in roles:
        roles[user.municipality] = READER
    return roles


def est_role(session: Session, user, municipality: str) -> str | None:
    """The user's EST role in the municipality (an admin counts as coordinator), or None."""
    if not _authenticated(user):
        return None
    if getattr(user, "is_admin", False):
        return COORDINATOR
    return est_roles(session, user).get(municipality)


def has_role(session: Session, user, municipality: str, need: str = READER) -> bool:
    """True if the user's EST role in the municipality is at least `need`."""
    role = est_role(session, user, municipality)
    return role is not None and RANK[role] >= RANK[need]


def require_role(session: Session, user, municipality: str, need: str = READER) -> str:
    """The user's role, or Forbidden when it is weaker than `need`."""
    if not has_role(session, user, municipality, need):
        messages = {
            READER: _l("Only the EST group of the municipality may see that."),
            REPORTER: _l("Only reporters of the municipality's EST group may report."),
            COORDINATOR: _l("Only the municipality's safety coordinator may do that."),
        }
        raise Forbidden("est_role_required", messages[need])
    return est_role(session, user, municipality)


def reporting_organisations(session: Session, user, municipality: str | None = None) -> list[Organisation]:
    """Active organisations the user may report for (role reporter or coordinator)."""
    return [org for m, org in memberships_of(session, user)
            if org.active and RANK[m.role] >= RANK[REPORTER] and (municipality is None or org.municipality == municipality)]


def organisation_ids_of(session: Session, user, municipality: str | None = None) -> set[int]:
    """Ids of the active organisations the user belongs to (any role)."""
    return {org.id for _m, org in memberships_of(session, user)
            if org.active and (municipality is None or org.municipality == municipality)}


def get_organisation_for(session: Session, user, organisation_id: int, need: str = "view") -> Organisation:
    """The organisation if the user may `view` (member, EST group of its municipality, admin) or `manage` (admin).

    Anyone else gets NotFound: they need not know that it exists.
    """
    org = session.get(Organisation, organisation_id)
    if org is None or not _authenticated(user):
        raise NotFound("organisation_not_found", _l("No such organisation."))
    if getattr(user, "is_admin", False):
        return org
    visible = org.id in organisation_ids_of(session, user) or has_role(session, user, org.municipality, READER)
    if not visible:
        raise NotFound("organisation_not_found", _l("No such organisation."))
    if need != "view":
        raise Forbidden("admin_only", _l("Only an admin may do that."))
    return org
