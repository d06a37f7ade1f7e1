"""A trygghetspunkt: a place, what it offers, who staffs it (an organisation and a role, never a person),
and its state: planned → activated (since when, opening hours, what is offered now) → deactivated."""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlmodel import Field, SQLModel

from watch.core.time import utcnow

OFFERS = {
    "information": _l("Information"), "heat": _l("Heat"), "water": _l("Drinking water"), "charging": _l("Charging of phones"),
    "first_aid": _l("First aid"), "defibrillator": _l("Defibrillator"), "call_112": _l("A way to call 112"), "rest": _l("Rest"),
    "food": _l("Food"), "toilet": _l("Toilet"),
}
BUILDING_TYPES = {
    "school": _l("School"), "library": _l("Library"), "sports_hall": _l("Sports hall"), "church": _l("Church or parish hall"),
    "fire_station": _l("Fire station"), "town_hall": _l("Municipal building"), "community_centre": _l("Community centre"),
    "other": _l("Other building"),
}
PLANNED, ACTIVATED, DEACTIVATED = "planned", "activated", "deactivated"
STATUSES = {PLANNED: _l("Planned (not open)"), ACTIVATED: _l("Open now"), DEACTIVATED: _l("Closed again")}
ACTIONS = {"created": _l("Created"), "updated": _l("Changed"), "activated": _l("Opened"), "deactivated": _l("Closed")}


def split_offers(value: str | None) -> list[str]:
    """The stored comma list as known offer codes, in the canonical order."""
    chosen = set((value or "").split(","))
    return [k for k in OFFERS if k in chosen]


class CrisisPointBase(SQLModel):
    """What the municipality describes; limits written once for the form, the service and the table."""

    name: str = Field(max_length=120)
    address: str = Field(default="", max_length=200)
    lon: float
    lat: float
    building_type: str = Field(max_length=20)
    offers: str = Field(default="", max_length=300)  # comma list of OFFERS keys
    accessibility: str = Field(default="", max_length=300)
    capacity: int | None = Field(default=None, ge=1, le=100000)
    backup_power: bool = Field(default=False)
    radio: bool = Field(default=False)
    organisation_id: int | None = Field(default=None, foreign_key="organisations.id", ondelete="SET NULL")
    staff_role: str = Field(default="", max_length=120)  # e.g. "Frivilliga resursgruppen (FRG)": a role, never a name
    last_checked: date | None = None


class CrisisPoint(CrisisPointBase, table=True):
    """One trygghetspunkt of one municipality."""

    __tablename__ = "crisis_points"

    id: int | None = Field(default=None, primary_key=True)
    municipality: str = Field(max_length=80, index=True)
    status: str = Field(default=PLANNED, max_length=12, index=True)
    activated_at: datetime | None = None
    opening_hours: str = Field(default="", max_length=120)
    offered_now: str = Field(default="", max_length=300)  # comma list of OFFERS keys while activated
    deactivated_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class CrisisPointEvent(SQLModel, table=True):
    """The change log of a point: who (an account, forgotten when deleted) created, changed, opened or closed it."""

    __tablename__ = "crisis_point_events"

    id: int | None = Field(default=None, primary_key=True)
    point_id: int = Field(foreign_key="crisis_points.id", index=True, ondelete="CASCADE")
    at: datetime = Field(default_factory=utcnow, index=True)
    action: str = Field(max_length=12)
    actor_id: int | None = Field(default=None, foreign_key="users.id", index=True, ondelete="SET NULL")
    detail: str = Field(default="", max_length=300)  # counts only, e.g. "e-mail 12, push 30"


class CrisisMailChoice(SQLModel, table=True):
    """A member chose to get an e-mail when a trygghetspunkt opens in the municipality of their areas."""

    __tablename__ = "crisis_mail_choices"

    user_id: int = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow)
