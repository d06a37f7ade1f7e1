"""JSON API of walks: observations from the phone, so the service worker's offline queue can keep and resend them."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, request
from flask_login import current_user
from pydantic import BaseModel, Field
from spectree import Response

from watch.core.api import Error, require_login, spec
from watch.core.db import DbId, get_session
from watch.core.errors import ServiceError
from watch.walks import observations

bp = Blueprint("walks_api", __name__, url_prefix="/api/v1/walks")
bp.before_request(require_login)
TAG = "walks"


class ObservationBody(BaseModel):
    """One observation (photos go with the form post)."""

    walk_id: DbId
    lat: float | None = None
    lon: float | None = None
    category: str = Field(max_length=24)
    note: str = Field(default="", max_length=1000)
    suggestion: str = Field(default="", max_length=500)
    observed_at: datetime | None = None
    confirm_personal_data: bool = False
    client_key: str | None = Field(default=None, max_length=64)


class ObservationOut(BaseModel):
    """A stored observation."""

    id: int
    walk_id: int
    category: str
    lat: float
    lon: float
    est_report_id: int | None


@bp.post("/observations")
@spec.validate(json=ObservationBody, resp=Response(HTTP_201=ObservationOut, HTTP_401=Error, HTTP_404=Error, HTTP_409=Error,
                                                   HTTP_422=Error), tags=TAG)
def create_observation(json: ObservationBody):
    """Log an observation on a walk you take part in. The Idempotency-Key header (or client_key) makes a resend store nothing new."""
    key = json.client_key or request.headers.get("Idempotency-Key")
    if key and (len(key) > 64 or not key.isprintable()):
        raise ServiceError("idempotency_key_invalid", "Idempotency-Key: 1–64 printable characters", 422)
    obs = observations.observe(get_session(), user=current_user, walk_id=json.walk_id, data=observations.ObservationIn(
        lon=json.lon, lat=json.lat, category=json.category, note=json.note, suggestion=json.suggestion, client_key=key,
        observed_at=json.observed_at, confirm_personal_data=json.confirm_personal_data))
    return (ObservationOut(id=obs.id, walk_id=obs.walk_id, category=obs.category, lat=obs.lat, lon=obs.lon,
                           est_report_id=obs.est_report_id), 201, {"Location": f"/api/v1/walks/observations/{obs.id}"})
