"""Changing the outline of an active area: proposed by its contacts, decided by the police.

The area keeps its approved outline (and its place in the spatial index) until
a police contact approves the proposal; name and description change at once.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlmodel import Session, select

from watch.areas import geometry
from watch.areas.models import Area, AreaOutlineChange, AreaStatus, OutlineChangeStatus
from watch.areas.service import allowed, get_area_for
from watch.db import utcnow
from watch.errors import Forbidden, NotFound, ServiceError


def checked(data) -> geometry.CheckedGeometry:
    """Parse (if text) and check an outline; ServiceError naming the problem otherwise."""
    if isinstance(data, (str, bytes)):
        data = geometry.parse_text(data)
    return geometry.check(data)


def apply_outline(target, outline: geometry.CheckedGeometry | AreaOutlineChange) -> None:
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


def pending_for(session: Session, user, area_id: int) -> tuple[Area, AreaOutlineChange]:
    """The area and its pending proposal, for those who edit or approve the area."""
    area = get_area_for(session, user, area_id, need="view")
    if not (allowed(session, user, area, "edit") or allowed(session, user, area, "approve")):
        raise Forbidden("area_forbidden", _l("You do not have permission to do that in this area."))
    change = pending_change(session, area.id)
    if change is None:
        raise NotFound("outline_change_not_found", _l("There is no new outline waiting for approval."))
    return area, change


def propose(session: Session, user, area: Area, outline: geometry.CheckedGeometry) -> AreaOutlineChange:
    """Store a new outline for police approval, replacing a pending one (no commit)."""
    change = pending_change(session, area.id)
    if change is None:
        change = AreaOutlineChange(area_id=area.id, geometry="", min_lon=0, min_lat=0, max_lon=0, max_lat=0)
    apply_outline(change, outline)
    change.proposed_by_id, change.proposed_at = user.id, utcnow()
    session.add(change)
    return change


def _decidable(session: Session, user, area_id: int) -> tuple[Area, AreaOutlineChange]:
    area = get_area_for(session, user, area_id, need="approve")
    change = pending_change(session, area.id)
    if change is None:
        raise NotFound("outline_change_not_found", _l("There is no new outline waiting for approval."))
    if area.status != AreaStatus.active:
        raise ServiceError("area_not_active", _l("Only an active area's new outline can be decided."), 409)
    return area, change


def approve_change(session: Session, user, area_id: int) -> Area:
    """Replace the area's outline with the proposal; the spatial index follows on commit. Commits."""
    area, change = _decidable(session, user, area_id)
    # Checked again: the limits may have changed since the proposal was made.
    apply_outline(area, checked(change.geometry))
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
    """Active areas with a new outline waiting for this user: their municipality's for police, all for admins."""
    q = (select(Area, AreaOutlineChange).join(AreaOutlineChange, AreaOutlineChange.area_id == Area.id)
         .where(AreaOutlineChange.status == OutlineChangeStatus.pending, Area.status == AreaStatus.active)
         .order_by(AreaOutlineChange.proposed_at, AreaOutlineChange.id))
    if not user.is_admin:
        if not (user.is_police and user.municipality):
            return []
        q = q.where(func.lower(Area.municipality) == user.municipality.strip().lower())
    return [(a, c) for a, c in session.exec(q).all()]
