"""An area's life in the JSON API: register, change, approve or reject, train its contacts, archive; the police queue."""
from __future__ import annotations

import json as jsonlib

import geojson
from flask import url_for
from flask_login import current_user
from spectree import Response

from watch.areas.api import TAGS, area_out, bp, collection, member_out
from watch.areas.registration import service as registration
from watch.areas.schemas import AreaCollection, AreaFeature, AreaIn, AreaPatch, MemberOut, RejectIn, TrainedIn
from watch.core.api import Error, spec
from watch.core.db import get_session


@bp.post("")
@spec.validate(json=AreaIn, resp=Response(HTTP_201=AreaFeature, HTTP_401=Error, HTTP_403=Error, HTTP_413=Error, HTTP_422=Error), tags=TAGS)
def create_area(json: AreaIn):
    """Register an area; it waits for the police (pending). You become its contact representative."""
    area = registration.create_area(get_session(), current_user, kind=json.kind, name=json.name,
                                    municipality=json.municipality, description=json.description,
                                    geometry_data=json.geometry)
    return area_out(area), 201, {"Location": url_for("areas_api.get_area", area_id=area.id)}


@bp.patch("/<int:area_id>")
@spec.validate(json=AreaPatch, resp=Response(HTTP_200=AreaFeature, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error,
                                             HTTP_409=Error, HTTP_422=Error), tags=TAGS)
def update_area(area_id: int, json: AreaPatch):
    """Change an area (contacts, police, admins). A contact's new outline for an active area waits for
    the police, and a new municipality for that municipality's police or an admin: see
    properties.outline_change; the old outline and municipality hold until approved."""
    area = registration.update_area(get_session(), current_user, area_id, name=json.name, description=json.description,
                                    municipality=json.municipality, geometry_data=json.geometry)
    return area_out(area)


@bp.post("/<int:area_id>/approve")
@spec.validate(resp=Response(HTTP_200=AreaFeature, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error, HTTP_409=Error), tags=TAGS)
def approve_area(area_id: int):
    """Activate a pending area (police of its municipality, admins); needs a trained contact."""
    return area_out(registration.approve_area(get_session(), current_user, area_id))


@bp.post("/<int:area_id>/reject")
@spec.validate(json=RejectIn, resp=Response(HTTP_200=AreaFeature, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error,
                                            HTTP_409=Error, HTTP_422=Error), tags=TAGS)
def reject_area(area_id: int, json: RejectIn):
    """Refuse a pending area with a reason the registrant will see."""
    return area_out(registration.reject_area(get_session(), current_user, area_id, reason=json.reason))


@bp.post("/<int:area_id>/archive")
@spec.validate(resp=Response(HTTP_200=AreaFeature, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error, HTTP_409=Error), tags=TAGS)
def archive_area(area_id: int):
    """Archive an area (contacts, police, admins)."""
    return area_out(registration.archive_area(get_session(), current_user, area_id))


@bp.post("/<int:area_id>/trained")
@spec.validate(json=TrainedIn, resp=Response(HTTP_200=MemberOut, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error,
                                             HTTP_422=Error), tags=TAGS)
def mark_trained(area_id: int, json: TrainedIn):
    """Record a contact representative's yearly training (police of the municipality, admins)."""
    m = registration.mark_trained(get_session(), current_user, area_id, user_id=json.user_id, trained_on=json.trained_on)
    return member_out(m)


@bp.get("/queue")
@spec.validate(resp=Response(HTTP_200=AreaCollection, HTTP_401=Error), tags=TAGS)
def queue():
    """Pending areas waiting for this police user's (or admin's) decision."""
    areas = registration.approval_queue(get_session(), current_user)
    return AreaCollection.model_validate(jsonlib.loads(geojson.dumps(collection((a, None) for a in areas))))
