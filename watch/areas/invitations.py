"""Invitations by e-mail, and the invite link's public address and QR code (issue 11)."""
from __future__ import annotations

import re

import segno
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from watch import mail
from watch.accounts.models import User
from watch.areas import members
from watch.areas.models import AreaInvite
from watch.areas.service import get_area_for
from watch.core.errors import NotFound, ServiceError

SPLIT = re.compile(r"[,;\s]+")


def invite_url(invite: AreaInvite) -> str:
    """The invite's link under WATCH_PUBLIC_URL (never the request's Host)."""
    return mail.public_url("areas.accept_invite", token=members.invite_token(invite))


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
    invite = members.new_invite(session, user, area, days=days)
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
    if invite is None or invite.area_id != area_id or invite not in members.list_invites(session, user, area_id):
        raise NotFound("invite_not_found", _l("That invite does not exist."))
    return invite


def qr_svg(url: str) -> str:
    """An inline SVG QR code of the link (error correction M, black on white)."""
    return segno.make(url, error="m").svg_inline(scale=6, border=2, dark="#000", light="#fff")
