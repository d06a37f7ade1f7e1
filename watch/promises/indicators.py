"""The indicator registry: what the app already knows, it counts itself.

Each kind maps to a counting function over the promise's municipality and period
(local dates, Europe/Stockholm, both days included). No one types a number the app
already knows: an activity with a counted indicator takes progress notes, never amounts.
A `manual` indicator is the sum of its dated progress entries.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlmodel import Session, select

from watch.areas.models import Area, AreaMembership, AreaRole, AreaStatus
from watch.core.time import TZ
from watch.graffiti.models import GraffitiReport
from watch.nightwalks.report import walks_held as nightwalks_held
from watch.walks.models import STATUSES as WALK_STATUSES
from watch.walks.models import Measure, Walk

Counter = Callable[[Session, str, date, date], int]


@dataclass(frozen=True)
class Indicator:
    """A kind of indicator the app counts: its label and its counting function."""

    kind: str
    label: object  # lazy string
    count: Counter


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[local midnight of start, local midnight after end) as aware datetimes."""
    return datetime.combine(start, time(0), TZ), datetime.combine(end + timedelta(days=1), time(0), TZ)


def _scalar(session: Session, query) -> int:
    return int(session.exec(query).one() or 0)


def new_areas(session: Session, municipality: str, start: date, end: date) -> int:
    """Watch areas (grannsamverkan and båtsamverkan) approved in the period, still active or archived since."""
    lo, hi = bounds(start, end)
    return _scalar(session, select(func.count()).select_from(Area).where(
        Area.municipality == municipality, Area.status.in_([AreaStatus.active, AreaStatus.archived]),
        Area.decided_at >= lo, Area.decided_at < hi))


def trained_contacts(session: Session, municipality: str, start: date, end: date) -> int:
    """Contact representatives of the municipality's areas whose latest training falls in the period."""
    return _scalar(session, select(func.count(func.distinct(AreaMembership.user_id))).select_from(AreaMembership)
                   .join(Area, Area.id == AreaMembership.area_id)
                   .where(Area.municipality == municipality, AreaMembership.role == AreaRole.contact,
                          AreaMembership.trained_on >= start, AreaMembership.trained_on <= end))


WALKED = WALK_STATUSES[WALK_STATUSES.index("walked"):]


def walks_held(session: Session, municipality: str, start: date, end: date) -> int:
    """Safety walks (trygghetsvandringar) walked in the period."""
    lo, hi = bounds(start, end)
    return _scalar(session, select(func.count()).select_from(Walk).where(
        Walk.municipality == municipality, Walk.status.in_(WALKED), Walk.starts_at >= lo, Walk.starts_at < hi))


def measures_done(session: Session, municipality: str, start: date, end: date) -> int:
    """Measures from the municipality's safety walks marked done in the period."""
    lo, hi = bounds(start, end)
    return _scalar(session, select(func.count()).select_from(Measure).join(Walk, Walk.id == Measure.walk_id).where(
        Walk.municipality == municipality, Measure.status == "done", Measure.done_at >= lo, Measure.done_at < hi))


def graffiti_on_time(session: Session, municipality: str, start: date, end: date) -> int:
    """Graffiti reports cleaned in the period no later than their target time."""
    lo, hi = bounds(start, end)
    return _scalar(session, select(func.count()).select_from(GraffitiReport).where(
        GraffitiReport.municipality == municipality, GraffitiReport.cleaned_at.is_not(None),
        GraffitiReport.cleaned_at >= lo, GraffitiReport.cleaned_at < hi,
        GraffitiReport.cleaned_at <= GraffitiReport.due_at))


REGISTRY: dict[str, Indicator] = {i.kind: i for i in (
    Indicator("new_areas", _l("New approved watch areas"), new_areas),
    Indicator("trained_contacts", _l("Trained contact representatives"), trained_contacts),
    Indicator("walks_held", _l("Safety walks held"), walks_held),
    Indicator("measures_done", _l("Safety-walk measures done"), measures_done),
    Indicator("graffiti_on_time", _l("Graffiti cleaned within the target time"), graffiti_on_time),
    Indicator("nightwalks_held", _l("Night walks held"), nightwalks_held),
)}


def label(kind: str, manual_label: str = ""):
    """What the indicator counts, for people."""
    return REGISTRY[kind].label if kind in REGISTRY else manual_label


def counted(session: Session, kind: str, municipality: str, start: date, end: date) -> int:
    """The app's own count for a registered kind."""
    return REGISTRY[kind].count(session, municipality, start, end)
