"""The household roster of a neighbourhood-watch area (about 10–12 per contact).

Kept by the area's contact representatives; opted-out households are listed by
address only, with no name or phone.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from watch.audit.service import record_access
from watch.areas.models import AreaKind, AreaMembership, AreaRole, Household
from watch.areas.service import get_area_for
from watch.core.time import utcnow
from watch.core.errors import NotFound, ServiceError

MAX_PER_AREA = 500


def _area(session: Session, user, area_id: int):
    area = get_area_for(session, user, area_id, need="members")
    if area.kind != AreaKind.grannsamverkan:
        raise ServiceError("not_neighbourhood_watch", _l("Household rosters belong to neighbourhood-watch areas."), 409)
    return area


def _clean(address, participates, contact_name, contact_phone) -> dict:
    address = " ".join((address or "").split())
    if not address:
        raise ServiceError("address_missing", _l("Enter the address or house number."), 422, field="address")
    if len(address) > 120:
        raise ServiceError("address_too_long", _l("The address can be at most 120 characters."), 422, field="address")
    if not participates:
        # Opted out: keep nothing that identifies the people living there.
        return {"address": address, "participates": False, "contact_name": None, "contact_phone": None}
    name = " ".join((contact_name or "").split()) or None
    phone = " ".join((contact_phone or "").split()) or None
    if name and len(name) > 80:
        raise ServiceError("contact_name_too_long", _l("The name can be at most 80 characters."), 422, field="contact_name")
    if phone:
        digits = phone.replace(" ", "").replace("-", "")
        if len(phone) > 32 or not (digits.lstrip("+").isdigit() and 6 <= len(digits) <= 16):
            raise ServiceError("contact_phone_invalid", _l("Enter the phone number with digits only, e.g. 070-123 45 67."), 422, field="contact_phone")
    return {"address": address, "participates": True, "contact_name": name, "contact_phone": phone}


def roster(session: Session, user, area_id: int) -> list[Household]:
    """The area's households, sorted by address (a police officer's or admin's look is recorded)."""
    _area(session, user, area_id)
    record_access(session, actor=user, kind="household_roster", object_id=area_id)
    return list(session.exec(select(Household).where(Household.area_id == area_id).order_by(Household.address, Household.id)))


def add_household(session: Session, user, area_id: int, *, address: str, participates: bool = True,
                  contact_name: str | None = None, contact_phone: str | None = None, keeper_id: int | None = None) -> Household:
    """Add a household to the roster, kept by `keeper_id` (default: the acting contact). Commits."""
    area = _area(session, user, area_id)
    values = _clean(address, participates, contact_name, contact_phone)
    count = len(session.exec(select(Household.id).where(Household.area_id == area.id)).all())
    if count >= MAX_PER_AREA:
        raise ServiceError("roster_full", _l("The roster is full."), 409)
    keeper_id = keeper_id or user.id
    keeper = session.exec(select(AreaMembership).where(AreaMembership.area_id == area.id, AreaMembership.user_id == keeper_id,
                                                       AreaMembership.role == AreaRole.contact)).first()
    if keeper is None and not user.is_admin:
        raise ServiceError("keeper_invalid", _l("Households are kept by a contact representative of the area."), 422, field="keeper_id")
    h = Household(area_id=area.id, keeper_id=keeper_id if keeper else None, entered_by_id=user.id, **values)
    session.add(h)
    session.commit()
    return h


KEEP = object()  # an update argument left out: the stored value stays


def get_household(session: Session, user, area_id: int, household_id: int) -> Household:
    """One household of the area's roster (its contact representatives and admins)."""
    _area(session, user, area_id)
    h = session.get(Household, household_id) if isinstance(household_id, int) else None
    if h is None or h.area_id != area_id:
        raise NotFound("household_not_found", _l("That household does not exist."))
    return h


def update_household(session: Session, user, area_id: int, household_id: int, *, address=KEEP, participates=KEEP,
                     contact_name=KEEP, contact_phone=KEEP) -> Household:
    """Change a household (arguments left out stay); opting out erases its contact details. Commits."""
    h = get_household(session, user, area_id, household_id)
    if participates is not KEEP and not isinstance(participates, bool):
        raise ServiceError("participates_invalid", _l("Say whether the household takes part (yes or no)."), 422, field="participates")
    pick = lambda value, current: current if value is KEEP else value  # noqa: E731
    values = _clean(pick(address, h.address), pick(participates, h.participates),
                    pick(contact_name, h.contact_name), pick(contact_phone, h.contact_phone))
    for key, value in values.items():
        setattr(h, key, value)
    h.updated_at = utcnow()
    session.add(h)
    session.commit()
    return h


def delete_household(session: Session, user, area_id: int, household_id: int) -> None:
    """Remove a household from the roster. Commits."""
    h = get_household(session, user, area_id, household_id)
    session.delete(h)
    session.commit()
