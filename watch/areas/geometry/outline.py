"""Changing the outline or municipality of an active area: proposed by its contacts, decided by the police.

The area keeps its approved outline (and its place in the spatial index) until
a police contact approves the proposal; name and description change at once.
A move to another municipality is decided by the police of the new
municipality (or an admin): until then the area, its boat register and who may
edit it follow the old municipality.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_
from sqlmodel import Session, select

from watch.areas.geometry import polygons
from watch.areas.models import Area, AreaOutlineChange, AreaStatus, OutlineChangeStatus
from watch.areas.service import allowed, get_area_for, same_municipality
from watch.core import municipalities
from watch.core.errors import Forbidden, NotFound, ServiceError
from watch.core.time import utcnow


def checked(data) -> polygons.CheckedGeometry:
    """Parse (if text) and check an outline; ServiceError naming the problem otherwise."""
    if isinstance(data, (str, bytes)):
        data = polygons.parse_text(data)
    return polygons.check(data)


def apply_outline(target, outline: polygons.CheckedGeometry | AreaOutlineChange) -> None:
    """Copy an outline with its bounding box and size onto an Area (or a proposal)."""
    if isinstance(outline, AreaOutlineChange):
        target.geometry, target.area_m2 = outline.geometry, outline.area_m2
        bbox = (outline.min_lon, outline.min_lat, outline.max_lon, outline.max_lat)
    else:
        target.geometry, target.area_m2, bbox = outline.geojson, outline.area_m2, outline.bbox
    target.min_lon, target.min_lat, target.max_lon, target.max_lat = bbox


def pending_change(session: Session, area_id: int) -> AreaOutlineChange | None:
    """The proposal waiting for the police, if any."""
    return session.exec(select(AreaOutlineChange).where(AreaOutlineChange.area_id == area_id,
                                                        AreaOutlineChange.status == OutlineChangeStatus.pending)).first()


def latest_change(session: Session, area_id: int) -> AreaOutlineChange | None:
    """The newest proposal of any status (to tell the contact how it went)."""
    return session.exec(select(AreaOutlineChange).where(AreaOutlineChange.area_id == area_id)
                        .order_by(AreaOutlineChange.proposed_at.desc(), AreaOutlineChange.id.desc())).first()


def may_decide(session: Session, user, area: Area, change: AreaOutlineChange) -> bool:
    """Whether the user decides on the proposal: a move, the new municipality's police or an admin; else the area's approvers."""
    if change.municipality:
        return bool(getattr(user, "is_authenticated", False)) and (
            user.is_admin or (user.is_police and same_municipality(user.municipality, change.municipality)))
    return allowed(session, user, area, "approve")


def pending_for(session: Session, user, area_id: int) -> tuple[Area, AreaOutlineChange]:
    """The area and its pending proposal, for those who edit the area or decide on the proposal."""
    area = get_area_for(session, user, area_id, need="view")
    change = pending_change(session, area.id)
    if not (allowed(session, user, area, "edit") or allowed(session, user, area, "approve")
            or (change is not None and may_decide(session, user, area, change))):
        raise Forbidden("area_forbidden", _l("You do not have permission to do that in this area."))
    if change is None:
        raise NotFound("outline_change_not_found", _l("There is no new outline waiting for approval."))
    return area, change


def propose(session: Session, user, area: Area, outline: polygons.CheckedGeometry | None = None, *,
            municipality: str | None = None) -> AreaOutlineChange | None:
    """Store a new outline and/or municipality for the police to decide, adding to a pending proposal (no commit).

    A municipality equal to the area's current one takes back a proposed move;
    a proposal left with nothing to decide is withdrawn.
    """
    change = pending_change(session, area.id)
    if change is None:
        if outline is None and (municipality is None or same_municipality(municipality, area.municipality)):
            return None
        # Only the municipality may change: the proposal then carries a copy of the current outline.
        change = AreaOutlineChange(area_id=area.id, geometry=area.geometry, min_lon=area.min_lon, min_lat=area.min_lat,
                                   max_lon=area.max_lon, max_lat=area.max_lat, area_m2=area.area_m2, outline_changed=False)
    if outline is not None:
        apply_outline(change, outline)
        change.outline_changed = True
    if municipality is not None:
        change.municipality = None if same_municipality(municipality, area.municipality) else municipality
    change.proposed_by_id, change.proposed_at = user.id, utcnow()
    if not change.outline_changed and not change.municipality:
        change.status, change.decided_by_id, change.decided_at = OutlineChangeStatus.withdrawn, user.id, utcnow()
    session.add(change)
    return change


def _decidable(session: Session, user, area_id: int) -> tuple[Area, AreaOutlineChange]:
    area = get_area_for(session, user, area_id, need="view")
    change = pending_change(session, area.id)
    if not (may_decide(session, user, area, change) if change is not None else allowed(session, user, area, "approve")):
        raise Forbidden("area_forbidden", _l("You do not have permission to do that in this area."))
    if change is None:
        raise NotFound("outline_change_not_found", _l("There is no new outline waiting for approval."))
    if area.status != AreaStatus.active:
        raise ServiceError("area_not_active", _l("Only an active area's new outline can be decided."), 409)
    return area, change


def approve_change(session: Session, user, area_id: int) -> Area:
    """Give the area the proposed outline and/or municipality; the spatial index follows on commit. Commits."""
    area, change = _decidable(session, user, area_id)
    if change.outline_changed:
        # Checked again: the limits may have changed since the proposal was made.
        apply_outline(area, checked(change.geometry))
    if change.municipality:
        area.municipality = municipalities.check(change.municipality)
    area.updated_at = utcnow()
    change.status, change.decided_by_id, change.decided_at = OutlineChangeStatus.approved, user.id, utcnow()
    session.add_all([area, change])
    session.commit()
    return area


def reject_change(session: Session, user, area_id: int, *, reason: str) -> AreaOutlineChange:
    """Refuse the proposal with a reason the contact representatives see; the old outline stays. Commits."""
    _area, change = _decidable(session, user, area_id)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ServiceError("reason_missing", _l("Enter a reason."), 422, field="reason")
    if len(reason) > 500:
        raise ServiceError("reason_too_long", _l("The text can be at most %(n)d characters.", n=500), 422, field="reason")
    change.status, change.reason = OutlineChangeStatus.rejected, reason
    change.decided_by_id, change.decided_at = user.id, utcnow()
    session.add(change)
    session.commit()
    return change


def withdraw_change(session: Session, user, area_id: int) -> AreaOutlineChange:
    """The area's contacts take back their proposal. Commits."""
    area = get_area_for(session, user, area_id, need="edit")
    change = pending_change(session, area.id)
    if change is None:
        raise NotFound("outline_change_not_found", _l("There is no new outline waiting for approval."))
    change.status, change.decided_by_id, change.decided_at = OutlineChangeStatus.withdrawn, user.id, utcnow()
    session.add(change)
    session.commit()
    return change


def change_queue(session: Session, user) -> list[tuple[Area, AreaOutlineChange]]:
    """Active areas with a proposal waiting for this user: their municipality's (or a move to it) for police, all for admins."""
    q = (select(Area, AreaOutlineChange).join(AreaOutlineChange, AreaOutlineChange.area_id == Area.id)
         .where(AreaOutlineChange.status == OutlineChangeStatus.pending, Area.status == AreaStatus.active)
         .order_by(AreaOutlineChange.proposed_at, AreaOutlineChange.id))
    if not user.is_admin:
        if not (user.is_police and user.municipality):
            return []
        mine = user.municipality.strip().lower()
        q = q.where(or_(and_(AreaOutlineChange.municipality.is_(None), func.lower(Area.municipality) == mine),
                        func.lower(AreaOutlineChange.municipality) == mine))
    return [(a, c) for a, c in session.exec(q).all()]
