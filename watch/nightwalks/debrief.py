"""After the walk: a debrief with counts only, and its events in the EST picture.

The free text (places, notes) gets EST's personal-data check: a personal
identity number is refused before anything is stored; a phone number or a name
with a school class must be confirmed away. Intoxication, fights and damage
become EST reports with source 'nattvandring' at the group's meeting point (one
per event, so the picture's counts add up). A young person alone or upset, first
aid and contacts with police or field workers concern persons: they stay in the
debrief as counts and reach the field workers through the follow-up flag.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from watch.core import pii
from watch.core.time import aware, utcnow
from watch.core.errors import ServiceError
from watch.est.reports import service as est
from watch.nightwalks.access import can_manage, get_shift_for
from watch.nightwalks.models import EVENTS, NightShift, NightWalkGroup, ShiftDebrief, ShiftSignup, YoungBand
from watch.nightwalks.service import MIN_PER_SUBGROUP, staffing

MAX_COUNT = 50
MAX_ADULTS = 50
# Event -> (EST category, subcategory): the events about places and situations.
EST_EVENTS = {"intoxication": ("ordningsstorning", None), "fight": ("ordningsstorning", "brak"), "damage": ("skadegorelse", None)}
EST_SKIP = est.NOT_COUNTED + ("outside_municipality", "in_future")


def _bad(code: str, message, field: str | None = None, status: int = 422, **details) -> ServiceError:
    return ServiceError(code, message, status, **({"field": field} if field else {}), **details)


@dataclass
class DebriefIn:
    """What the walkers report after the walk (the form fills this)."""

    adults: int | None = None
    hours: float | None = None
    young_people: str = YoungBand.none.value
    places_visited: int = 0
    places: str = ""
    notes: str = ""
    needs_followup: bool = False
    confirm_personal_data: bool = False
    events: dict[str, int] = field(default_factory=dict)


def check_free_text(text: str, *, field: str, confirmed: bool, max_len: int) -> str:
    """EST's personal-data check on a debrief's free text: a personnummer is refused, a phone or name-with-class confirmed."""
    text = (text or "").strip()
    if len(text) > max_len:
        raise _bad("too_long", _l("At most %(n)s characters.", n=max_len), field)
    found = pii.check(text)
    if found.personnummer:
        raise _bad("personnummer", _l("The text contains a personal identity number. A debrief records counts and places, "
                                      "never persons: remove it. Nothing was saved."), field)
    if found.warnings and not confirmed:
        message = " ".join(str(pii.MESSAGES[w]) for w in found.warnings) + " " + str(
            _l("A debrief never names a young person. Remove it, or confirm that it is not personal data."))
        raise _bad("personal_data_warning", message, field, warnings=found.warnings)
    return text


def _count(value, *, field: str, low: int = 0, high: int = MAX_COUNT) -> int:
    try:
        n = int(value if value not in (None, "") else 0)
    except (TypeError, ValueError):
        n = -1
    if not low <= n <= high:
        raise _bad(f"{field}_invalid", _l("Enter a number between %(a)d and %(b)d.", a=low, b=high), field)
    return n


def submit(session: Session, user, shift_id: int, data: DebriefIn, *, now: datetime | None = None) -> ShiftDebrief:
    """Store the debrief (once per shift, by a walker who checked in or a leader) and feed its events to EST.
    Every check runs before anything is written. Commits."""
    now = now or utcnow()
    shift, group = get_shift_for(session, user, shift_id, need="member")
    signup = session.exec(select(ShiftSignup).where(ShiftSignup.shift_id == shift.id, ShiftSignup.user_id == user.id)).first()
    if not can_manage(session, user, group) and (signup is None or signup.checked_in_at is None):
        raise _bad("not_checked_in", _l("Only a walker who checked in, or a leader, writes the debrief."), status=403)
    if shift.cancelled_at is not None:
        raise _bad("shift_cancelled", _l("The shift is cancelled."), status=409)
    if aware(shift.starts_at) > now:
        raise _bad("not_started", _l("The debrief is written after the walk."), status=409)
    if session.exec(select(ShiftDebrief.id).where(ShiftDebrief.shift_id == shift.id)).first() is not None:
        raise _bad("debrief_exists", _l("This walk already has a debrief."), status=409)
    if not any(g.ready for g in staffing(session, shift)):
        raise _bad("walk_not_started", _l("No subgroup could start: a subgroup walks only when at least %(n)d walkers, "
                                          "one of them trained, have checked in.", n=MIN_PER_SUBGROUP), status=409)
    adults = _count(data.adults, field="adults", low=MIN_PER_SUBGROUP, high=MAX_ADULTS)
    try:
        hours = float(str(data.hours).replace(",", ".")) if data.hours not in (None, "") else None
    except ValueError:
        hours = None
    if hours is None or not 0 < hours <= 12:
        raise _bad("hours_invalid", _l("Enter how many hours the walk lasted (at most 12)."), "hours")
    try:
        band = YoungBand(data.young_people or YoungBand.none.value)
    except ValueError:
        raise _bad("young_people_invalid", _l("Choose how many young people you met."), "young_people")
    counts = {name: _count((data.events or {}).get(name), field=name) for name in EVENTS}
    places_visited = _count(data.places_visited, field="places_visited")
    places = check_free_text(data.places, field="places", confirmed=data.confirm_personal_data, max_len=300)
    notes = check_free_text(data.notes, field="notes", confirmed=data.confirm_personal_data, max_len=2000)
    debrief = ShiftDebrief(shift_id=shift.id, written_by_id=user.id, adults=adults, hours=round(hours, 2), young_people=band,
                           places_visited=places_visited, places=places, notes=notes, needs_followup=bool(data.needs_followup),
                           **counts)
    try:
        session.add(debrief)
        session.flush()
        debrief.est_reports = _feed_est(session, user, group, shift, debrief, now)
        session.add(debrief)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return debrief


class _OnBehalf:
    """The walker, reporting to EST for the organisation the group belongs to."""

    is_authenticated, is_admin, is_police = True, True, False

    def __init__(self, user):
        self.id = user.id
        self.municipality = getattr(user, "municipality", None)


def _feed_est(session: Session, user, group: NightWalkGroup, shift: NightShift, debrief: ShiftDebrief, now: datetime) -> int:
    """One EST report per event about a place; needs the group's organisation and meeting point on the map."""
    if group.organisation_id is None or group.lon is None or group.lat is None:
        return 0
    fed = 0
    occurred = min(aware(shift.starts_at), now)
    for name, (category, sub) in EST_EVENTS.items():
        for i in range(getattr(debrief, name)):
            data = est.ReportIn(municipality=group.municipality, organisation_id=group.organisation_id, occurred_at=occurred,
                                category=category, subcategory=sub, lon=group.lon, lat=group.lat,
                                description=str(EVENTS[name]), source="nattvandring",
                                client_key=f"nightwalk-{debrief.id}-{name}-{i}", confirm_personal_data=True)
            try:
                est.submit(session, user=_OnBehalf(user), data=data, now=now)
            except ServiceError as exc:
                if exc.code in EST_SKIP:  # a closed or frozen week keeps the events out of the picture, not out of the debrief
                    return fed
                raise
            fed += 1
    return fed


def debrief_of(session: Session, shift_id: int) -> ShiftDebrief | None:
    """The shift's debrief, if written."""
    return session.exec(select(ShiftDebrief).where(ShiftDebrief.shift_id == shift_id)).first()
