"""Invite links in the JSON API: list, create, revoke, accept."""
from __future__ import annotations

from flask import url_for
from flask_login import current_user
from spectree import Response

from watch.areas.api import bp
from watch.areas.invites import service as invites
from watch.areas.models import AreaInvite
from watch.areas.schemas import AcceptIn, InviteIn, InviteList, InviteOut, MembershipOut
from watch.core.api import Error, spec
from watch.core.db import get_session

TAGS = ["area members"]


def invite_out(invite: AreaInvite, token: str | None = None) -> InviteOut:
    """An invite for the API; the link only when just created."""
    url = url_for("areas.accept_invite", token=token, _external=True) if token else None
    return InviteOut(id=invite.id, area_id=invite.area_id, created_at=invite.created_at, expires_at=invite.expires_at,
                     revoked_at=invite.revoked_at, uses=invite.uses, token=token, url=url)


@bp.get("/<int:area_id>/invites")
@spec.validate(resp=Response(HTTP_200=InviteList, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error), tags=TAGS)
def list_invites(area_id: int):
    """Invite links that still work."""
    return InviteList(items=[invite_out(i) for i in invites.list_invites(get_session(), current_user, area_id)])


@bp.post("/<int:area_id>/invites")
@spec.validate(json=InviteIn, resp=Response(HTTP_201=InviteOut, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error,
                                            HTTP_409=Error, HTTP_422=Error), tags=TAGS)
def create_invite(area_id: int, json: InviteIn):
    """Create an invite link (shown in this answer only)."""
    invite, token = invites.create_invite(get_session(), current_user, area_id, days=json.days)
    return invite_out(invite, token), 201, {"Location": url_for("areas_api.list_invites", area_id=area_id)}


@bp.delete("/<int:area_id>/invites/<int:invite_id>")
@spec.validate(resp=Response(HTTP_200=InviteOut, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error), tags=TAGS)
def revoke_invite(area_id: int, invite_id: int):
    """Revoke an invite link."""
    return invite_out(invites.revoke_invite(get_session(), current_user, area_id, invite_id))


@bp.post("/invites/accept")
@spec.validate(json=AcceptIn, resp=Response(HTTP_200=MembershipOut, HTTP_400=Error, HTTP_401=Error, HTTP_409=Error,
                                            HTTP_410=Error), tags=TAGS)
def accept_invite(json: AcceptIn):
    """Join an area with an invite token."""
    m = invites.accept_invite(get_session(), current_user, json.token)
    return MembershipOut(area_id=m.area_id, user_id=m.user_id, role=m.role)

