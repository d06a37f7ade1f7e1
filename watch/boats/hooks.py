"""Receivers of the per-user data signals (GDPR delete and export) and of members leaving an area."""
from __future__ import annotations

from sqlmodel import select

from watch import events
from watch.boats.models import Boat
from watch.boats.service import drop_boat, engines_of


def on_user_deleting(user, session, **_):
    """Delete the user's boats with their engines and photos."""
    for boat in session.exec(select(Boat).where(Boat.owner_id == user.id)).all():
        drop_boat(session, boat)
    session.flush()


def on_membership_ending(membership, session, **_):
    """A member who leaves an area takes their boats along: the area may no longer see them."""
    for boat in session.exec(select(Boat).where(Boat.area_id == membership.area_id, Boat.owner_id == membership.user_id)).all():
        drop_boat(session, boat)


def on_user_export(user, session, data, **_):
    """Add the user's boats with their engines."""
    data["boats"] = [
        {"area_id": b.area_id, "name": b.name, "type": b.boat_type, "length_m": b.length_m, "hull_id": b.hull_id,
         "mooring": b.mooring, "has_photo": bool(b.photo),
         "engines": [{"make": e.make, "model": e.model, "power_hp": e.power_hp, "serial_number": e.serial_number,
                      "marking": e.marking} for e in engines_of(session, b.id)]}
        for b in session.exec(select(Boat).where(Boat.owner_id == user.id))
    ]


def connect() -> None:
    """Connect the receivers (weakly held functions at module level stay alive)."""
    events.user_deleting.connect(on_user_deleting)
    events.user_export.connect(on_user_export)
    events.membership_ending.connect(on_membership_ending)
