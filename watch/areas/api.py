"""Areas in the JSON API: GeoJSON for the map, and the area lifecycle."""
from __future__ import annotations

import json as jsonlib
import math

import geojson
from flask import Blueprint, current_app, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from spectree import Response

from watch.core.api import Error, require_login, spec, strict_json
from watch.areas import outline, registration, service
from watch.areas.models import Area, AreaOutlineChange, AreaRole
from watch.areas.schemas import (AreaCollection, AreaFeature, AreaIn, AreaPatch, AreaQuery, MemberOut, NearArea, NearList,
                                 NearQuery, OutlineChangeOut, RejectIn, TrainedIn)
from watch.areas.service import allowed, get_area_for, membership_of
from watch.core.db import get_session
from watch.core.errors import ServiceError

bp = Blueprint("areas_api", __name__, url_prefix="/api/v1/areas")
bp.before_request(require_login)
bp.before_request(strict_json)
TAGS = ["areas"]


def feature(area: Area, role: AreaRole | None) -> dict:
    """An area as a GeoJSON Feature (built with the geojson package)."""
    props = {
        "id": area.id, "kind": area.kind.value, "name": area.name, "description": area.description,
        "municipality": area.municipality, "status": area.status.value, "area_m2": area.area_m2,
        "my_role": role.value if role else None, "created_at": area.created_at.isoformat(),
        "decided_at": area.decided_at.isoformat() if area.decided_at else None,
        "rejection_reason": area.rejection_reason,
    }
    f = geojson.Feature(id=area.id, geometry=geojson.loads(area.geometry), properties=props)
    f["bbox"] = [area.min_lon, area.min_lat, area.max_lon, area.max_lat]
    return f


def collection(pairs) -> dict:
    """Areas as a GeoJSON FeatureCollection."""
    return geojson.FeatureCollection([feature(a, r) for a, r in pairs])


def parse_bbox(text: str | None):
    """min_lon,min_lat,max_lon,max_lat from a query string, or a 422 naming the problem."""
    if not text:
        return None
    try:
        box = tuple(float(v) for v in text.split(","))
    except ValueError:
        box = ()
    if len(box) != 4 or not all(math.isfinite(v) for v in box) or box[0] > box[2] or box[1] > box[3]:
        raise ServiceError("bbox_invalid", _l("bbox must be min_lon,min_lat,max_lon,max_lat."), 422, field="bbox")
    return box


def outline_change_out(change: AreaOutlineChange, area: Area) -> OutlineChangeOut:
    """A proposed outline for the API."""
    return OutlineChangeOut(id=change.id, area_id=area.id, area_name=area.name, status=change.status,
                            outline_changed=change.outline_changed, municipality=change.municipality,
                            geometry=jsonlib.loads(change.geometry), area_m2=change.area_m2,
                            bbox=[change.min_lon, change.min_lat, change.max_lon, change.max_lat],
                            proposed_at=change.proposed_at, decided_at=change.decided_at, reason=change.reason)


def _one(area: Area) -> AreaFeature:
    session = get_session()
    m = membership_of(session, current_user, area.id)
    data = jsonlib.loads(geojson.dumps(feature(area, AreaRole(m.role) if m else None)))
    change = outline.latest_change(session, area.id)
    if change is not None and (any(allowed(session, current_user, area, need, membership=m) for need in ("edit", "approve"))
                               or outline.may_decide(session, current_user, area, change)):
        data["properties"]["outline_change"] = outline_change_out(change, area).model_dump(mode="json")
    return AreaFeature.model_validate(data)


@bp.get("")
@spec.validate(query=AreaQuery, resp=Response(HTTP_200=AreaCollection, HTTP_401=Error, HTTP_422=Error), tags=TAGS)
def list_areas(query: AreaQuery):
    """Areas the user may see, as a GeoJSON FeatureCollection (filter by bbox, status, mine)."""
    pairs = registration.visible_areas(get_session(), current_user, bbox=parse_bbox(query.bbox),
                                       statuses=(query.status,) if query.status else None)
    if query.mine:
        pairs = [(a, r) for a, r in pairs if r is not None]
    return AreaCollection.model_validate(jsonlib.loads(geojson.dumps(collection(pairs))))


@bp.post("")
@spec.validate(json=AreaIn, resp=Response(HTTP_201=AreaFeature, HTTP_401=Error, HTTP_403=Error, HTTP_413=Error, HTTP_422=Error), tags=TAGS)
def create_area(json: AreaIn):
    """Register an area; it waits for the police (pending). You become its contact representative."""
    area = registration.create_area(get_session(), current_user, kind=json.kind, name=json.name,
                                    municipality=json.municipality, description=json.description,
                                    geometry_data=json.geometry)
    return _one(area), 201, {"Location": url_for("areas_api.get_area", area_id=area.id)}


@bp.get("/<int:area_id>")
@spec.validate(resp=Response(HTTP_200=AreaFeature, HTTP_401=Error, HTTP_404=Error), tags=TAGS)
def get_area(area_id: int):
    """One area as a GeoJSON Feature."""
    return _one(get_area_for(get_session(), current_user, area_id, need="view"))


@bp.patch("/<int:area_id>")
@spec.validate(json=AreaPatch, resp=Response(HTTP_200=AreaFeature, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error,
                                             HTTP_409=Error, HTTP_422=Error), tags=TAGS)
def update_area(area_id: int, json: AreaPatch):
    """Change an area (contacts, police, admins). A contact's new outline for an active area waits for
    the police, and a new municipality for that municipality's police or an admin: see
    properties.outline_change; the old outline and municipality hold until approved."""
    area = registration.update_area(get_session(), current_user, area_id, name=json.name, description=json.description,
                                    municipality=json.municipality, geometry_data=json.geometry)
    return _one(area)


@bp.post("/<int:area_id>/approve")
@spec.validate(resp=Response(HTTP_200=AreaFeature, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error, HTTP_409=Error), tags=TAGS)
def approve_area(area_id: int):
    """Activate a pending area (police of its municipality, admins); needs a trained contact."""
    return _one(registration.approve_area(get_session(), current_user, area_id))


@bp.post("/<int:area_id>/reject")
@spec.validate(json=RejectIn, resp=Response(HTTP_200=AreaFeature, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error,
                                            HTTP_409=Error, HTTP_422=Error), tags=TAGS)
def reject_area(area_id: int, json: RejectIn):
    """Refuse a pending area with a reason the registrant will see."""
    return _one(registration.reject_area(get_session(), current_user, area_id, reason=json.reason))


@bp.post("/<int:area_id>/archive")
@spec.validate(resp=Response(HTTP_200=AreaFeature, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error, HTTP_409=Error), tags=TAGS)
def archive_area(area_id: int):
    """Archive an area (contacts, police, admins)."""
    return _one(registration.archive_area(get_session(), current_user, area_id))


@bp.post("/<int:area_id>/trained")
@spec.validate(json=TrainedIn, resp=Response(HTTP_200=MemberOut, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error,
                                             HTTP_422=Error), tags=TAGS)
def mark_trained(area_id: int, json: TrainedIn):
    """Record a contact representative's yearly training (police of the municipality, admins)."""
    from watch.areas.api_members import member_out

    m = registration.mark_trained(get_session(), current_user, area_id, user_id=json.user_id, trained_on=json.trained_on)
    return member_out(m)


@bp.get("/queue")
@spec.validate(resp=Response(HTTP_200=AreaCollection, HTTP_401=Error), tags=TAGS)
def queue():
    """Pending areas waiting for this police user's (or admin's) decision."""
    areas = registration.approval_queue(get_session(), current_user)
    return AreaCollection.model_validate(jsonlib.loads(geojson.dumps(collection((a, None) for a in areas))))


@bp.get("/near")
@spec.validate(query=NearQuery, resp=Response(HTTP_200=NearList, HTTP_401=Error, HTTP_422=Error), tags=TAGS)
def near(query: NearQuery):
    """Active areas within AREA_NEARBY_M metres of a position (e.g. the phone's), nearest first."""
    session = get_session()
    radius = float(current_app.config["AREA_NEARBY_M"])
    areas = service.areas_containing(session, query.lon, query.lat, buffer_m=radius)
    roles = {a_id: r for a_id, r in service.user_area_roles(session, current_user).items()}
    items = [NearArea(id=a.id, kind=a.kind, name=a.name, municipality=a.municipality, my_role=roles.get(a.id),
                      distance_m=round(service.distance_to_area_m(a, query.lon, query.lat), 1)) for a in areas[:50]]
    return NearList(radius_m=radius, items=sorted(items, key=lambda i: (i.distance_m, i.name)))
