"""Boat watch: members register boats and engines; photos lose their EXIF.

A boat is visible to its owner, the area's contact representatives, police
and admins, never to other members.
"""
from __future__ import annotations

import io
import math
import secrets
from pathlib import Path

from flask import current_app
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import delete
from sqlmodel import Session, select

from watch.areas.models import Area, AreaKind, AreaRole, AreaStatus
from watch.areas.service import allowed, get_area_for, membership_of
from watch.boats.models import (
    BOAT_NAME_MAX, BOAT_TYPE_MAX, ENGINE_MAKE_MAX, ENGINE_MODEL_MAX, HULL_ID_MAX, LENGTH_M_MAX, LENGTH_M_MIN, MARKING_MAX,
    MOORING_MAX, POWER_HP_MAX, POWER_HP_MIN, SERIAL_NUMBER_MAX, Boat, BoatEngine,
)
from watch.core.time import utcnow
from watch.core.errors import NotFound, ServiceError

BOAT_FIELDS = {"name": BOAT_NAME_MAX, "boat_type": BOAT_TYPE_MAX, "hull_id": HULL_ID_MAX, "mooring": MOORING_MAX}
ENGINE_FIELDS = {"make": ENGINE_MAKE_MAX, "model": ENGINE_MODEL_MAX, "serial_number": SERIAL_NUMBER_MAX, "marking": MARKING_MAX}
LABELS = {
    "name": _l("Name"), "boat_type": _l("Type"), "hull_id": _l("Hull or registration number"), "mooring": _l("Mooring place"),
    "make": _l("Make"), "model": _l("Model"), "serial_number": _l("Serial number"), "marking": _l("Marking"),
}


def photo_dir() -> Path:
    """Where boat photos live: inside the instance folder, never under static/."""
    path = Path(current_app.instance_path) / "boat_photos"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _clean(values: dict, limits: dict, required: tuple[str, ...]) -> dict:
    out = {}
    for key, limit in limits.items():
        if key not in values or values[key] is None:
            continue
        text = " ".join(str(values[key]).split())
        if len(text) > limit:
            raise ServiceError(f"{key}_too_long", _l("%(label)s can be at most %(n)d characters.", label=LABELS[key], n=limit), 422, field=key)
        out[key] = text
    for key in required:
        if not out.get(key):
            raise ServiceError(f"{key}_missing", _l("%(label)s must be filled in.", label=LABELS[key]), 422, field=key)
    return out


def _number(value, *, field: str, label, low: float, high: float) -> float | None:
    if value in (None, ""):
        return None
    try:
        # As people type it: "4,9" (Swedish decimal comma), "4.9", "1 200".
        number = float(str(value).strip().replace("\u00a0", "").replace(" ", "").replace(",", "."))
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or not low <= number <= high:
        raise ServiceError(f"{field}_invalid", _l("%(label)s must be a number between %(low)s and %(high)s.", label=label,
                                                low=format_decimal(low, format="#,##0.##"), high=format_decimal(high, format="#,##0.##")), 422, field=field)
    return round(number, 2)


def _boat_area(session: Session, user, area_id: int):
    area = get_area_for(session, user, area_id, need="view")
    if area.kind != AreaKind.batsamverkan:
        raise ServiceError("not_boat_watch", _l("Boats are registered in boat-watch areas only."), 409)
    return area


def can_see_boat(session: Session, user, boat: Boat) -> bool:
    """Owner, the area's contacts and police, and admins."""
    if getattr(user, "id", None) is None:
        return False
    if boat.owner_id == user.id:
        return True
    area = session.get(Area, boat.area_id)
    return area is not None and allowed(session, user, area, "boats")


def get_boat_for(session: Session, user, boat_id: int, *, edit: bool = False) -> Boat:
    """The boat if the user may see it (edit: only its owner or an admin); NotFound otherwise."""
    boat = session.get(Boat, boat_id) if isinstance(boat_id, int) else None
    if boat is None or not can_see_boat(session, user, boat):
        raise NotFound("boat_not_found", _l("That boat does not exist, or you cannot see it."))
    if edit and boat.owner_id != user.id and not user.is_admin:
        raise ServiceError("boat_forbidden", _l("Only the boat's owner can change it."), 403)
    return boat


def area_boats(session: Session, user, area_id: int) -> list[Boat]:
    """Boats in the area the user may see: all for contacts/police/admins, their own otherwise."""
    area = _boat_area(session, user, area_id)
    q = select(Boat).where(Boat.area_id == area.id).order_by(Boat.name, Boat.id)
    if not allowed(session, user, area, "boats"):
        q = q.where(Boat.owner_id == user.id)
    return list(session.exec(q))


def engines_of(session: Session, boat_id: int) -> list[BoatEngine]:
    """A boat's engines."""
    return list(session.exec(select(BoatEngine).where(BoatEngine.boat_id == boat_id).order_by(BoatEngine.id)))


def register_boat(session: Session, user, area_id: int, **fields) -> Boat:
    """A member registers a boat in an active boat-watch area. Commits."""
    area = _boat_area(session, user, area_id)
    m = membership_of(session, user, area.id)
    if m is None or m.role == AreaRole.police:
        raise ServiceError("not_a_member", _l("Join the area before you register a boat in it."), 403)
    if area.status != AreaStatus.active:
        raise ServiceError("area_not_active", _l("Boats can be registered only in an active area."), 409)
    values = _clean(fields, BOAT_FIELDS, ("name",))
    boat = Boat(area_id=area.id, owner_id=user.id, length_m=_number(fields.get("length_m"), field="length_m", label=_l("Length"), low=LENGTH_M_MIN, high=LENGTH_M_MAX), **values)
    session.add(boat)
    session.commit()
    return boat


def update_boat(session: Session, user, boat_id: int, **fields) -> Boat:
    """The owner changes a boat's details. Commits."""
    boat = get_boat_for(session, user, boat_id, edit=True)
    for key, value in _clean(fields, BOAT_FIELDS, ()).items():
        if key == "name" and not value:
            raise ServiceError("name_missing", _l("%(label)s must be filled in.", label=LABELS["name"]), 422, field="name")
        setattr(boat, key, value)
    if "length_m" in fields:
        boat.length_m = _number(fields["length_m"], field="length_m", label=_l("Length"), low=LENGTH_M_MIN, high=LENGTH_M_MAX)
    boat.updated_at = utcnow()
    session.add(boat)
    session.commit()
    return boat


def _remove_photo_file(name: str | None) -> None:
    if name:
        (photo_dir() / name).unlink(missing_ok=True)


def delete_boat(session: Session, user, boat_id: int) -> None:
    """The owner (or an admin) deletes a boat and its engines and photo. Commits."""
    boat = get_boat_for(session, user, boat_id, edit=True)
    drop_boat(session, boat)
    session.commit()


def drop_boat(session: Session, boat: Boat) -> None:
    """Delete a boat, its engines and its photo file (no commit)."""
    session.execute(delete(BoatEngine).where(BoatEngine.boat_id == boat.id))
    _remove_photo_file(boat.photo)
    session.delete(boat)


def add_engine(session: Session, user, boat_id: int, **fields) -> BoatEngine:
    """The owner adds an engine to a boat. Commits."""
    boat = get_boat_for(session, user, boat_id, edit=True)
    values = _clean(fields, ENGINE_FIELDS, ("make",))
    engine = BoatEngine(boat_id=boat.id, power_hp=_number(fields.get("power_hp"), field="power_hp", label=_l("Power (hp)"), low=POWER_HP_MIN, high=POWER_HP_MAX), **values)
    session.add(engine)
    session.commit()
    return engine


def delete_engine(session: Session, user, boat_id: int, engine_id: int) -> None:
    """The owner removes an engine. Commits."""
    boat = get_boat_for(session, user, boat_id, edit=True)
    engine = session.get(BoatEngine, engine_id)
    if engine is None or engine.boat_id != boat.id:
        raise NotFound("engine_not_found", _l("That engine does not exist."))
    session.delete(engine)
    session.commit()


def set_photo(session: Session, user, boat_id: int, data: bytes) -> Boat:
    """Store a boat photo re-encoded as JPEG (no EXIF, no GPS), at most AREA_PHOTO_MAX_SIDE px. Commits."""
    boat = get_boat_for(session, user, boat_id, edit=True)
    cfg = current_app.config
    if len(data) > cfg["AREA_PHOTO_MAX_BYTES"]:
        raise ServiceError("photo_too_large", _l("The photo is too large; the limit is %(n)d MB.", n=cfg["AREA_PHOTO_MAX_BYTES"] // (1024 * 1024)), 413, field="photo")
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > 50_000_000:
                raise ServiceError("photo_too_large", _l("The photo has too many pixels."), 413, field="photo")
            img = ImageOps.exif_transpose(img)  # keep the orientation the EXIF described, then drop EXIF
            img = img.convert("RGB")
            img.thumbnail((cfg["AREA_PHOTO_MAX_SIDE"], cfg["AREA_PHOTO_MAX_SIDE"]))
            out = io.BytesIO()
            img.save(out, "JPEG", quality=85, optimize=True)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError):
        raise ServiceError("photo_invalid", _l("The file is not a photo we can read (JPEG, PNG or WebP)."), 422, field="photo")
    name = f"{boat.id}-{secrets.token_hex(8)}.jpg"
    (photo_dir() / name).write_bytes(out.getvalue())
    old, boat.photo = boat.photo, name
    boat.updated_at = utcnow()
    session.add(boat)
    session.commit()
    _remove_photo_file(old)
    return boat


def remove_photo(session: Session, user, boat_id: int) -> Boat:
    """The owner (or an admin) removes the boat's photo. Commits."""
    boat = get_boat_for(session, user, boat_id, edit=True)
    if not boat.photo:
        raise NotFound("photo_not_found", _l("This boat has no photo."))
    old, boat.photo = boat.photo, None
    boat.updated_at = utcnow()
    session.add(boat)
    session.commit()
    _remove_photo_file(old)
    return boat


def photo_path(session: Session, user, boat_id: int) -> Path:
    """The photo file of a boat the user may see."""
    boat = get_boat_for(session, user, boat_id)
    if not boat.photo or not (photo_dir() / boat.photo).is_file():
        raise NotFound("photo_not_found", _l("This boat has no photo."))
    return photo_dir() / boat.photo
