"""An area's police contacts: one or more police users of its municipality.

They hear every alert in the area and decide on its outline. Police of the
area's municipality and admins add or remove them; the area's people see their
names so they know whom the alerts reach.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlmodel import Session, select

from watch.accounts.models import User
from watch.areas.models import Area, AreaMembership, AreaRole, AreaStatus
from watch.areas.registration.service import contacts
from watch.areas.service import allowed, get_area_for, is_municipality_police, membership_of, same_municipality
from watch.core.errors import Forbidden, NotFound, ServiceError


def can_manage(user, area: Area) -> bool:
    """Police of the area's municipality and admins manage its police contacts."""
    return bool(getattr(user, "is_admin", False)) or is_municipality_police(user, area)


def can_see(session: Session, user, area: Area) -> bool:
    """The area's people (members, contacts, police) and those who may approve it see the police contacts."""
    return membership_of(session, user, area.id) is not None or allowed(session, user, area, "approve")


def _managed_area(session: Session, user, area_id: int) -> Area:
    area = get_area_for(session, user, area_id, need="view")
    if not can_manage(user, area):
        raise Forbidden("area_forbidden", _l("Only the police of the area's municipality and admins manage its police contacts."))
    if area.status in (AreaStatus.archived, AreaStatus.rejected):
        raise ServiceError("area_closed", _l("An archived or rejected area cannot be changed."), 409)
    return area


def police_contacts(session: Session, user, area_id: int) -> list[tuple[AreaMembership, str]]:
    """(membership, display name) of the area's police contacts, oldest first."""
    area = get_area_for(session, user, area_id, need="view")
    if not can_see(session, user, area):
        raise Forbidden("area_forbidden", _l("You do not have permission to do that in this area."))
    rows = session.exec(select(AreaMembership, User.display_name).join(User, User.id == AreaMembership.user_id)
                        .where(AreaMembership.area_id == area.id, AreaMembership.role == AreaRole.police)
                        .order_by(AreaMembership.created_at, AreaMembership.id)).all()
    return [(m, name) for m, name in rows]


def candidates(session: Session, user, area_id: int) -> list[User]:
    """Police users of the area's municipality who are not yet its police contacts."""
    area = _managed_area(session, user, area_id)
    already = select(AreaMembership.user_id).where(AreaMembership.area_id == area.id, AreaMembership.role == AreaRole.police)
    rows = session.exec(select(User).where(User.is_police.is_(True), User.municipality.is_not(None), User.id.not_in(already))
                        .order_by(func.lower(User.display_name), User.id)).all()
    return [u for u in rows if same_municipality(u.municipality, area.municipality)]


def add_police_contact(session: Session, user, area_id: int, *, user_id: int) -> AreaMembership:
    """Make a police user of the area's municipality one of its police contacts. Commits."""
    area = _managed_area(session, user, area_id)
    police_user = session.get(User, user_id) if isinstance(user_id, int) else None
    if police_user is None or not police_user.is_police or not same_municipality(police_user.municipality, area.municipality):
        raise ServiceError("not_police", _l("The police contact must be a police user of the area's municipality."), 422, field="user_id")
    m = membership_of(session, police_user, area.id)
    if m is not None and m.role == AreaRole.police:
        raise ServiceError("already_police_contact", _l("That person is already a police contact of the area."), 409, field="user_id")
    if m is None:
        m = AreaMembership(area_id=area.id, user_id=police_user.id, role=AreaRole.police)
    else:
        if m.role == AreaRole.contact and len(contacts(session, area.id)) <= 1:
            raise ServiceError("last_contact", _l("An area needs at least one contact representative. Make someone else contact representative first."), 409)
        m.role, m.is_main_contact, m.trained_on = AreaRole.police, False, None
    session.add(m)
    session.commit()
    return m


def remove_police_contact(session: Session, user, area_id: int, *, user_id: int) -> None:
    """Remove one of the area's police contacts; an active area keeps at least one. Commits."""
    area = _managed_area(session, user, area_id)
    m = session.exec(select(AreaMembership).where(AreaMembership.area_id == area.id, AreaMembership.user_id == user_id,
                                                  AreaMembership.role == AreaRole.police)).first()
    if m is None:
        raise NotFound("police_contact_not_found", _l("That person is not a police contact of the area."))
    count = len(session.exec(select(AreaMembership.id).where(AreaMembership.area_id == area.id,
                                                             AreaMembership.role == AreaRole.police)).all())
    if area.status == AreaStatus.active and count <= 1:
        raise ServiceError("last_police_contact", _l("An active area needs at least one police contact: add another one first."), 409)
    session.delete(m)
    session.commit()
