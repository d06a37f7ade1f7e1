"""Push in the JSON API: the VAPID key, the user's devices, preferences, alert delivery receipts."""
from __future__ import annotations

from datetime import datetime, time
from typing import Any

from flask import Blueprint, url_for
from flask_login import current_user
from pydantic import BaseModel, Field
from spectree import Response

from watch.areas.service import user_area_ids
from watch.core.api import Error, require_login, spec
from watch.core.db import DbId, get_session
from watch.push.devices import preferences, service

bp = Blueprint("push_api", __name__, url_prefix="/api/v1")
bp.before_request(require_login)
# Called by the service worker, which may outlive the session: no login, no CSRF token;
# the request authorises itself with the old subscription's secret (service.rotate).
rotate_bp = Blueprint("push_rotate", __name__, url_prefix="/api/v1")


class PublicKey(BaseModel):
    """The VAPID public key: pass it to pushManager.subscribe() as applicationServerKey."""

    public_key: str


class SubscriptionIn(BaseModel):
    """A browser's PushSubscription (its toJSON()) and a name for the device."""

    subscription: dict[str, Any] = Field(description="PushSubscription.toJSON(): {endpoint, expirationTime, keys: {p256dh, auth}}")
    label: str | None = Field(default=None, description="e.g. 'Chrome on Android'")


class RotationIn(BaseModel):
    """pushsubscriptionchange: the old subscription (the proof) and the new one, both as toJSON()."""

    old: dict[str, Any] = Field(description="The previous PushSubscription.toJSON(), keys included")
    subscription: dict[str, Any] = Field(description="The new PushSubscription.toJSON()")


class DeviceOut(BaseModel):
    """One of the user's devices."""

    id: int
    label: str
    endpoint: str
    push_service: str
    created_at: datetime
    last_success_at: datetime | None


class DeviceList(BaseModel):
    """The user's devices, newest first."""

    items: list[DeviceOut]


class AreaPreference(BaseModel):
    """all, urgent (burglary-type alerts and police information) or none, for one area."""

    area_id: DbId
    level: str


class PreferencesIO(BaseModel):
    """Per-area levels and quiet hours (local time, HH:MM; both or neither)."""

    areas: list[AreaPreference]
    quiet_start: time | None = None
    quiet_end: time | None = None


class Receipt(BaseModel):
    """How an alert's pushes went, counted per device."""

    alert_id: int
    devices_total: int
    sent: int
    pending: int
    failed: int
    gone: int
    police_notified_at: datetime | None
    escalated_at: datetime | None
    expanding: bool = Field(description="The alert's audience is still being written by a worker (a big alert's fan-out "
                                        "job is open): the counts are a lower bound and may grow")
    fanout_written: int = Field(description="Deliveries the fan-out job has written so far, beyond the police contacts' "
                                            "written with the alert (0 when the whole audience was written with it)")
    by_role: dict[str, dict[str, int]]


def _device(sub) -> DeviceOut:
    return DeviceOut(id=sub.id, label=sub.label, endpoint=sub.endpoint, push_service=sub.host,
                     created_at=sub.created_at, last_success_at=sub.last_success_at)


@bp.get("/push/key")
@spec.validate(resp=Response(HTTP_200=PublicKey, HTTP_401=Error), tags=["push"])
def key():
    """The VAPID public key for subscribing."""
    return PublicKey(public_key=service.public_key())


@bp.post("/push/subscriptions")
@spec.validate(json=SubscriptionIn, resp=Response(HTTP_200=DeviceOut, HTTP_201=DeviceOut, HTTP_401=Error, HTTP_409=Error, HTTP_422=Error), tags=["push"])
def subscribe(json: SubscriptionIn):
    """Register this browser for pushes (the same endpoint again updates it: 200)."""
    sub, created = service.subscribe(get_session(), current_user, subscription=json.subscription, label=json.label)
    location = url_for("push_api.device", subscription_id=sub.id)
    return _device(sub), 201 if created else 200, {"Location": location}


@rotate_bp.post("/push/subscriptions/rotate")
@spec.validate(json=RotationIn, resp=Response("HTTP_204", HTTP_404=Error, HTTP_409=Error, HTTP_422=Error), tags=["push"])
def rotate(json: RotationIn):
    """The browser renewed its push subscription: move this device to the new one (proof: the old keys)."""
    service.rotate(get_session(), old=json.old, new=json.subscription)
    return "", 204


rotate.csrf_free = True  # watch.core.security: authorised by the proof in the body, never by a cookie


@bp.get("/push/subscriptions")
@spec.validate(resp=Response(HTTP_200=DeviceList, HTTP_401=Error), tags=["push"])
def devices():
    """The user's devices."""
    return DeviceList(items=[_device(s) for s in service.devices(get_session(), current_user)])


@bp.get("/push/subscriptions/<int:subscription_id>")
@spec.validate(resp=Response(HTTP_200=DeviceOut, HTTP_401=Error, HTTP_404=Error), tags=["push"])
def device(subscription_id: int):
    """One of the user's devices."""
    return _device(service.get_subscription_for(get_session(), current_user, subscription_id))


@bp.delete("/push/subscriptions/<int:subscription_id>")
@spec.validate(resp=Response("HTTP_204", HTTP_401=Error, HTTP_404=Error), tags=["push"])
def remove(subscription_id: int):
    """Stop pushes to one of the user's devices."""
    service.unsubscribe(get_session(), current_user, subscription_id)
    return "", 204


def _preferences() -> PreferencesIO:

    session = get_session()
    levels = preferences.levels_for(session, current_user)
    quiet = preferences.quiet_hours_for(session, current_user)
    return PreferencesIO(
        areas=[AreaPreference(area_id=a, level=levels.get(a, "all")) for a in sorted(user_area_ids(session, current_user))],
        quiet_start=quiet[0] if quiet else None, quiet_end=quiet[1] if quiet else None,
    )


@bp.get("/push/preferences")
@spec.validate(resp=Response(HTTP_200=PreferencesIO, HTTP_401=Error), tags=["push"])
def get_preferences():
    """Which alerts the user wants per area, and quiet hours."""
    return _preferences()


@bp.put("/push/preferences")
@spec.validate(json=PreferencesIO, resp=Response(HTTP_200=PreferencesIO, HTTP_401=Error, HTTP_422=Error), tags=["push"])
def put_preferences(json: PreferencesIO):
    """Set levels for some areas and the quiet hours (police contacts always get their areas' alerts)."""
    session = get_session()
    preferences.save(session, current_user, levels={p.area_id: p.level for p in json.areas},
                     area_ids=user_area_ids(session, current_user), quiet_start=json.quiet_start, quiet_end=json.quiet_end)
    return _preferences()


@bp.get("/alerts/<int:alert_id>/deliveries")
@spec.validate(resp=Response(HTTP_200=Receipt, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error), tags=["push"])
def deliveries(alert_id: int):
    """Push receipts for an alert, counted per device (the areas' police and contact representatives, admins)."""
    session = get_session()
    service.receipt_access(session, current_user, alert_id, detailed=True)
    return Receipt(alert_id=alert_id, **service.alert_receipt(session, alert_id),
                   by_role=service.receipt_by_role(session, alert_id))
