"""Organisations in the JSON API: admins manage them; members and the EST group read them."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, request
from flask_login import current_user
from pydantic import BaseModel, Field
from spectree import Response

from watch.accounts.models import EMAIL_MAX, User
from watch.core.api import Error, require_login, spec
from watch.core.db import DbId, get_session
from watch.core.municipalities import NAME_MAX as MUNICIPALITY_MAX
from watch.organisations import service
from watch.organisations.access import est_roles, get_organisation_for, organisation_ids_of
from watch.organisations.models import COORDINATOR, KINDS, NAME_MAX, READER, REPORTER

bp = Blueprint("organisations_api", __name__, url_prefix="/api/v1/organisations")
bp.before_request(require_login)

KIND = f"^({'|'.join(KINDS)})$"
ROLE = f"^({REPORTER}|{COORDINATOR}|{READER})$"


class OrganisationIn(BaseModel):
    """A new organisation."""

    municipality: str = Field(min_length=1, max_length=MUNICIPALITY_MAX)
    name: str = Field(min_length=1, max_length=NAME_MAX)
    kind: str = Field(pattern=KIND)


class OrganisationUpdate(BaseModel):
    """Changes to an organisation."""

    name: str | None = Field(default=None, min_length=1, max_length=NAME_MAX)
    kind: str | None = Field(default=None, pattern=KIND)
    active: bool | None = None


class OrganisationOut(BaseModel):
    """An organisation."""

    id: int
    municipality: str
    name: str
    kind: str
    active: bool
    created_at: datetime


class OrganisationList(BaseModel):
    """Organisations."""

    items: list[OrganisationOut]


class MemberIn(BaseModel):
    """A user to add (by e-mail or id) with an EST role."""

    email: str | None = Field(default=None, max_length=EMAIL_MAX)
    user_id: DbId | None = None
    role: str = Field(pattern=ROLE)


class RoleIn(BaseModel):
    """A new EST role."""

    role: str = Field(pattern=ROLE)


class MemberOut(BaseModel):
    """A member of an organisation."""

    id: int
    user_id: int
    display_name: str
    role: str


class MemberList(BaseModel):
    """Members."""

    items: list[MemberOut]


def _out(org) -> OrganisationOut:
    return OrganisationOut(id=org.id, municipality=org.municipality, name=org.name, kind=org.kind, active=org.active,
                           created_at=org.created_at)


def _member_out(session, m) -> MemberOut:
    user = session.get(User, m.user_id)
    return MemberOut(id=m.id, user_id=m.user_id, display_name=user.display_name, role=m.role)


@bp.get("")
@spec.validate(resp=Response(HTTP_200=OrganisationList, HTTP_401=Error), tags=["organisations"])
def list_organisations():
    """Organisations: all for an admin; else those of the municipalities where the user is in the EST group."""
    session = get_session()
    municipality = request.args.get("municipality") or None
    orgs = service.list_organisations(session, municipality=municipality)
    if not current_user.is_admin:
        visible = set(est_roles(session, current_user))
        mine = organisation_ids_of(session, current_user)
        orgs = [o for o in orgs if o.municipality in visible or o.id in mine]
    return OrganisationList(items=[_out(o) for o in orgs])


@bp.post("")
@spec.validate(json=OrganisationIn, resp=Response(HTTP_201=OrganisationOut, HTTP_401=Error, HTTP_403=Error, HTTP_409=Error, HTTP_422=Error),
               tags=["organisations"])
def create_organisation(json: OrganisationIn):
    """Add an organisation (admin)."""
    org = service.create_organisation(get_session(), actor=current_user, municipality=json.municipality, name=json.name, kind=json.kind)
    return _out(org), 201, {"Location": f"/api/v1/organisations/{org.id}"}


@bp.get("/<int:organisation_id>")
@spec.validate(resp=Response(HTTP_200=OrganisationOut, HTTP_401=Error, HTTP_404=Error), tags=["organisations"])
def get_organisation(organisation_id: int):
    """One organisation."""
    return _out(get_organisation_for(get_session(), current_user, organisation_id))


@bp.patch("/<int:organisation_id>")
@spec.validate(json=OrganisationUpdate, resp=Response(HTTP_200=OrganisationOut, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error,
                                                      HTTP_409=Error, HTTP_422=Error), tags=["organisations"])
def update_organisation(organisation_id: int, json: OrganisationUpdate):
    """Rename, change kind, (de)activate (admin)."""
    org = service.update_organisation(get_session(), actor=current_user, organisation_id=organisation_id, name=json.name,
                                      kind=json.kind, active=json.active)
    return _out(org)


@bp.delete("/<int:organisation_id>")
@spec.validate(resp=Response("HTTP_204", HTTP_401=Error, HTTP_403=Error, HTTP_404=Error, HTTP_409=Error), tags=["organisations"])
def delete_organisation(organisation_id: int):
    """Delete an organisation (admin; refused while records point at it)."""
    service.delete_organisation(get_session(), actor=current_user, organisation_id=organisation_id)
    return "", 204


@bp.get("/<int:organisation_id>/members")
@spec.validate(resp=Response(HTTP_200=MemberList, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error), tags=["organisations"])
def list_members(organisation_id: int):
    """The members and their EST roles (admin)."""
    session = get_session()
    get_organisation_for(session, current_user, organisation_id, "manage")
    return MemberList(items=[MemberOut(id=m.id, user_id=u.id, display_name=u.display_name, role=m.role)
                             for m, u in service.members_of(session, organisation_id)])


@bp.post("/<int:organisation_id>/members")
@spec.validate(json=MemberIn, resp=Response(HTTP_201=MemberOut, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error, HTTP_422=Error),
               tags=["organisations"])
def add_member(organisation_id: int, json: MemberIn):
    """Add a user with an EST role, or change an existing member's role (admin)."""
    session = get_session()
    m = service.add_member(session, actor=current_user, organisation_id=organisation_id, role=json.role, email=json.email,
                           user_id=json.user_id)
    return _member_out(session, m), 201


@bp.patch("/<int:organisation_id>/members/<int:membership_id>")
@spec.validate(json=RoleIn, resp=Response(HTTP_200=MemberOut, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error, HTTP_422=Error),
               tags=["organisations"])
def set_role(organisation_id: int, membership_id: int, json: RoleIn):
    """Change a member's EST role (admin)."""
    session = get_session()
    return _member_out(session, service.set_member_role(session, actor=current_user, organisation_id=organisation_id,
                                                        membership_id=membership_id, role=json.role))


@bp.delete("/<int:organisation_id>/members/<int:membership_id>")
@spec.validate(resp=Response("HTTP_204", HTTP_401=Error, HTTP_403=Error, HTTP_404=Error), tags=["organisations"])
def remove_member(organisation_id: int, membership_id: int):
    """Take a user out of the organisation (admin)."""
    service.remove_member(get_session(), actor=current_user, organisation_id=organisation_id, membership_id=membership_id)
    return "", 204
