"""Alerts in the JSON API: GeoJSON lists for the map, posting with Idempotency-Key, the lifecycle."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from flask import Blueprint, current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from pydantic import BaseModel, Field
from spectree import Response

from watch.alerts import lifecycle, present, service
from watch.alerts import query as query_mod
from watch.alerts.access import get_alert_for, staff_area_ids
from watch.core.api import Error, require_login, spec
from watch.audit.service import record_access
from watch.core.db import DbId, get_session
from watch.core.errors import ServiceError

bp = Blueprint("alerts_api", __name__, url_prefix="/api/v1/alerts")
bp.before_request(require_login)


class PersonIn(BaseModel):
    """A suspicious person: what they did; appearance only after two of clothing, direction, vehicle."""

    did: str | None = None
    clothing: str | None = None
    direction: str | None = None
    vehicle: str | None = None
    appearance: str | None = None


class AlertIn(BaseModel):
    """A new alert. Send an `Idempotency-Key` header (e.g. a UUID) so that retries never post twice."""

    category: str = Field(description="suspicious_person, suspicious_vehicle, burglary, theft_from_vehicle, bicycle_theft, boat_theft, marina_activity, vandalism, graffiti, other, information")
    text: str = Field(default="", description="What was seen")
    lon: float | None = Field(default=None, description="WGS84 longitude")
    lat: float | None = Field(default=None, description="WGS84 latitude")
    observed_at: datetime | None = Field(default=None, description="When it was seen (default now)")
    area_id: DbId | None = Field(default=None, description="The area, when the position lies just outside it")
    registration: str | None = Field(default=None, description="Vehicle registration number")
    boat_id: DbId | None = None
    person: PersonIn | None = Field(default=None, description="For suspicious_person: what the person did first, then details")
    engine_id: DbId | None = Field(default=None, description="for boat_theft: the stolen engine of your registered boat")


class Point(BaseModel):
    """A GeoJSON Point."""

    type: Literal["Point"]
    coordinates: list[float]


class AlertFeature(BaseModel):
    """An alert as a GeoJSON Feature."""

    type: Literal["Feature"]
    id: int
    geometry: Point
    properties: dict[str, Any]


class AlertCollection(BaseModel):
    """A page of alerts as a GeoJSON FeatureCollection; `next_cursor` fetches the next page."""

    type: Literal["FeatureCollection"]
    features: list[AlertFeature]
    bbox: list[float] | None = None
    next_cursor: str | None = None


class AlertQuery(BaseModel):
    """Filters: viewport, time, categories, area; keyset pagination newest first."""

    bbox: str | None = Field(default=None, description="min_lon,min_lat,max_lon,max_lat")
    since: datetime | None = None
    until: datetime | None = None
    span: Literal["24h", "7d", "30d", "365d"] | None = None
    category: str | None = Field(default=None, description="comma-separated categories")
    status: str | None = Field(default=None, description="comma-separated: open, acknowledged, closed; active = open and acknowledged")
    area_id: DbId | None = None
    cursor: str | None = None
    limit: int = Field(default=100, ge=1, le=1000)


class UpdateIn(BaseModel):
    """A message for the alert's thread."""

    text: str


class UpdateOut(BaseModel):
    """One message of the thread."""

    id: int
    text: str
    author: str | None
    created_at: datetime


class UpdateList(BaseModel):
    """The thread, oldest first."""

    items: list[UpdateOut]


class CloseIn(BaseModel):
    """How it ended: handled, false_alarm or no_action; an optional note."""

    outcome: str
    note: str | None = None


class HideIn(BaseModel):
    """Why the alert is hidden (the author sees it)."""

    reason: str


class PhotoOut(BaseModel):
    """A stored photo."""

    id: int
    update_id: int | None
    width: int
    height: int
    url: str


def _feature(access) -> AlertFeature:
    return AlertFeature(**present.detail(get_session(), access))


@bp.get("")
@spec.validate(query=AlertQuery, resp=Response(HTTP_200=AlertCollection, HTTP_401=Error, HTTP_422=Error), tags=["alerts"])
def list_alerts(query: AlertQuery):
    """The alerts the user may see, as GeoJSON, filtered by viewport, time and category."""
    session = get_session()
    bbox = query_mod.parse_bbox(query.bbox)
    since = query.since or query_mod.since_for_span(query.span)
    alerts, cursor = query_mod.list_alerts(
        session, current_user, bbox=bbox, since=since, until=query.until,
        categories=query_mod.parse_categories(query.category), area_id=query.area_id,
        statuses=query_mod.parse_statuses(query.status), cursor=query.cursor, limit=min(query.limit, current_app.config["ALERTS_MAP_LIMIT"]),
    )
    staff = staff_area_ids(session, current_user)
    return AlertCollection(type="FeatureCollection", features=present.features(session, alerts, current_user, staff),
                           bbox=list(bbox) if bbox else None, next_cursor=cursor)



@bp.post("")
@spec.validate(json=AlertIn, resp=Response(HTTP_201=AlertFeature, HTTP_401=Error, HTTP_403=Error, HTTP_409=Error, HTTP_422=Error, HTTP_429=Error), tags=["alerts"])
def create(json: AlertIn):
    """Post an alert. The same Idempotency-Key with the same body answers with the original alert; with another body, 409."""
    key = request.headers.get("Idempotency-Key")
    if key is not None and not (0 < len(key.strip()) <= 100 and key.isprintable()):
        raise ServiceError("idempotency_key_invalid", _l("The Idempotency-Key header must be 1 to 100 printable characters."), 422)
    session = get_session()
    alert, created = service.post_alert(
        session, current_user, category=json.category, text=json.text, lon=json.lon, lat=json.lat,
        observed_at=json.observed_at, area_id=json.area_id, registration=json.registration, boat_id=json.boat_id, engine_id=json.engine_id,
        person=json.person.model_dump() if json.person else None,
        idempotency_key=key.strip() if key else None, body_hash=service.request_hash(request.get_json(silent=True) or {}),
    )
    access = get_alert_for(session, current_user, alert.id)
    headers = {"Location": f"/api/v1/alerts/{alert.id}"}
    if not created:
        headers["Idempotent-Replayed"] = "true"
    return _feature(access), 201, headers


@bp.get("/<int:alert_id>")
@spec.validate(resp=Response(HTTP_200=AlertFeature, HTTP_401=Error, HTTP_404=Error), tags=["alerts"])
def detail(alert_id: int):
    """One alert with its thread and photos."""
    session = get_session()
    access = get_alert_for(session, current_user, alert_id)
    record_access(session, actor=current_user, kind="alert", object_id=alert_id, owner_id=access.alert.author_id)
    return _feature(access)


@bp.get("/<int:alert_id>/updates")
@spec.validate(resp=Response(HTTP_200=UpdateList, HTTP_401=Error, HTTP_404=Error), tags=["alerts"])
def updates(alert_id: int):
    """The alert's thread."""
    data = present.detail(get_session(), get_alert_for(get_session(), current_user, alert_id))
    return UpdateList(items=[UpdateOut(**u) for u in data["properties"]["updates"]])


@bp.post("/<int:alert_id>/updates")
@spec.validate(json=UpdateIn, resp=Response(HTTP_201=UpdateOut, HTTP_401=Error, HTTP_404=Error, HTTP_409=Error, HTTP_422=Error), tags=["alerts"])
def add_update(alert_id: int, json: UpdateIn):
    """Add a message to the thread."""
    session = get_session()
    item = lifecycle.add_update(session, get_alert_for(session, current_user, alert_id, need="update"), current_user, text=json.text)
    out = UpdateOut(id=item.id, text=item.text, author=current_user.display_name, created_at=item.created_at)
    return out, 201, {"Location": f"/api/v1/alerts/{alert_id}/updates"}


@bp.post("/<int:alert_id>/acknowledge")
@spec.validate(resp=Response(HTTP_200=AlertFeature, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error, HTTP_409=Error), tags=["alerts"])
def acknowledge(alert_id: int):
    """Acknowledge (the area's police contact, or an admin)."""
    session = get_session()
    access = get_alert_for(session, current_user, alert_id, need="ack")
    lifecycle.acknowledge(session, access, current_user)
    return _feature(access)


@bp.post("/<int:alert_id>/close")
@spec.validate(json=CloseIn, resp=Response(HTTP_200=AlertFeature, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error, HTTP_409=Error, HTTP_422=Error), tags=["alerts"])
def close(alert_id: int, json: CloseIn):
    """Close with an outcome (the area's police contact, or an admin)."""
    session = get_session()
    access = get_alert_for(session, current_user, alert_id, need="close")
    lifecycle.close(session, access, current_user, outcome=json.outcome, note=json.note)
    return _feature(access)


@bp.post("/<int:alert_id>/hide")
@spec.validate(json=HideIn, resp=Response(HTTP_200=AlertFeature, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error, HTTP_409=Error, HTTP_422=Error), tags=["alerts"])
def hide(alert_id: int, json: HideIn):
    """Hide from members with a reason (the area's contact representative, or an admin)."""
    session = get_session()
    access = get_alert_for(session, current_user, alert_id, need="hide")
    lifecycle.hide(session, access, current_user, reason=json.reason)
    return _feature(access)


@bp.post("/<int:alert_id>/photos")
@spec.validate(resp=Response(HTTP_201=PhotoOut, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error, HTTP_413=Error, HTTP_422=Error), tags=["alerts"])
def add_photo(alert_id: int):
    """Upload a photo (multipart field `photo`; optional `update_id`) to an alert you posted or an update you wrote."""
    session = get_session()
    access = get_alert_for(session, current_user, alert_id, need="update")
    upload = request.files.get("photo")
    if upload is None:
        raise ServiceError("photo_missing", _l("Choose a photo."), 422, field="photos")
    update_id = request.form.get("update_id", type=int)
    photo = service.add_photo(session, access, current_user, upload.read(), update_id=update_id)
    return PhotoOut(**present.photo_dict(photo)), 201, {"Location": present.photo_dict(photo)["url"]}
