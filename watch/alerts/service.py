"""Posting an alert: checks, the areas it belongs to, rate limits, idempotency, photos, the event."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from watch.core import events
from watch.alerts import photos as photo_store
from watch.core.photos import prepare
from watch.alerts import extras
from watch.alerts import person as person_rule
from watch.alerts import validate
from watch.alerts.areas import active_areas, area_centre
from watch.areas.service import areas_containing, distance_to_area_m, user_area_roles
from watch.alerts.models import Alert, AlertArea, AlertPhoto, AlertUpdate, Category, IdempotencyKey
from watch.areas.models import AreaRole
from watch.core.time import utcnow
from watch.core.errors import Forbidden, ServiceError


def is_global_poster(user) -> bool:
    """Police and admins may post in any active area."""
    return bool(user.is_admin or user.is_police)


def postable_areas(session: Session, user) -> list:
    """The active areas the user may post in, by name."""
    if is_global_poster(user):
        return active_areas(session)
    return active_areas(session, set(user_area_roles(session, user)))


def may_post_information(session: Session, user) -> bool:
    """Police, admins and contact representatives may post information."""
    if is_global_poster(user):
        return True
    return AreaRole.contact in user_area_roles(session, user).values()


def resolve_areas(session: Session, user, *, lon: float, lat: float, area_id: int | None, category: Category) -> list[int]:
    """The ids of the areas an alert at this point belongs to, or a refusal."""
    roles = user_area_roles(session, user)
    if is_global_poster(user):
        allowed = None  # any active area
    elif category is Category.information:
        allowed = {a for a, r in roles.items() if r == AreaRole.contact}
        if not allowed:
            raise Forbidden("information_not_allowed", _l("Only police, contact representatives and admins may post information."))
    else:
        allowed = set(roles)
    chosen = {a.id for a in areas_containing(session, lon, lat) if allowed is None or a.id in allowed}
    if area_id is not None:
        found = active_areas(session, {area_id})
        if not found or (allowed is not None and area_id not in allowed):
            raise validate.invalid("area_not_allowed", _l("You cannot post in that area."), "area_id")
        limit = current_app.config["ALERTS_MAX_DISTANCE_M"]
        if distance_to_area_m(found[0], lon, lat) > limit:
            raise validate.invalid(
                "location_far_from_area",
                _l("The position is more than %(m)s m outside the area you chose.", m=limit), "location",
            )
        chosen.add(area_id)
    if not chosen:
        raise validate.invalid(
            "location_outside_areas",
            _l("The position is outside your areas. Choose the area the alert is about."), "area_id",
        )
    return sorted(chosen)


def check_rate(session: Session, user, area_ids: list[int]) -> None:
    """Refuse (429) past the per-user or per-area count in the window, counted in the database."""
    cfg = current_app.config
    since = utcnow() - timedelta(minutes=cfg["ALERTS_RATE_WINDOW_MINUTES"])
    if not is_global_poster(user):
        mine = session.exec(select(func.count()).select_from(Alert).where(Alert.author_id == user.id, Alert.created_at >= since)).one()
        if mine >= cfg["ALERTS_RATE_PER_USER"]:
            raise ServiceError("rate_limited", _l("You have sent many alerts in a short time. Wait a few minutes, and call 112 if a crime is ongoing."), 429)
    busiest = session.exec(
        select(func.count()).select_from(AlertArea).join(Alert, Alert.id == AlertArea.alert_id)
        .where(AlertArea.area_id.in_(area_ids), Alert.created_at >= since)
        .group_by(AlertArea.area_id).order_by(func.count().desc()).limit(1)
    ).first()
    if busiest is not None and busiest >= cfg["ALERTS_RATE_PER_AREA"]:
        raise ServiceError("rate_limited_area", _l("Many alerts have just been sent in this area. Wait a few minutes, and call 112 if a crime is ongoing."), 429)


def request_hash(body: dict) -> str:
    """A stable hash of a request body, to tell a retry from a different request."""
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":"), default=str).encode()).hexdigest()


def replay(session: Session, user, key: str, body_hash: str) -> Alert | None:
    """The alert an earlier request with this key created; 409 if the body differs."""
    row = session.exec(select(IdempotencyKey).where(IdempotencyKey.user_id == user.id, IdempotencyKey.key == key)).first()
    if row is None:
        return None
    if row.request_hash != body_hash:
        raise ServiceError("idempotency_key_reused", _l("This Idempotency-Key was already used for a different alert."), 409)
    return session.get(Alert, row.alert_id)


def post_alert(
    session: Session, user, *, category, text, lon, lat, observed_at: datetime | None = None,
    area_id: int | None = None, registration: str | None = None, boat_id=None, engine_id=None,
    photos: list[bytes] = (), idempotency_key: str | None = None, body_hash: str | None = None,
    person: dict | None = None,
) -> tuple[Alert, bool]:
    """Store an alert (and its photos) and announce it; returns (alert, created). Commits."""
    if idempotency_key:
        earlier = replay(session, user, idempotency_key, body_hash or "")
        if earlier is not None:
            return earlier, False
    category = validate.category(category)
    if category is Category.information and not may_post_information(session, user):
        raise Forbidden("information_not_allowed", _l("Only police, contact representatives and admins may post information."))
    text = validate.text(person_rule.check(category, text, person))
    observed_at = validate.observed(observed_at)
    area_id = validate.area_id(area_id)
    if area_id is not None and (lon in (None, "") or lat in (None, "")):
        # No position (a form without JavaScript, or any client): the chosen area's centre stands in.
        found = active_areas(session, {area_id})
        if found:
            lon, lat = area_centre(found[0])
    lon, lat = validate.coordinate(lon, lat)
    registration = validate.registration(registration)
    extra = extras.check(session, user, category, {"boat_id": boat_id, "engine_id": engine_id})
    area_ids = resolve_areas(session, user, lon=lon, lat=lat, area_id=area_id, category=category)
    check_rate(session, user, area_ids)
    limit = current_app.config["ALERTS_PHOTOS_PER_ALERT"]
    if len(photos) > limit:
        raise validate.invalid("photos_too_many", _l("At most %(n)s photos per alert.", n=limit), "photos")
    prepared = [prepare(raw) for raw in photos]

    alert = Alert(author_id=user.id, category=category, text=text, observed_at=observed_at, lon=lon, lat=lat,
                  registration=registration, boat_id=extra["boat_id"])
    written: list[str] = []
    try:
        session.add(alert)
        session.flush()
        session.add_all([AlertArea(alert_id=alert.id, area_id=a) for a in area_ids])
        extras.record(session, alert, extra)
        for p in prepared:
            photo_store.write(p)
            written.append(p.filename)
            session.add(AlertPhoto(alert_id=alert.id, author_id=user.id, filename=p.filename,
                                   width=p.width, height=p.height, size=len(p.data)))
        if idempotency_key:
            session.add(IdempotencyKey(user_id=user.id, key=idempotency_key, request_hash=body_hash or "", alert_id=alert.id))
        session.flush()
        events.alert_posted.send(alert, session=session, area_ids=list(area_ids))
        session.commit()
    except IntegrityError:
        session.rollback()
        photo_store.remove(written)
        if idempotency_key:  # a concurrent retry with the same key won the race
            earlier = replay(session, user, idempotency_key, body_hash or "")
            if earlier is not None:
                return earlier, False
        raise
    except BaseException:
        session.rollback()
        photo_store.remove(written)
        raise
    return alert, True


def add_photo(session: Session, access, user, raw: bytes, update_id: int | None = None) -> AlertPhoto:
    """Attach one more photo to an alert (its author or an update's author). Commits."""
    alert = access.alert
    if update_id is None and alert.author_id != user.id:
        raise Forbidden("photo_author_only", _l("Only the person who posted the alert may add photos to it."))
    if update_id is not None:
        update = session.get(AlertUpdate, update_id)
        if update is None or update.alert_id != alert.id or update.author_id != user.id:
            raise validate.invalid("update_unknown", _l("No such update."), "update_id")
    count = session.exec(select(func.count()).select_from(AlertPhoto).where(AlertPhoto.alert_id == alert.id, AlertPhoto.update_id.is_(None))).one()
    if update_id is None and count >= current_app.config["ALERTS_PHOTOS_PER_ALERT"]:
        n = current_app.config["ALERTS_PHOTOS_PER_ALERT"]
        raise validate.invalid("photos_too_many", _l("At most %(n)s photos per alert.", n=n), "photos")
    prepared = prepare(raw)
    photo = AlertPhoto(alert_id=alert.id, update_id=update_id, author_id=user.id, filename=prepared.filename,
                       width=prepared.width, height=prepared.height, size=len(prepared.data))
    photo_store.write(prepared)
    try:
        session.add(photo)
        session.commit()
    except BaseException:
        session.rollback()
        photo_store.remove([prepared.filename])
        raise
    return photo
