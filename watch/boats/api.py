"""Boats and engines in the JSON API (boat-watch areas)."""
from __future__ import annotations

from flask import Blueprint, current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from spectree import Response

from watch.audit.service import record_access
from watch.boats import service as boats
from watch.boats.models import Boat
from watch.boats.schemas import BoatIn, BoatList, BoatOut, BoatPatch, EngineIn, EngineOut
from watch.core.api import Empty, Error, require_login, spec, strict_json
from watch.core.db import get_session
from watch.core.errors import ServiceError

bp = Blueprint("boats_api", __name__, url_prefix="/api/v1/areas")
bp.before_request(require_login)
TAGS = ["boats"]


@bp.before_request
def json_bodies():
    """Bodies are strict JSON (as in the areas API), except the photo upload."""
    if request.endpoint == "boats_api.upload_boat_photo":
        return None
    return strict_json()


def boat_out(boat: Boat) -> BoatOut:
    """A boat with its engines; the photo URL checks access again when fetched."""
    engines = [EngineOut(id=e.id, boat_id=e.boat_id, make=e.make, model=e.model, power_hp=e.power_hp,
                         serial_number=e.serial_number, marking=e.marking)
               for e in boats.engines_of(get_session(), boat.id)]
    photo = url_for("boats.boat_photo", boat_id=boat.id, v=boat.updated_at.timestamp()) if boat.photo else None
    return BoatOut(id=boat.id, area_id=boat.area_id, owner_id=boat.owner_id, name=boat.name, boat_type=boat.boat_type,
                   length_m=boat.length_m, hull_id=boat.hull_id, mooring=boat.mooring, photo_url=photo, engines=engines)


@bp.get("/<int:area_id>/boats")
@spec.validate(resp=Response(HTTP_200=BoatList, HTTP_401=Error, HTTP_404=Error, HTTP_409=Error), tags=TAGS)
def list_boats(area_id: int):
    """Boats you may see: your own; all of them for contacts, police and admins."""
    session = get_session()
    items = [boat_out(b) for b in boats.area_boats(session, current_user, area_id)]
    record_access(session, actor=current_user, kind="boat_register", object_id=area_id)
    return BoatList(items=items)


@bp.post("/<int:area_id>/boats")
@spec.validate(json=BoatIn, resp=Response(HTTP_201=BoatOut, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error,
                                          HTTP_409=Error, HTTP_422=Error), tags=TAGS)
def register_boat(area_id: int, json: BoatIn):
    """Register your boat in a boat-watch area you belong to."""
    boat = boats.register_boat(get_session(), current_user, area_id, **json.model_dump())
    return boat_out(boat), 201, {"Location": url_for("boats_api.get_boat", boat_id=boat.id)}


@bp.get("/boats/<int:boat_id>")
@spec.validate(resp=Response(HTTP_200=BoatOut, HTTP_401=Error, HTTP_404=Error), tags=TAGS)
def get_boat(boat_id: int):
    """One boat (owner, the area's contacts and police, admins)."""
    session = get_session()
    boat = boats.get_boat_for(session, current_user, boat_id)
    record_access(session, actor=current_user, kind="boat", object_id=boat.id, owner_id=boat.owner_id)
    return boat_out(boat)


@bp.patch("/boats/<int:boat_id>")
@spec.validate(json=BoatPatch, resp=Response(HTTP_200=BoatOut, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error,
                                             HTTP_422=Error), tags=TAGS)
def update_boat(boat_id: int, json: BoatPatch):
    """Change your boat."""
    return boat_out(boats.update_boat(get_session(), current_user, boat_id, **json.model_dump(exclude_unset=True)))


@bp.delete("/boats/<int:boat_id>")
@spec.validate(resp=Response(HTTP_200=Empty, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error), tags=TAGS)
def delete_boat(boat_id: int):
    """Delete your boat with its engines and photo."""
    boats.delete_boat(get_session(), current_user, boat_id)
    return Empty()


@bp.post("/boats/<int:boat_id>/engines")
@spec.validate(json=EngineIn, resp=Response(HTTP_201=EngineOut, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error,
                                            HTTP_422=Error), tags=TAGS)
def add_engine(boat_id: int, json: EngineIn):
    """Add an engine to your boat."""
    e = boats.add_engine(get_session(), current_user, boat_id, **json.model_dump())
    out = EngineOut(id=e.id, boat_id=e.boat_id, make=e.make, model=e.model, power_hp=e.power_hp,
                    serial_number=e.serial_number, marking=e.marking)
    return out, 201, {"Location": url_for("boats_api.get_boat", boat_id=boat_id)}


@bp.delete("/boats/<int:boat_id>/engines/<int:engine_id>")
@spec.validate(resp=Response(HTTP_200=Empty, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error), tags=TAGS)
def delete_engine(boat_id: int, engine_id: int):
    """Remove an engine from your boat."""
    boats.delete_engine(get_session(), current_user, boat_id, engine_id)
    return Empty()


@bp.post("/boats/<int:boat_id>/photo")
@spec.validate(resp=Response(HTTP_200=BoatOut, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error, HTTP_413=Error,
                             HTTP_422=Error), tags=TAGS)
def upload_boat_photo(boat_id: int):
    """Upload your boat's photo (multipart/form-data, field `photo`): re-encoded as JPEG, EXIF and GPS removed."""
    upload = request.files.get("photo")
    if upload is None or not upload.filename:
        raise ServiceError("photo_missing", _l("Choose a photo to upload."), 422, field="photo")
    session = get_session()
    boats.get_boat_for(session, current_user, boat_id, edit=True)  # refuse before reading the file
    limit = current_app.config["AREA_PHOTO_MAX_BYTES"]
    return boat_out(boats.set_photo(session, current_user, boat_id, upload.read(limit + 1)))


@bp.delete("/boats/<int:boat_id>/photo")
@spec.validate(resp=Response(HTTP_200=BoatOut, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error), tags=TAGS)
def delete_boat_photo(boat_id: int):
    """Remove your boat's photo."""
    return boat_out(boats.remove_photo(get_session(), current_user, boat_id))
