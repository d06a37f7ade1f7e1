"""The police's side of an area in the JSON API: its police contacts, and new outlines to decide on."""
from __future__ import annotations

from flask import url_for
from flask_login import current_user
from spectree import Response

from watch.areas.api import area_out, bp, outline_change_out
from watch.areas.geometry import outline
from watch.areas.models import Area
from watch.areas.police import service as police
from watch.areas.schemas import (AreaFeature, OutlineChangeList, OutlineChangeOut, PoliceContactIn,
                                 PoliceContactList, PoliceContactOut, RejectIn)
from watch.core.api import Error, spec
from watch.core.db import get_session

TAGS = ["area police"]


def _contacts(area_id: int) -> PoliceContactList:
    rows = police.police_contacts(get_session(), current_user, area_id)
    return PoliceContactList(items=[PoliceContactOut(user_id=m.user_id, display_name=name, since=m.created_at) for m, name in rows])


@bp.get("/<int:area_id>/police")
@spec.validate(resp=Response(HTTP_200=PoliceContactList, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error), tags=TAGS)
def list_police(area_id: int):
    """The area's police contacts, by name (the area's people, its police and admins)."""
    return _contacts(area_id)


@bp.post("/<int:area_id>/police")
@spec.validate(json=PoliceContactIn, resp=Response(HTTP_201=PoliceContactList, HTTP_401=Error, HTTP_403=Error,
                                                   HTTP_404=Error, HTTP_409=Error, HTTP_422=Error), tags=TAGS)
def add_police(area_id: int, json: PoliceContactIn):
    """Add a police user of the area's municipality as police contact (police of the municipality, admins)."""
    police.add_police_contact(get_session(), current_user, area_id, user_id=json.user_id)
    return _contacts(area_id), 201, {"Location": url_for("areas_api.list_police", area_id=area_id)}


@bp.delete("/<int:area_id>/police/<int:user_id>")
@spec.validate(resp=Response(HTTP_200=PoliceContactList, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error,
                             HTTP_409=Error), tags=TAGS)
def remove_police(area_id: int, user_id: int):
    """Remove a police contact; an active area keeps at least one."""
    police.remove_police_contact(get_session(), current_user, area_id, user_id=user_id)
    return _contacts(area_id)


@bp.get("/outline-changes")
@spec.validate(resp=Response(HTTP_200=OutlineChangeList, HTTP_401=Error), tags=TAGS)
def outline_queue():
    """New outlines and municipality moves of active areas waiting for this police user's (or admin's) decision."""
    return OutlineChangeList(items=[outline_change_out(c, a) for a, c in outline.change_queue(get_session(), current_user)])


@bp.get("/<int:area_id>/outline-change")
@spec.validate(resp=Response(HTTP_200=OutlineChangeOut, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error), tags=TAGS)
def get_outline_change(area_id: int):
    """The new outline or municipality waiting for approval (those who edit the area or decide on it)."""
    area, change = outline.pending_for(get_session(), current_user, area_id)
    return outline_change_out(change, area)


@bp.post("/<int:area_id>/outline-change/approve")
@spec.validate(resp=Response(HTTP_200=AreaFeature, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error, HTTP_409=Error,
                             HTTP_422=Error), tags=TAGS)
def approve_outline(area_id: int):
    """Approve the proposal: the outline and/or municipality change at once (police of the municipality, or
    of the new one for a move; admins)."""
    return area_out(outline.approve_change(get_session(), current_user, area_id))


@bp.post("/<int:area_id>/outline-change/reject")
@spec.validate(json=RejectIn, resp=Response(HTTP_200=OutlineChangeOut, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error,
                                            HTTP_409=Error, HTTP_422=Error), tags=TAGS)
def reject_outline(area_id: int, json: RejectIn):
    """Refuse the new outline with a reason; the area keeps its outline."""
    change = outline.reject_change(get_session(), current_user, area_id, reason=json.reason)
    return outline_change_out(change, get_session().get(Area, area_id))


@bp.delete("/<int:area_id>/outline-change")
@spec.validate(resp=Response(HTTP_200=OutlineChangeOut, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error), tags=TAGS)
def withdraw_outline(area_id: int):
    """Take back a proposed outline (the area's contacts, police, admins)."""
    change = outline.withdraw_change(get_session(), current_user, area_id)
    return outline_change_out(change, get_session().get(Area, area_id))
