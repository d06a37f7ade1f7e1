"""Area members in the JSON API: the people, their roles, join requests, leaving."""
from __future__ import annotations

from flask import url_for
from flask_login import current_user
from spectree import Response
from sqlmodel import select

from watch.accounts.models import User
from watch.areas.api import bp, member_out
from watch.areas.members import service as members
from watch.areas.registration import service as registration
from watch.areas.schemas import DecisionIn, JoinIn, JoinRequestList, JoinRequestOut, MemberList, MemberOut, RoleIn
from watch.core.api import Empty, Error, spec
from watch.core.db import get_session

TAGS = ["area members"]


def _request_out(r, name=None) -> JoinRequestOut:
    return JoinRequestOut(id=r.id, area_id=r.area_id, user_id=r.user_id, display_name=name, message=r.message,
                          status=r.status, created_at=r.created_at)


@bp.get("/<int:area_id>/members")
@spec.validate(resp=Response(HTTP_200=MemberList, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error), tags=TAGS)
def list_members(area_id: int):
    """The area's people (contact representatives and admins)."""
    session = get_session()
    rows = members.list_members(session, current_user, area_id)
    names = dict(session.exec(select(User.id, User.display_name).where(User.id.in_([m.user_id for m in rows]))).all())
    return MemberList(items=[member_out(m, names.get(m.user_id, "")) for m in rows])


@bp.delete("/<int:area_id>/members/<int:user_id>")
@spec.validate(resp=Response(HTTP_200=Empty, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error, HTTP_409=Error), tags=TAGS)
def remove_member(area_id: int, user_id: int):
    """Remove someone from the area (contacts, admins); use /leave for yourself."""
    session = get_session()
    if user_id == current_user.id:
        members.leave_area(session, current_user, area_id)
    else:
        members.remove_member(session, current_user, area_id, user_id=user_id)
    return Empty()


@bp.patch("/<int:area_id>/members/<int:user_id>")
@spec.validate(json=RoleIn, resp=Response(HTTP_200=MemberOut, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error,
                                          HTTP_409=Error, HTTP_422=Error), tags=TAGS)
def set_role(area_id: int, user_id: int, json: RoleIn):
    """Make a member contact representative (optionally the main one), or back to member."""
    return member_out(registration.set_role(get_session(), current_user, area_id, user_id=user_id, role=json.role, main=json.main))


@bp.post("/<int:area_id>/leave")
@spec.validate(resp=Response(HTTP_200=Empty, HTTP_401=Error, HTTP_404=Error, HTTP_409=Error), tags=TAGS)
def leave(area_id: int):
    """Leave the area (your boats there are deleted)."""
    members.leave_area(get_session(), current_user, area_id)
    return Empty()


@bp.post("/<int:area_id>/join-requests")
@spec.validate(json=JoinIn, resp=Response(HTTP_201=JoinRequestOut, HTTP_401=Error, HTTP_404=Error, HTTP_409=Error,
                                          HTTP_422=Error), tags=TAGS)
def request_join(area_id: int, json: JoinIn):
    """Ask to join an active area; its contact representatives decide."""
    r = members.request_join(get_session(), current_user, area_id, message=json.message)
    return _request_out(r), 201, {"Location": url_for("areas_api.list_requests", area_id=area_id)}


@bp.get("/<int:area_id>/join-requests")
@spec.validate(resp=Response(HTTP_200=JoinRequestList, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error), tags=TAGS)
def list_requests(area_id: int):
    """Join requests waiting for an answer (contacts, admins)."""
    session = get_session()
    rows = members.pending_requests(session, current_user, area_id)
    names = dict(session.exec(select(User.id, User.display_name).where(User.id.in_([r.user_id for r in rows]))).all())
    return JoinRequestList(items=[_request_out(r, names.get(r.user_id)) for r in rows])


@bp.post("/<int:area_id>/join-requests/<int:request_id>")
@spec.validate(json=DecisionIn, resp=Response(HTTP_200=JoinRequestOut, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error,
                                              HTTP_409=Error), tags=TAGS)
def decide_request(area_id: int, request_id: int, json: DecisionIn):
    """Approve or decline a join request."""
    return _request_out(members.decide_request(get_session(), current_user, area_id, request_id, approve=json.approve))
