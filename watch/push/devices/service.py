"""Devices (subscribe, list, remove), delivery receipts, and the accounts domain's data hooks."""
from __future__ import annotations

import hmac

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from watch.alerts.access import get_alert_for
from watch.areas.models import AreaRole
from watch.core.db import session_scope
from watch.core.errors import Forbidden, NotFound, ServiceError
from watch.core.time import utcnow
from watch.push.delivery.batches import purge
from watch.push.delivery.worker import state
from watch.push.models import (
    FAILED,
    GONE,
    JOB_OPEN,
    OPEN_STATUSES,
    POLICE_ROLES,
    SENT,
    Delivery,
    FanoutJob,
    PushEscalation,
    PushPreference,
    PushQuietHours,
    PushSubscription,
)
from watch.push.webpush.endpoints import InvalidSubscription, validate_subscription

LABEL_MAX = 80

# Stable codes from watch.push.webpush.endpoints, with a message for people.
INVALID_MESSAGES = {
    "shape": _l("The subscription must have an endpoint and keys."),
    "endpoint": _l("The push endpoint is not a valid address."),
    "endpoint_scheme": _l("The push endpoint must use https."),
    "endpoint_port": _l("The push endpoint must use the standard https port."),
    "endpoint_address": _l("The push endpoint must be a push service's host name, not an IP address."),
    "endpoint_host": _l("The push endpoint is not a known push service."),
    "endpoint_userinfo": _l("The push endpoint must not contain a user name or password."),
    "p256dh": _l("The subscription's encryption key is not valid."),
    "auth": _l("The subscription's authentication secret is not valid."),
}


def get_subscription_for(session: Session, user, subscription_id: int) -> PushSubscription:
    """The user's own device, or NotFound (other people's devices do not exist for them)."""
    sub = session.get(PushSubscription, subscription_id) if isinstance(subscription_id, int) else None
    if sub is None or user is None or sub.user_id != getattr(user, "id", None):
        raise NotFound("subscription_not_found", _l("No such device."))
    return sub


def clean_label(label) -> str:
    """A one-line device label of at most LABEL_MAX characters."""
    if label is None:
        return ""
    if not isinstance(label, str):
        raise ServiceError("label_invalid", _l("The device name must be text."), 422)
    label = " ".join("".join(ch for ch in label if ch.isprintable()).split())
    if len(label) > LABEL_MAX:
        raise ServiceError("label_too_long", _l("The device name may be at most %(n)s characters.", n=LABEL_MAX), 422)
    return label


def subscribe(session: Session, user, *, subscription, label=None) -> tuple[PushSubscription, bool]:
    """Store (or refresh) a browser's subscription for the user; returns (device, created). Commits."""
    cfg = current_app.config
    try:
        valid = validate_subscription(subscription, allowed_hosts=cfg["PUSH_ALLOWED_HOSTS"],
                                      allow_insecure_hosts=cfg.get("PUSH_ALLOW_INSECURE_HOSTS") or ())
    except InvalidSubscription as exc:
        message = INVALID_MESSAGES.get(exc.code, _l("The push subscription is not valid."))
        raise ServiceError(exc.code, message, 422, reason=exc.message) from None
    label = clean_label(label)
    now = utcnow()
    existing = session.execute(select(PushSubscription).where(PushSubscription.endpoint == valid.endpoint)).scalar_one_or_none()
    if existing is not None:
        if existing.user_id != user.id and (existing.p256dh, existing.auth) != (valid.p256dh, valid.auth):
            # Only the browser itself knows its keys: a bare endpoint URL must not take a device from its owner.
            raise ServiceError("endpoint_taken", _l("This device is registered to someone else. "
                                                    "Turn notifications off and on again in this browser."), 409)
        # The same browser again: new keys or a new owner (a shared computer), never a second row.
        existing.user_id, existing.p256dh, existing.auth, existing.host = user.id, valid.p256dh, valid.auth, valid.host
        existing.label = label or existing.label
        existing.updated_at = now
        session.commit()
        return existing, False
    count = session.execute(select(func.count()).select_from(PushSubscription)
                            .where(PushSubscription.user_id == user.id)).scalar_one()
    if count >= int(cfg["PUSH_MAX_DEVICES_PER_USER"]):
        raise ServiceError("too_many_devices", _l("You have too many devices. Remove one you no longer use first."), 409)
    sub = PushSubscription(user_id=user.id, endpoint=valid.endpoint, p256dh=valid.p256dh, auth=valid.auth,
                           host=valid.host, label=label, created_at=now, updated_at=now)
    session.add(sub)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()  # the same endpoint arrived twice at once: the other request stored it
        return subscribe(session, user, subscription=subscription, label=label)
    return sub, True


def _valid(subscription):
    cfg = current_app.config
    try:
        return validate_subscription(subscription, allowed_hosts=cfg["PUSH_ALLOWED_HOSTS"],
                                     allow_insecure_hosts=cfg.get("PUSH_ALLOW_INSECURE_HOSTS") or ())
    except InvalidSubscription as exc:
        message = INVALID_MESSAGES.get(exc.code, _l("The push subscription is not valid."))
        raise ServiceError(exc.code, message, 422, reason=exc.message) from None


def rotate(session: Session, *, old, new) -> PushSubscription:
    """A browser renewed its subscription (pushsubscriptionchange): move the device to the new one. Commits.

    No login: the service worker may run long after the session ended. The old
    subscription's endpoint and keys are the proof: only that browser and this
    server know its auth secret.
    """
    before, after = _valid(old), _valid(new)
    device = session.execute(select(PushSubscription).where(PushSubscription.endpoint == before.endpoint)).scalar_one_or_none()
    if device is None or not (hmac.compare_digest(device.auth, before.auth) and hmac.compare_digest(device.p256dh, before.p256dh)):
        raise NotFound("subscription_not_found", _l("This device is not registered for notifications."))
    if after.endpoint != device.endpoint:
        taken = session.execute(select(PushSubscription).where(PushSubscription.endpoint == after.endpoint)).scalar_one_or_none()
        if taken is not None and taken.user_id != device.user_id:
            raise ServiceError("subscription_taken", _l("This push subscription belongs to another account."), 409)
        if taken is not None:  # the page registered the new one already: keep one row
            session.delete(device)
            session.commit()
            return taken
    device.endpoint, device.p256dh, device.auth, device.host = after.endpoint, after.p256dh, after.auth, after.host
    device.updated_at = utcnow()
    session.commit()
    return device


def devices(session: Session, user) -> list[PushSubscription]:
    """The user's devices, newest first."""
    return list(session.execute(select(PushSubscription).where(PushSubscription.user_id == user.id)
                                .order_by(PushSubscription.created_at.desc(), PushSubscription.id.desc())).scalars())


def unsubscribe(session: Session, user, subscription_id: int) -> None:
    """Remove one of the user's devices. Commits."""
    session.delete(get_subscription_for(session, user, subscription_id))
    session.commit()


def public_key() -> str:
    """The VAPID public key (applicationServerKey) for browsers, base64url."""
    return state(current_app).vapid.public_key


# -- receipts ------------------------------------------------------------------------
def alert_receipt(session: Session, alert_id: int) -> dict:
    """How an alert's pushes went: devices_total, sent, pending, failed, police_notified_at, expanding, ..."""
    counts = dict(session.execute(select(Delivery.status, func.count()).where(Delivery.alert_id == alert_id)
                                  .group_by(Delivery.status)).all())
    police_at = session.execute(select(func.min(Delivery.sent_at)).where(
        Delivery.alert_id == alert_id, Delivery.role.in_(POLICE_ROLES), Delivery.status == SENT)).scalar_one()
    escalated_at = session.execute(select(func.min(PushEscalation.escalated_at))
                                   .where(PushEscalation.alert_id == alert_id)).scalar_one()
    job = session.execute(select(FanoutJob.status, FanoutJob.written).where(FanoutJob.alert_id == alert_id)).one_or_none()
    return {
        "devices_total": sum(counts.values()),
        "sent": counts.get(SENT, 0),
        "pending": sum(counts.get(s, 0) for s in OPEN_STATUSES),
        # A gone device (the browser unsubscribed) is not a failure: it is counted apart.
        "failed": counts.get(FAILED, 0),
        "gone": counts.get(GONE, 0),
        "police_notified_at": police_at,
        "escalated_at": escalated_at,
        # While the alert's FanoutJob is open the audience is still being written: the counts
        # above are a lower bound, and no pending delivery does not mean done.
        "expanding": job is not None and job.status == JOB_OPEN,
        "fanout_written": job.written if job is not None else 0,
    }


def receipt_by_role(session: Session, alert_id: int) -> dict[str, dict[str, int]]:
    """Device counts per recipient role and status (no names: who got what is not shown)."""
    out: dict[str, dict[str, int]] = {}
    for role, status, n in session.execute(
        select(Delivery.role, Delivery.status, func.count()).where(Delivery.alert_id == alert_id)
        .group_by(Delivery.role, Delivery.status)
    ):
        out.setdefault(role, {})[status] = n
    return out


def receipt_access(session: Session, user, alert_id: int, *, detailed: bool):
    """The alert if the user may see its receipt: the author, contacts, police, admins (detailed: not the author)."""
    access = get_alert_for(session, user, alert_id)
    staff = access.is_admin or access.has_role(AreaRole.contact, AreaRole.police)
    if not staff and (detailed or not access.is_author):
        raise Forbidden("receipt_forbidden", _l("Only the area's police contact, contact representatives and admins may see this."))
    return access


# -- data hooks ------------------------------------------------------------------------
def on_user_deleting(user, session, **_kw) -> None:
    """Forget the user's devices, deliveries, preferences and quiet hours."""
    for model in (Delivery, PushSubscription, PushPreference, PushQuietHours):
        session.execute(delete(model).where(model.user_id == user.id).execution_options(synchronize_session=False))


def on_user_export(user, session, data, **_kw) -> None:
    """Add the user's devices: label, when added, the push service's host (never the endpoint)."""
    data["push_devices"] = [
        {"label": d.label, "created_at": d.created_at.isoformat(), "push_service": d.host}
        for d in devices(session, user)
    ]
    data["push_preferences"] = [
        {"area_id": p.area_id, "level": p.level}
        for p in session.execute(select(PushPreference).where(PushPreference.user_id == user.id)).scalars()
    ]
    quiet = session.get(PushQuietHours, user.id)
    data["push_quiet_hours"] = (
        {"start": f"{quiet.start_minute // 60:02d}:{quiet.start_minute % 60:02d}",
         "end": f"{quiet.end_minute // 60:02d}:{quiet.end_minute % 60:02d}"} if quiet else None
    )


def purge_deliveries(app) -> int:
    """Periodic task: delete delivery records past PUSH_DELIVERY_RETENTION_DAYS (and of deleted alerts)."""
    with session_scope(app) as session:
        return purge(session, retention_days=float(app.config["PUSH_DELIVERY_RETENTION_DAYS"]))
