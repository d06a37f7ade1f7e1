"""Boats in alerts: the theft alert names the stolen boat or engine; police see its identifiers.

Boats plug into alerts through `ALERT_EXTRA` (registered in the package's init_app):
alerts call `check_pick` before they store a theft alert and `record` in the same
transaction, so the form, the API and the worker follow one rule.
"""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from watch.alerts.extras import AlertExtra
from watch.areas.models import AreaKind
from watch.areas.service import get_area_for, membership_of
from watch.audit.service import record_access
from watch.boats.models import Boat, BoatEngine, BoatTheft
from watch.boats.service import can_see_boat, engines_of, get_boat_for
from watch.core.time import utcnow
from watch.core.errors import NotFound, ServiceError

THEFT_CATEGORY = "boat_theft"


def _int_or_refuse(value, field: str, code: str, message) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        raise ServiceError(code, message, 422, field=field)
    return number


def check_pick(session: Session, user, *, category: str, boat_id=None, engine_id=None) -> tuple[int | None, int | None]:
    """The (boat_id, engine_id) a theft alert names, or a refusal (422, nothing written).

    Only a boat theft names a boat; the boat must be one the user may see (their own,
    or as the area's contact, police or admin); an engine must belong to the boat.
    """
    no_boat = _l("No such boat.")
    boat_id = _int_or_refuse(boat_id, "boat_id", "boat_unknown", no_boat)
    engine_id = _int_or_refuse(engine_id, "engine_id", "engine_unknown", _l("No such engine."))
    if boat_id is None and engine_id is None:
        return None, None
    engine = session.get(BoatEngine, engine_id) if engine_id is not None else None
    if engine_id is not None and engine is None:
        raise ServiceError("engine_unknown", _l("No such engine."), 422, field="engine_id")
    if engine is not None:
        if boat_id is not None and boat_id != engine.boat_id:
            raise ServiceError("engine_not_on_boat", _l("That engine belongs to another boat."), 422, field="engine_id")
        boat_id = engine.boat_id
    boat = session.get(Boat, boat_id)
    if boat is None or not can_see_boat(session, user, boat):
        raise ServiceError("boat_unknown", no_boat, 422, field="boat_id")
    if str(getattr(category, "value", category)) != THEFT_CATEGORY:
        raise ServiceError("boat_only_for_theft", _l("A boat or engine is named only in a report of boat or engine theft."), 422, field="boat_id")
    return boat_id, engine_id


def record(session: Session, *, alert_id: int, boat_id: int | None, engine_id: int | None) -> BoatTheft | None:
    """Mark the named boat or engine as stolen by this alert (no commit; inside the alert's transaction)."""
    if boat_id is None:
        return None
    theft = BoatTheft(alert_id=alert_id, boat_id=boat_id, engine_id=engine_id)
    session.add(theft)
    return theft


def pickable(session: Session, user) -> list[tuple[Boat, list[BoatEngine]]]:
    """The user's own boats with their engines, for the picker on the alert form."""
    if getattr(user, "id", None) is None:
        return []
    boats = session.exec(select(Boat).where(Boat.owner_id == user.id).order_by(Boat.name, Boat.id)).all()
    return [(b, engines_of(session, b.id)) for b in boats]


def open_thefts(session: Session, boat_id: int) -> list[BoatTheft]:
    """The boat's thefts not yet recovered (of the boat itself or of one of its engines)."""
    return list(session.exec(select(BoatTheft).where(BoatTheft.boat_id == boat_id, BoatTheft.recovered_at.is_(None))
                             .order_by(BoatTheft.id)))


def mark_recovered(session: Session, user, boat_id: int, theft_id: int) -> BoatTheft:
    """The owner (or an admin) says the boat or engine is back. Commits."""
    boat = get_boat_for(session, user, boat_id, edit=True)
    theft = session.get(BoatTheft, theft_id) if isinstance(theft_id, int) else None
    if theft is None or theft.boat_id != boat.id:
        raise NotFound("theft_not_found", _l("That theft report does not exist."))
    if theft.recovered_at is None:
        theft.recovered_at = utcnow()
        session.add(theft)
        session.commit()
    return theft


def alert_card(session: Session, user, alert_id: int) -> dict | None:
    """The stolen boat's identifiers on its alert, for those who may see the boat; None for everyone else.

    A police or admin view goes to the access log (and commits).

    """
    theft = session.exec(select(BoatTheft).where(BoatTheft.alert_id == alert_id)).first()
    if theft is None:
        return None
    boat = session.get(Boat, theft.boat_id)
    if boat is None or not can_see_boat(session, user, boat):
        return None
    if boat.owner_id != user.id:
        record_access(session, actor=user, kind="boat", object_id=boat.id, owner_id=boat.owner_id)
    engines = engines_of(session, boat.id)
    stolen_engine = next((e for e in engines if e.id == theft.engine_id), None)
    return {"theft": theft, "boat": boat, "engine": stolen_engine,
            "engines": [stolen_engine] if stolen_engine is not None else engines}


def _check_alert(session: Session, user, category, fields: dict) -> dict:
    boat_id, engine_id = check_pick(session, user, category=category, boat_id=fields.get("boat_id"),
                                    engine_id=fields.get("engine_id"))
    return {**fields, "boat_id": boat_id, "engine_id": engine_id}


def _record_alert(session: Session, alert, fields: dict) -> None:
    record(session, alert_id=alert.id, boat_id=fields["boat_id"], engine_id=fields["engine_id"])


ALERT_EXTRA = AlertExtra(
    check=_check_alert,
    record=_record_alert,
    form=lambda session, user: {"boat_picks": pickable(session, user)},
    form_template="boats/_alert_picker.html",
    detail=lambda session, user, alert_id: {"boat_theft": alert_card(session, user, alert_id)},
    detail_template="boats/_alert_theft.html",
)


# --- the register search for someone who finds a boat or an engine -----------------------------------

_SEPARATORS = re.compile(r"[\s\-_.:/]+")


def normalise(text: str | None) -> str:
    """A serial number or marking compared without spaces, dashes, dots and case."""
    return _SEPARATORS.sub("", text or "").casefold()


def lookup(session: Session, user, area_id: int, query: str) -> dict:
    """Whether a serial, marking or hull number is in the area's register, and reported stolen.

    For members (and contacts, police) of a boat-watch area; an exact match only, and
    never who owns it.
    """
    area = get_area_for(session, user, area_id, need="view")
    if area.kind != AreaKind.batsamverkan:
        raise ServiceError("not_boat_watch", _l("Boats are registered in boat-watch areas only."), 409)
    if membership_of(session, user, area.id) is None and not user.is_admin:
        raise ServiceError("not_a_member", _l("Only the area's members can search its boat register."), 403)
    wanted = normalise(query)
    if len(wanted) < 4 or len(wanted) > 120:
        raise ServiceError("query_invalid", _l("Enter the whole serial number, marking or hull number (at least 4 characters)."), 422, field="q")
    hits: list[tuple[str, Boat, BoatEngine | None]] = []
    for boat in session.exec(select(Boat).where(Boat.area_id == area.id)):
        if wanted == normalise(boat.hull_id):
            hits.append(("boat", boat, None))
        for engine in engines_of(session, boat.id):
            if wanted in (normalise(engine.serial_number), normalise(engine.marking)):
                hits.append(("engine", boat, engine))
    stolen = False
    for _kind, boat, engine in hits:
        for theft in open_thefts(session, boat.id):
            if theft.engine_id is None or (engine is not None and theft.engine_id == engine.id):
                stolen = True
    kinds = sorted({k for k, _b, _e in hits})
    return {"query": query.strip(), "registered": bool(hits), "stolen": stolen, "kinds": kinds}
