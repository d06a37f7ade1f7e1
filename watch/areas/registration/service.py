"""An area's life: register (pending), approve or reject, train contacts, edit, archive."""
from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_
from sqlmodel import Session, select

from watch.accounts.links import require_verified
from watch.accounts.models import User
from watch.areas.geometry import outline, polygons
from watch.areas.models import Area, AreaKind, AreaMembership, AreaRole, AreaStatus, OutlineChangeStatus
from watch.areas.service import allowed, get_area_for, is_municipality_police, membership_of
from watch.core import events, municipalities
from watch.core.errors import ServiceError
from watch.core.time import utcnow


MISSING = {
    "name": _l("Enter a name for the area."),
    "municipality": _l("Enter the municipality."),
    "reason": _l("Enter a reason."),
}


def _text(value: str | None, *, field: str, max_len: int, required: bool = True) -> str:
    value = " ".join((value or "").split()) if field != "description" else (value or "").strip()
    if required and not value:
        raise ServiceError(f"{field}_missing", MISSING[field], 422, field=field)
    if len(value) > max_len:
        raise ServiceError(f"{field}_too_long", _l("The text can be at most %(n)d characters.", n=max_len), 422, field=field)
    return value


def _kind(kind) -> AreaKind:
    try:
        return AreaKind(kind)
    except ValueError:
        raise ServiceError("kind_invalid", _l("Choose neighbourhood watch or boat watch."), 422, field="kind")


def _geometry(geom) -> polygons.CheckedGeometry:
    if geom is None or (isinstance(geom, (str, bytes)) and not geom.strip()):
        raise ServiceError("geometry_missing", _l("Draw the area on the map (at least 3 corners) or upload a GeoJSON file."), 422, field="geometry")
    if isinstance(geom, (str, bytes)):
        geom = polygons.parse_text(geom)
    return polygons.check(geom)


def _apply_geometry(area: Area, checked: polygons.CheckedGeometry) -> None:
    area.geometry = checked.geojson
    area.min_lon, area.min_lat, area.max_lon, area.max_lat = checked.bbox
    area.area_m2 = checked.area_m2


def create_area(session: Session, user, *, kind, name: str, municipality: str, geometry_data,
                description: str = "") -> Area:
    """Register an area (pending); the registrant becomes its first contact representative. Commits."""
    if user is None or getattr(user, "id", None) is None:
        raise ServiceError("login_required", _l("Please log in first."), 401)
    require_verified(user, _l("Confirm your e-mail address before you register an area: you become its contact representative."))
    area = Area(
        kind=_kind(kind),
        name=_text(name, field="name", max_len=120),
        municipality=municipalities.check(municipality),
        description=_text(description, field="description", max_len=4000, required=False),
        geometry="", min_lon=0, min_lat=0, max_lon=0, max_lat=0,
        status=AreaStatus.pending, created_by_id=user.id,
    )
    _apply_geometry(area, _geometry(geometry_data))
    session.add(area)
    session.flush()
    contact = AreaMembership(area_id=area.id, user_id=user.id, role=AreaRole.contact, is_main_contact=True)
    session.add(contact)
    session.flush()
    events.contact_appointed.send(contact, session=session)
    session.commit()
    return area


def update_area(session: Session, user, area_id: int, *, name: str | None = None, description: str | None = None,
                municipality: str | None = None, geometry_data=None) -> Area:
    """Change an area's name, description, municipality or outline. Commits.

    A new outline for an active area, drawn by a contact representative, waits
    for a police contact (watch.areas.geometry.outline); the old outline holds until then.
    A new municipality for an active area waits for that municipality's police
    (or an admin); access follows the old one until then.
    """
    area = get_area_for(session, user, area_id, need="edit")
    if area.status in (AreaStatus.archived, AreaStatus.rejected):
        raise ServiceError("area_closed", _l("An archived or rejected area cannot be changed."), 409)
    if name is not None:
        area.name = _text(name, field="name", max_len=120)
    if description is not None:
        area.description = _text(description, field="description", max_len=4000, required=False)
    if municipality is not None:
        municipality = municipalities.check(municipality)
        if area.status == AreaStatus.active and not user.is_admin:
            # The police of the new municipality would gain the area's register: they (or an admin) decide.
            outline.propose(session, user, area, municipality=municipality)
        else:
            area.municipality = municipality
    if geometry_data is not None:
        checked = _geometry(geometry_data)
        if area.status == AreaStatus.active and not allowed(session, user, area, "approve"):
            outline.propose(session, user, area, checked)
        else:
            _apply_geometry(area, checked)
    area.updated_at = utcnow()
    session.add(area)
    session.commit()
    return area


def training_valid(m: AreaMembership, today: date | None = None) -> bool:
    """Whether a contact representative's training is recent enough (yearly)."""
    if m.trained_on is None:
        return False
    today = today or utcnow().date()
    return today - m.trained_on <= timedelta(days=current_app.config["AREA_TRAINING_VALID_DAYS"])


def contacts(session: Session, area_id: int) -> list[AreaMembership]:
    """The area's contact representatives, main contact first."""
    return list(session.exec(select(AreaMembership).where(AreaMembership.area_id == area_id, AreaMembership.role == AreaRole.contact)
                             .order_by(AreaMembership.is_main_contact.desc(), AreaMembership.created_at, AreaMembership.id)))


def has_trained_contact(session: Session, area_id: int) -> bool:
    """At least one contact representative trained within the last year."""
    return any(training_valid(m) for m in contacts(session, area_id))


def approve_area(session: Session, user, area_id: int) -> Area:
    """Make a pending area active (needs a trained contact). A police approver becomes its police contact."""
    area = get_area_for(session, user, area_id, need="approve")
    if area.status != AreaStatus.pending:
        raise ServiceError("area_not_pending", _l("Only a pending area can be approved."), 409)
    if not has_trained_contact(session, area.id):
        raise ServiceError("contact_not_trained", _l("At least one contact representative must have been trained in the last 12 months before the area can be activated."), 409)
    area.status = AreaStatus.active
    area.decided_by_id, area.decided_at = user.id, utcnow()
    area.rejection_reason = None
    area.updated_at = utcnow()
    session.add(area)
    if user.is_police and membership_of(session, user, area.id) is None:
        session.add(AreaMembership(area_id=area.id, user_id=user.id, role=AreaRole.police))
    session.commit()
    return area


def reject_area(session: Session, user, area_id: int, *, reason: str) -> Area:
    """Refuse a pending area, telling the registrant why. Commits."""
    area = get_area_for(session, user, area_id, need="approve")
    if area.status != AreaStatus.pending:
        raise ServiceError("area_not_pending", _l("Only a pending area can be rejected."), 409)
    area.rejection_reason = _text(reason, field="reason", max_len=500)
    area.status = AreaStatus.rejected
    area.decided_by_id, area.decided_at = user.id, utcnow()
    area.updated_at = utcnow()
    session.add(area)
    session.commit()
    return area


def archive_area(session: Session, user, area_id: int) -> Area:
    """Archive an area: it no longer takes alerts or members. Contacts, police and admins. Commits."""
    area = get_area_for(session, user, area_id, need="edit")
    if area.status == AreaStatus.archived:
        raise ServiceError("area_archived", _l("The area is already archived."), 409)
    area.status = AreaStatus.archived
    area.archived_at = area.updated_at = utcnow()
    change = outline.pending_change(session, area.id)
    if change is not None:  # nobody is left to decide on it
        change.status, change.decided_by_id, change.decided_at = OutlineChangeStatus.withdrawn, user.id, utcnow()
        session.add(change)
    session.add(area)
    session.commit()
    return area


def mark_trained(session: Session, user, area_id: int, *, user_id: int, trained_on: date | None = None) -> AreaMembership:
    """Record a contact representative's training (police of the municipality or admin). Commits."""
    get_area_for(session, user, area_id, need="approve")
    trained_on = trained_on or utcnow().date()
    if trained_on > utcnow().date():
        raise ServiceError("trained_on_future", _l("The training date cannot be in the future."), 422, field="trained_on")
    m = session.exec(select(AreaMembership).where(AreaMembership.area_id == area_id, AreaMembership.user_id == user_id)).first()
    if m is None or m.role != AreaRole.contact:
        raise ServiceError("not_a_contact", _l("Only a contact representative of the area can be marked as trained."), 422, field="user_id")
    m.trained_on, m.trained_recorded_by_id = trained_on, user.id
    session.add(m)
    session.commit()
    return m


def record_training(session: Session, *, user_id: int, trained_on: date, recorded_by_id: int | None) -> list[AreaMembership]:
    """Record that a person was trained on a date (e.g. present at a training session): every area
    where they are a contact representative gets it, unless it already has a later date. Never commits."""
    changed = []
    for m in session.exec(select(AreaMembership).where(AreaMembership.user_id == user_id, AreaMembership.role == AreaRole.contact)):
        if m.trained_on is None or m.trained_on < trained_on:
            m.trained_on, m.trained_recorded_by_id = trained_on, recorded_by_id
            session.add(m)
            changed.append(m)
    return changed


def set_role(session: Session, user, area_id: int, *, user_id: int, role, main: bool | None = None) -> AreaMembership:
    """Make a member a contact representative (or back), or mark the main contact. Commits."""
    get_area_for(session, user, area_id, need="members")
    role = AreaRole(role)
    if role == AreaRole.police:
        raise ServiceError("role_invalid", _l("Police contacts are added by the police."), 422, field="role")
    m = session.exec(select(AreaMembership).where(AreaMembership.area_id == area_id, AreaMembership.user_id == user_id)).first()
    if m is None or m.role == AreaRole.police:
        raise ServiceError("not_a_member", _l("That person is not a member of the area."), 422, field="user_id")
    if role == AreaRole.contact and m.role != AreaRole.contact:
        require_verified(session.get(User, user_id))
    if m.role == AreaRole.contact and role == AreaRole.member and len(contacts(session, area_id)) <= 1:
        raise ServiceError("last_contact", _l("An area needs at least one contact representative."), 409)
    appointed = role == AreaRole.contact and m.role != AreaRole.contact
    m.role = role
    if role == AreaRole.member:
        m.is_main_contact, m.trained_on = False, None
    if main and role == AreaRole.contact:
        for other in contacts(session, area_id):
            other.is_main_contact = other.id == m.id
            session.add(other)
    session.add(m)
    if appointed:
        session.flush()
        events.contact_appointed.send(m, session=session)
    session.commit()
    return m


def approval_queue(session: Session, user) -> list[Area]:
    """Pending areas this user may decide on: their municipality's for police, all for admins."""
    q = select(Area).where(Area.status == AreaStatus.pending).order_by(Area.created_at, Area.id)
    if user.is_admin:
        return list(session.exec(q))
    if not (user.is_police and user.municipality):
        return []
    return list(session.exec(q.where(func.lower(Area.municipality) == user.municipality.strip().lower())))


def visible_areas(session: Session, user, *, bbox: tuple[float, float, float, float] | None = None,
                  statuses: tuple[AreaStatus, ...] | None = None) -> list[tuple[Area, AreaRole | None]]:
    """Areas the user may see (active ones, plus their own and their municipality's), with their role."""
    mine = {m.area_id: m.role for m in session.exec(select(AreaMembership).where(AreaMembership.user_id == user.id))}
    q = select(Area)
    if not user.is_admin:
        conds = [Area.status == AreaStatus.active, Area.created_by_id == user.id]
        if mine:
            conds.append(Area.id.in_(list(mine)))
        if user.is_police and user.municipality:
            conds.append(func.lower(Area.municipality) == user.municipality.strip().lower())
        q = q.where(or_(*conds))
    if statuses:
        q = q.where(Area.status.in_(list(statuses)))
    if bbox:
        min_lon, min_lat, max_lon, max_lat = bbox
        q = q.where(Area.max_lon >= min_lon, Area.min_lon <= max_lon, Area.max_lat >= min_lat, Area.min_lat <= max_lat)
    areas = session.exec(q.order_by(Area.name, Area.id)).all()
    out = []
    for a in areas:
        role = mine.get(a.id)
        if a.status == AreaStatus.archived and role is None and not user.is_admin and not is_municipality_police(user, a):
            continue
        if a.status == AreaStatus.rejected and a.created_by_id != user.id and role is None and not user.is_admin and not is_municipality_police(user, a):
            continue
        out.append((a, role))
    return out
