"""Areas in the JSON API: the blueprint, GeoJSON for the map, one area, areas near a position.

The sub-domains add their routes to this blueprint (registration, households,
members, invites, police); this module imports none of them.
"""
from __future__ import annotations

import json as jsonlib
import math

import geojson
from flask import Blueprint, current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from spectree import Response

from watch.accounts.models import User
from watch.areas import service
from watch.areas.geometry import outline
from watch.areas.models import Area, AreaMembership, AreaOutlineChange, AreaRole
from watch.areas.registration import service as registration
from watch.areas.schemas import AreaCollection, AreaFeature, AreaQuery, MemberOut, NearArea, NearList, NearQuery, OutlineChangeOut
from watch.areas.service import allowed, get_area_for, membership_of
from watch.core.api import Error, require_login, spec, strict_json
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


def member_out(m: AreaMembership, name: str | None = None) -> MemberOut:
    """A membership for the API."""
    if name is None:
        user = get_session().get(User, m.user_id)
        name = user.display_name if user else ""
    return MemberOut(user_id=m.user_id, display_name=name, role=m.role, is_main_contact=m.is_main_contact,
                     trained_on=m.trained_on, training_valid=registration.training_valid(m), joined_at=m.created_at)


def area_out(area: Area) -> AreaFeature:
    """One area as a Feature; with its latest proposed outline for those who edit, approve or decide on it."""
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


@bp.get("/<int:area_id>")
@spec.validate(resp=Response(HTTP_200=AreaFeature, HTTP_401=Error, HTTP_404=Error), tags=TAGS)
def get_area(area_id: int):
    """One area as a GeoJSON Feature."""
    return area_out(get_area_for(get_session(), current_user, area_id, need="view"))


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

