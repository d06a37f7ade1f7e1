"""Members of an area: join requests, leaving and removal."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from watch.areas.models import Area, AreaJoinRequest, AreaMembership, AreaRole, AreaStatus, JoinRequestStatus
from watch.areas.registration.service import contacts
from watch.areas.service import get_area_for, membership_of
from watch.core import events
from watch.core.errors import NotFound, ServiceError
from watch.core.time import utcnow


def require_joinable(area: Area) -> None:
    """Refuse (409) unless the area is active and so takes new members."""
    if area.status == AreaStatus.archived:
        raise ServiceError("area_archived", _l("This area has been archived; it takes no new members."), 409)
    if area.status != AreaStatus.active:
        raise ServiceError("area_not_active", _l("This area is not active yet; members can join once the police have approved it."), 409)


def list_members(session: Session, user, area_id: int) -> list[AreaMembership]:
    """The area's people (contacts first); for its contact representatives and admins."""
    get_area_for(session, user, area_id, need="members")
    order = {AreaRole.contact: 0, AreaRole.police: 1, AreaRole.member: 2}
    rows = session.exec(select(AreaMembership).where(AreaMembership.area_id == area_id)).all()
    return sorted(rows, key=lambda m: (order[AreaRole(m.role)], not m.is_main_contact, m.created_at, m.id))


def close_requests(session: Session, area_id: int, user_id: int, decided_by_id: int, status: JoinRequestStatus) -> None:
    """Close the user's pending join requests to the area with `status` (no commit)."""
    for r in session.exec(select(AreaJoinRequest).where(AreaJoinRequest.area_id == area_id, AreaJoinRequest.user_id == user_id,
                                                        AreaJoinRequest.status == JoinRequestStatus.pending)):
        r.status, r.decided_by_id, r.decided_at = status, decided_by_id, utcnow()
        session.add(r)


def request_join(session: Session, user, area_id: int, *, message: str = "") -> AreaJoinRequest:
    """Ask the contact representatives to let the user join. Commits."""
    area = get_area_for(session, user, area_id, need="view")
    require_joinable(area)
    if membership_of(session, user, area.id) is not None:
        raise ServiceError("already_member", _l("You are already a member of this area."), 409)
    message = (message or "").strip()
    if len(message) > 500:
        raise ServiceError("message_too_long", _l("The message can be at most 500 characters."), 422, field="message")
    pending = session.exec(select(AreaJoinRequest).where(AreaJoinRequest.area_id == area.id, AreaJoinRequest.user_id == user.id,
                                                         AreaJoinRequest.status == JoinRequestStatus.pending)).first()
    if pending is not None:
        raise ServiceError("request_pending", _l("You have already asked to join; a contact representative will answer."), 409)
    req = AreaJoinRequest(area_id=area.id, user_id=user.id, message=message)
    session.add(req)
    session.commit()
    return req


def pending_requests(session: Session, user, area_id: int) -> list[AreaJoinRequest]:
    """Join requests waiting for an answer."""
    get_area_for(session, user, area_id, need="members")
    return list(session.exec(select(AreaJoinRequest).where(AreaJoinRequest.area_id == area_id,
                                                           AreaJoinRequest.status == JoinRequestStatus.pending)
                             .order_by(AreaJoinRequest.created_at, AreaJoinRequest.id)))


def my_request(session: Session, user, area_id: int) -> AreaJoinRequest | None:
    """The user's latest join request to the area, if any."""
    return session.exec(select(AreaJoinRequest).where(AreaJoinRequest.area_id == area_id, AreaJoinRequest.user_id == user.id)
                        .order_by(AreaJoinRequest.created_at.desc(), AreaJoinRequest.id.desc())).first()


def decide_request(session: Session, user, area_id: int, request_id: int, *, approve: bool) -> AreaJoinRequest:
    """Approve (the person becomes a member) or decline a join request. Commits."""
    area = get_area_for(session, user, area_id, need="members")
    req = session.get(AreaJoinRequest, request_id)
    if req is None or req.area_id != area.id:
        raise NotFound("request_not_found", _l("That join request does not exist."))
    if req.status != JoinRequestStatus.pending:
        raise ServiceError("request_decided", _l("That join request has already been answered."), 409)
    if approve:
        require_joinable(area)
        exists = session.exec(select(AreaMembership).where(AreaMembership.area_id == area.id, AreaMembership.user_id == req.user_id)).first()
        if exists is None:
            session.add(AreaMembership(area_id=area.id, user_id=req.user_id, role=AreaRole.member))
    req.status = JoinRequestStatus.approved if approve else JoinRequestStatus.declined
    req.decided_by_id, req.decided_at = user.id, utcnow()
    session.add(req)
    session.commit()
    return req


def _drop(session: Session, area_id: int, m: AreaMembership) -> None:
    if m.role == AreaRole.contact and len(contacts(session, area_id)) <= 1:
        raise ServiceError("last_contact", _l("An area needs at least one contact representative. Make someone else contact representative first."), 409)
    # A member who leaves takes along what they kept there (their boats, for one).
    events.membership_ending.send(m, session=session)
    session.delete(m)
    session.commit()


def leave_area(session: Session, user, area_id: int) -> None:
    """The user leaves the area. Commits."""
    area = get_area_for(session, user, area_id, need="view")
    m = membership_of(session, user, area.id)
    if m is None:
        raise ServiceError("not_a_member", _l("You are not a member of this area."), 409)
    _drop(session, area.id, m)


def remove_member(session: Session, user, area_id: int, *, user_id: int) -> None:
    """A contact representative (or admin) removes someone from the area. Commits."""
    area = get_area_for(session, user, area_id, need="members")
    m = session.exec(select(AreaMembership).where(AreaMembership.area_id == area.id, AreaMembership.user_id == user_id)).first()
    if m is None:
        raise NotFound("member_not_found", _l("That person is not a member of the area."))
    if m.role == AreaRole.police and not user.is_admin:
        raise ServiceError("police_contact", _l("Police contacts are managed by the police."), 403)
    _drop(session, area.id, m)
