"""Members of an area: invite links, join requests, leaving and removal."""
from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from watch.core import events
from watch.areas.models import (Area, AreaInvite, AreaJoinRequest, AreaMembership, AreaRole, AreaStatus,
                                JoinRequestStatus)
from watch.areas.registration import contacts
from watch.areas.service import get_area_for, membership_of
from watch.core.time import utcnow
from watch.core.errors import NotFound, ServiceError

INVITE_SALT = "watch.areas.invite"


def _serializer() -> URLSafeSerializer:
    # Expiry and revocation live in the invite row, so the token needs only a signature.
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=INVITE_SALT)


def _aware(dt):
    from datetime import UTC

    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _require_joinable(area: Area) -> None:
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


def create_invite(session: Session, user, area_id: int, *, days: int | None = None) -> tuple[AreaInvite, str]:
    """A new invite link for the area: (row, token). Contacts and admins. Commits."""
    area = get_area_for(session, user, area_id, need="members")
    invite = new_invite(session, user, area, days=days)
    session.commit()
    return invite, invite_token(invite)


def new_invite(session: Session, user, area: Area, *, days: int | None = None) -> AreaInvite:
    """Add an invite row for an area the caller may manage (flushed); never commits."""
    _require_joinable(area)
    max_days = current_app.config["AREA_INVITE_MAX_AGE_DAYS"]
    days = max_days if days is None else days
    if not 1 <= days <= max_days:
        raise ServiceError("invite_days_invalid", _l("An invite can be valid for 1 to %(n)d days.", n=max_days), 422, field="days")
    invite = AreaInvite(area_id=area.id, created_by_id=user.id, nonce=secrets.token_urlsafe(16),
                        expires_at=utcnow() + timedelta(days=days))
    session.add(invite)
    session.flush()
    return invite


def invite_token(invite: AreaInvite) -> str:
    """The signed token of an invite, for its link."""
    return _serializer().dumps({"i": invite.id, "n": invite.nonce})


def list_invites(session: Session, user, area_id: int) -> list[AreaInvite]:
    """The area's invites that still work, newest first."""
    get_area_for(session, user, area_id, need="members")
    now = utcnow()
    rows = session.exec(select(AreaInvite).where(AreaInvite.area_id == area_id, AreaInvite.revoked_at.is_(None))
                        .order_by(AreaInvite.created_at.desc(), AreaInvite.id.desc())).all()
    return [i for i in rows if _aware(i.expires_at) > now]


def revoke_invite(session: Session, user, area_id: int, invite_id: int) -> AreaInvite:
    """Revoke an invite link so it no longer works. Commits."""
    get_area_for(session, user, area_id, need="members")
    invite = session.get(AreaInvite, invite_id)
    if invite is None or invite.area_id != area_id:
        raise NotFound("invite_not_found", _l("That invite does not exist."))
    if invite.revoked_at is None:
        invite.revoked_at = utcnow()
        session.add(invite)
        session.commit()
    return invite


def invite_for_token(session: Session, token: str) -> AreaInvite:
    """The invite a token names, if it is genuine, unexpired and not revoked."""
    try:
        data = _serializer().loads(token or "")
        invite = session.get(AreaInvite, int(data["i"])) if isinstance(data, dict) else None
        nonce = data.get("n") if isinstance(data, dict) else None
    except (BadSignature, KeyError, TypeError, ValueError):
        raise ServiceError("invite_invalid", _l("This invite link is not valid. Check that you copied all of it."), 400)
    if invite is None or not secrets.compare_digest(str(nonce), invite.nonce):
        raise ServiceError("invite_invalid", _l("This invite link is not valid. Check that you copied all of it."), 400)
    if invite.revoked_at is not None:
        raise ServiceError("invite_revoked", _l("This invite link has been withdrawn. Ask the contact representative for a new one."), 410)
    if _aware(invite.expires_at) <= utcnow():
        raise ServiceError("invite_expired", _l("This invite link has expired. Ask the contact representative for a new one."), 410)
    return invite


def accept_invite(session: Session, user, token: str) -> AreaMembership:
    """Join the area an invite link is for. Commits."""
    invite = invite_for_token(session, token)
    area = session.get(Area, invite.area_id)
    _require_joinable(area)
    m = membership_of(session, user, area.id)
    if m is not None:
        return m
    m = AreaMembership(area_id=area.id, user_id=user.id, role=AreaRole.member)
    invite.uses += 1
    session.add_all([m, invite])
    _close_requests(session, area.id, user.id, user.id, JoinRequestStatus.approved)
    try:
        session.commit()
    except IntegrityError:  # joined twice at once: the first one stands
        session.rollback()
        return membership_of(session, user, area.id)
    return m


def _close_requests(session, area_id, user_id, decided_by_id, status):
    for r in session.exec(select(AreaJoinRequest).where(AreaJoinRequest.area_id == area_id, AreaJoinRequest.user_id == user_id,
                                                        AreaJoinRequest.status == JoinRequestStatus.pending)):
        r.status, r.decided_by_id, r.decided_at = status, decided_by_id, utcnow()
        session.add(r)


def request_join(session: Session, user, area_id: int, *, message: str = "") -> AreaJoinRequest:
    """Ask the contact representatives to let the user join. Commits."""
    area = get_area_for(session, user, area_id, need="view")
    _require_joinable(area)
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
        _require_joinable(area)
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
