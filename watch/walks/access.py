"""Who may do what with a walk, in one place.

- manage (plan, invite, record measures, publish): admins, the municipality's
  EST coordinators, and reporters of the organising organisation;
- observe (log observations, see the walk): also every member of the organising
  or an invited organisation;
- the public sees only a published protocol (watch.walks.protocol).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from watch.core.errors import Forbidden, NotFound
from watch.organisations import access as orgs
from watch.organisations.models import COORDINATOR, RANK, REPORTER, Organisation
from watch.walks.models import Walk, WalkInvite


def may_organise(session: Session, user, organisation: Organisation) -> bool:
    """True if the user may plan walks for the organisation."""
    if getattr(user, "is_admin", False) or orgs.has_role(session, user, organisation.municipality, COORDINATOR):
        return True
    return any(org.id == organisation.id and org.active and RANK[m.role] >= RANK[REPORTER]
               for m, org in orgs.memberships_of(session, user))


def may_manage(session: Session, user, walk: Walk) -> bool:
    """True if the user may change the walk, its measures and its protocol."""
    org = session.get(Organisation, walk.organiser_id)
    return org is not None and may_organise(session, user, org)


def may_observe(session: Session, user, walk: Walk) -> bool:
    """True if the user takes part: a manager, or a member of the organiser or an invited organisation."""
    if may_manage(session, user, walk):
        return True
    invited = set(session.exec(select(WalkInvite.organisation_id).where(WalkInvite.walk_id == walk.id)).all())
    return bool(orgs.organisation_ids_of(session, user) & (invited | {walk.organiser_id}))


def get_walk_for(session: Session, user, walk_id: int, need: str = "observe") -> Walk:
    """The walk if the user may `observe` or `manage` it; NotFound for those who may not know it."""
    walk = session.get(Walk, walk_id)
    if walk is None or not may_observe(session, user, walk):
        raise NotFound("walk_not_found", _l("No such walk."))
    if need == "manage" and not may_manage(session, user, walk):
        raise Forbidden("walk_manage", _l("Only the organisers of the walk may do that."))
    return walk


def organisations_for(session: Session, user) -> list[Organisation]:
    """Active organisations the user may organise walks for."""
    if getattr(user, "is_admin", False):
        return list(session.exec(select(Organisation).where(Organisation.active).order_by(Organisation.municipality, Organisation.name)))
    found = {}
    for m, org in orgs.memberships_of(session, user):
        if not org.active:
            continue
        if RANK[m.role] >= RANK[REPORTER]:
            found[org.id] = org
        if m.role == COORDINATOR:
            for other in session.exec(select(Organisation).where(Organisation.municipality == org.municipality, Organisation.active)):
                found[other.id] = other
    return sorted(found.values(), key=lambda o: (o.municipality, o.name))
