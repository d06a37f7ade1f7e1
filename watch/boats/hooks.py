"""Receivers of the per-user data signals (GDPR delete and export) and of members leaving an area."""
from __future__ import annotations

from sqlmodel import select

from watch.core import events
from watch.boats.models import Boat
from watch.boats.rota.models import CheckIn, WatchAssignment, WatchLogEntry, WatchShift, WatchSwap
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


def on_user_export_watches(user, session, data, **_):
    """Add the user's night watches, swaps, check-ins and watch-log lines."""
    data["night_watches"] = [
        {"season_id": s.season_id, "night": s.night.isoformat(), "part": s.part, "auto": a.auto, "substitute": a.substitute_name}
        for a, s in session.exec(select(WatchAssignment, WatchShift).join(WatchShift, WatchShift.id == WatchAssignment.shift_id)
                                 .where(WatchAssignment.user_id == user.id))
    ]
    data["night_watch_swaps"] = [
        {"assignment_id": w.assignment_id, "status": w.status.value, "substitute": w.substitute_name, "created_at": w.created_at.isoformat()}
        for w in session.exec(select(WatchSwap).where((WatchSwap.from_user_id == user.id) | (WatchSwap.to_user_id == user.id)))
    ]
    data["night_watch_checkins"] = [
        {"shift_id": c.shift_id, "round": c.round_no, "at": c.at.isoformat(), "missed_reason": c.missed_reason}
        for c in session.exec(select(CheckIn).where(CheckIn.user_id == user.id))
    ]
    data["night_watch_log"] = [
        {"shift_id": e.shift_id, "kind": e.kind.value, "text": e.text, "registration": e.registration, "at": e.at.isoformat()}
        for e in session.exec(select(WatchLogEntry).where(WatchLogEntry.author_id == user.id))
    ]


def connect() -> None:
    """Connect the receivers (weakly held functions at module level stay alive)."""
    events.user_deleting.connect(on_user_deleting)
    events.user_export.connect(on_user_export)
    events.user_export.connect(on_user_export_watches)
    events.membership_ending.connect(on_membership_ending)
