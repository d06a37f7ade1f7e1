"""Invite links: signed tokens naming a revocable row; e-mailed invitations, the public link and its QR code (issue 11)."""
from __future__ import annotations

import re
import secrets
from datetime import timedelta

import segno
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from watch import mail
from watch.accounts.models import User
from watch.areas.members.service import close_requests, require_joinable
from watch.areas.models import Area, AreaInvite, AreaMembership, AreaRole, JoinRequestStatus
from watch.areas.service import get_area_for, membership_of
from watch.core.errors import NotFound, ServiceError
from watch.core.time import aware, utcnow

INVITE_SALT = "watch.areas.invite"
SPLIT = re.compile(r"[,;\s]+")


def _serializer() -> URLSafeSerializer:
    # Expiry and revocation live in the invite row, so the token needs only a signature.
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=INVITE_SALT)


def create_invite(session: Session, user, area_id: int, *, days: int | None = None) -> tuple[AreaInvite, str]:
    """A new invite link for the area: (row, token). Contacts and admins. Commits."""
    area = get_area_for(session, user, area_id, need="members")
    invite = new_invite(session, user, area, days=days)
    session.commit()
    return invite, invite_token(invite)


def new_invite(session: Session, user, area: Area, *, days: int | None = None) -> AreaInvite:
    """Add an invite row for an area the caller may manage (flushed); never commits."""
    require_joinable(area)
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
    return [i for i in rows if aware(i.expires_at) > now]


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
    if aware(invite.expires_at) <= utcnow():
        raise ServiceError("invite_expired", _l("This invite link has expired. Ask the contact representative for a new one."), 410)
    return invite


def accept_invite(session: Session, user, token: str) -> AreaMembership:
    """Join the area an invite link is for. Commits."""
    invite = invite_for_token(session, token)
    area = session.get(Area, invite.area_id)
    require_joinable(area)
    m = membership_of(session, user, area.id)
    if m is not None:
        return m
    m = AreaMembership(area_id=area.id, user_id=user.id, role=AreaRole.member)
    invite.uses += 1
    session.add_all([m, invite])
    close_requests(session, area.id, user.id, user.id, JoinRequestStatus.approved)
    try:
        session.commit()
    except IntegrityError:  # joined twice at once: the first one stands
        session.rollback()
        return membership_of(session, user, area.id)
    return m


def invite_url(invite: AreaInvite) -> str:
    """The invite's link under WATCH_PUBLIC_URL (never the request's Host)."""
    return mail.public_url("areas.accept_invite", token=invite_token(invite))


def parse_addresses(text: str) -> list[str]:
    """Distinct, valid addresses from a comma, semicolon or line separated list; a ServiceError names the first bad one."""
    raw = [a for a in SPLIT.split(text or "") if a]
    if not raw:
        raise ServiceError("addresses_missing", _l("Enter at least one e-mail address."), 422, field="addresses")
    limit = current_app.config["AREA_INVITE_EMAIL_MAX"]
    if len(raw) > limit:
        raise ServiceError("addresses_too_many", _l("At most %(n)d addresses at a time.", n=limit), 422, field="addresses")
    found: list[str] = []
    for address in raw:
        try:
            normal = mail.check_address(address).lower()
        except ServiceError:
            raise ServiceError("address_invalid", _l("%(address)s is not a valid e-mail address.", address=address[:80]), 422, field="addresses")
        if normal not in found:
            found.append(normal)
    return found


def invite_by_email(session: Session, user, area_id: int, *, addresses: str, days: int | None = None) -> tuple[AreaInvite, list[str]]:
    """One new invite link e-mailed to each address, in the same transaction. Contacts and admins. Commits."""
    area = get_area_for(session, user, area_id, need="members")
    targets = parse_addresses(addresses)
    invite = new_invite(session, user, area, days=days)
    url = invite_url(invite)
    accounts = {u.email: u for u in session.exec(select(User).where(User.email.in_(targets)))}
    for address in targets:
        account = accounts.get(address)
        with mail.recipient_locale(account):
            text, html = mail.compose(
                greeting=_("Hello!"),
                paragraphs=[
                    _("%(name)s invites you to %(area)s in %(municipality)s, a neighbourhood or boat watch group in %(site)s.",
                      name=user.display_name, area=area.name, municipality=area.municipality, site=current_app.config["PWA_SHORT_NAME"]),
                    _("Members warn each other about burglaries, thefts and suspicious activity. An alert is not an emergency call: for a crime in progress, call 112."),
                    _("The link works until %(date)s.", date=invite.expires_at.strftime("%Y-%m-%d")),
                ],
                action=(_("Join %(area)s", area=area.name), url),
            )
            mail.queue(session, to=address, user=account, kind="area_invitation",
                       subject=_("Invitation to %(area)s", area=area.name), text=text, html=html)
    session.commit()
    return invite, targets


def invite_of(session: Session, user, area_id: int, invite_id: int) -> AreaInvite:
    """A live invite of the area, for its contacts and admins."""
    get_area_for(session, user, area_id, need="members")
    invite = session.get(AreaInvite, invite_id)
    if invite is None or invite.area_id != area_id or invite not in list_invites(session, user, area_id):
        raise NotFound("invite_not_found", _l("That invite does not exist."))
    return invite


def qr_svg(url: str) -> str:
    """An inline SVG QR code of the link (error correction M, black on white)."""
    return segno.make(url, error="m").svg_inline(scale=6, border=2, dark="#000", light="#fff")
