"""Create, change and delete organisations and memberships (admins only)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlmodel import Session, select

from watch.accounts.models import User
from watch.accounts.service import require_admin
from watch.accounts.users import get_by_email, normalise_email
from watch.core import events
from watch.core.errors import NotFound, ServiceError
from watch.core.municipalities import NAME_MAX as MUNICIPALITY_MAX
from watch.organisations.access import get_organisation_for
from watch.organisations.models import KINDS, NAME_MAX, ROLES, Organisation, OrganisationMembership


def _clean(value: str | None, limit: int, field: str) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise ServiceError("required", _l("This field is required."), 422, field=field)
    if len(text) > limit:
        raise ServiceError("too_long", _l("At most %(n)s characters.", n=limit), 422, field=field)
    return text


def _check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise ServiceError("kind_unknown", _l("Unknown kind of organisation."), 422, field="kind")
    return kind


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise ServiceError("role_unknown", _l("Unknown EST role."), 422, field="role")
    return role


def _check_unique(session: Session, municipality: str, name: str, own_id: int | None = None) -> None:
    query = select(Organisation.id).where(Organisation.municipality == municipality,
                                          func.lower(Organisation.name) == name.lower())
    if own_id is not None:
        query = query.where(Organisation.id != own_id)
    if session.exec(query).first() is not None:
        raise ServiceError("organisation_exists", _l("The municipality already has an organisation with that name."), 409, field="name")


def list_organisations(session: Session, *, municipality: str | None = None) -> list[Organisation]:
    """Organisations, by municipality and name."""
    query = select(Organisation).order_by(Organisation.municipality, Organisation.name)
    if municipality:
        query = query.where(Organisation.municipality == municipality)
    return list(session.exec(query))


def create_organisation(session: Session, *, actor, municipality: str, name: str, kind: str) -> Organisation:
    """A new organisation of a municipality."""
    require_admin(actor)
    municipality = _clean(municipality, MUNICIPALITY_MAX, "municipality")
    name = _clean(name, NAME_MAX, "name")
    _check_kind(kind)
    _check_unique(session, municipality, name)
    org = Organisation(municipality=municipality, name=name, kind=kind)
    session.add(org)
    session.commit()
    return org


def update_organisation(session: Session, *, actor, organisation_id: int, name: str | None = None,
                        kind: str | None = None, active: bool | None = None) -> Organisation:
    """Rename, change the kind, or (de)activate; the municipality never changes."""
    org = get_organisation_for(session, actor, organisation_id, "manage")
    if name is not None:
        name = _clean(name, NAME_MAX, "name")
        _check_unique(session, org.municipality, name, org.id)
        org.name = name
    if kind is not None:
        org.kind = _check_kind(kind)
    if active is not None:
        org.active = bool(active)
    session.add(org)
    session.commit()
    return org


def delete_organisation(session: Session, *, actor, organisation_id: int) -> None:
    """Delete an organisation and its memberships (what it reported stays, in its domains' rules)."""
    org = get_organisation_for(session, actor, organisation_id, "manage")
    events.organisation_deleting.send(org, session=session)
    for m in session.exec(select(OrganisationMembership).where(OrganisationMembership.organisation_id == org.id)).all():
        session.delete(m)
    session.delete(org)
    session.commit()


def members_of(session: Session, organisation_id: int) -> list[tuple[OrganisationMembership, User]]:
    """The organisation's members with their users, by name."""
    rows = session.exec(
        select(OrganisationMembership, User).join(User, User.id == OrganisationMembership.user_id)
        .where(OrganisationMembership.organisation_id == organisation_id).order_by(User.display_name)
    )
    return list(rows.all())


def add_member(session: Session, *, actor, organisation_id: int, role: str, email: str | None = None,
               user_id: int | None = None) -> OrganisationMembership:
    """Add a user (by e-mail or id) to an organisation with an EST role; an existing member gets the new role."""
    org = get_organisation_for(session, actor, organisation_id, "manage")
    _check_role(role)
    user = session.get(User, user_id) if user_id is not None else (
        get_by_email(session, normalise_email(email)) if email else None)
    if user is None:
        raise ServiceError("user_not_found", _l("No user with that e-mail address."), 422, field="email")
    membership = session.exec(select(OrganisationMembership).where(
        OrganisationMembership.organisation_id == org.id, OrganisationMembership.user_id == user.id)).first()
    if membership is None:
        membership = OrganisationMembership(organisation_id=org.id, user_id=user.id, role=role)
    membership.role = role
    session.add(membership)
    session.commit()
    return membership


def _membership(session: Session, organisation_id: int, membership_id: int) -> OrganisationMembership:
    m = session.get(OrganisationMembership, membership_id)
    if m is None or m.organisation_id != organisation_id:
        raise NotFound("membership_not_found", _l("No such member."))
    return m


def set_member_role(session: Session, *, actor, organisation_id: int, membership_id: int, role: str) -> OrganisationMembership:
    """Change a member's EST role."""
    get_organisation_for(session, actor, organisation_id, "manage")
    m = _membership(session, organisation_id, membership_id)
    m.role = _check_role(role)
    session.add(m)
    session.commit()
    return m


def remove_member(session: Session, *, actor, organisation_id: int, membership_id: int) -> None:
    """Take a user out of an organisation."""
    get_organisation_for(session, actor, organisation_id, "manage")
    session.delete(_membership(session, organisation_id, membership_id))
    session.commit()
