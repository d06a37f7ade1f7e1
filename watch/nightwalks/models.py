"""Night walks (nattvandring): groups, walkers, shifts with sign-ups and check-in, debriefs with counts only.

No young person is ever recorded: a debrief holds counts and bands, and its
free text is checked for personal identity numbers before anything is stored.
A walker is stored with a birth year (never a personnummer or a full date of
birth), checked against NIGHTWALKS_MIN_AGE.
"""
from __future__ import annotations

from datetime import datetime
from enum import Enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from watch.core.time import utcnow


class NightWalkGroupBase(SQLModel):
    """What a group is: who runs it (affiliation), where it walks, where it meets."""

    municipality: str = Field(min_length=1, max_length=80, index=True)
    name: str = Field(min_length=1, max_length=120)
    affiliation: str = Field(default="", max_length=120)  # e.g. a parents' association, a church, a sports club
    organisation_id: int | None = Field(default=None, foreign_key="organisations.id", ondelete="SET NULL")
    areas: str = Field(default="", max_length=300)  # the neighbourhoods it walks, as people name them
    meeting_point: str = Field(min_length=1, max_length=200)
    lon: float | None = None  # the meeting point on the map: where the group's events land in EST
    lat: float | None = None


class NightWalkGroup(NightWalkGroupBase, table=True):
    """A night-walk group of a municipality."""

    __tablename__ = "nightwalk_groups"

    id: int | None = Field(default=None, primary_key=True)
    created_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)


class NightWalker(SQLModel, table=True):
    """An adult in a group: birth year (checked against the minimum age), trained yes/no, leader yes/no."""

    __tablename__ = "nightwalk_walkers"
    __table_args__ = (UniqueConstraint("group_id", "user_id", name="uq_nightwalk_walker"),)

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="nightwalk_groups.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    birth_year: int
    trained: bool = False
    leader: bool = False
    joined_at: datetime = Field(default_factory=utcnow)


class NightShiftBase(SQLModel):
    """When and where a shift walks, and in how many subgroups."""

    starts_at: datetime = Field(index=True)
    ends_at: datetime
    meeting_point: str = Field(min_length=1, max_length=200)
    area: str = Field(default="", max_length=200)
    subgroups: int = Field(default=1, ge=1, le=5)
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class NightShift(NightShiftBase, table=True):
    """One dated shift of a group; `sequence` counts changes, for calendar updates."""

    __tablename__ = "nightwalk_shifts"

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="nightwalk_groups.id", index=True, ondelete="CASCADE")
    created_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    sequence: int = Field(default=0)
    cancelled_at: datetime | None = None
    understaffed_warned_at: datetime | None = None  # claimed once per shift by the warning task


class ShiftSignup(SQLModel, table=True):
    """A walker's place on a shift (in a subgroup), and their check-in at the meeting point."""

    __tablename__ = "nightwalk_signups"
    __table_args__ = (UniqueConstraint("shift_id", "user_id", name="uq_nightwalk_signup"),)

    id: int | None = Field(default=None, primary_key=True)
    shift_id: int = Field(foreign_key="nightwalk_shifts.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    subgroup: int = Field(default=1, ge=1, le=5)
    signed_up_at: datetime = Field(default_factory=utcnow)
    cancelled_at: datetime | None = None
    checked_in_at: datetime | None = None


class YoungBand(str, Enum):
    """How many young people the walkers met, as a band (never a list)."""

    none = "0"
    few = "1-10"
    some = "11-30"
    many = "31-100"
    more = "100+"


YOUNG_LABELS = {
    YoungBand.none: _l("None"), YoungBand.few: _l("1–10"), YoungBand.some: _l("11–30"),
    YoungBand.many: _l("31–100"), YoungBand.more: _l("More than 100"),
}

# Event counts on a debrief: field -> label. Some feed the EST picture (see debrief.EST_EVENTS).
EVENTS = {
    "intoxication": _l("Intoxication"),
    "fight": _l("Fight"),
    "damage": _l("Damage"),
    "young_alone": _l("A young person alone or upset"),
    "first_aid": _l("First aid"),
    "police_contact": _l("Contact with the police"),
    "fieldworker_contact": _l("Contact with field workers"),
}


class ShiftDebrief(SQLModel, table=True):
    """After the walk: counts only, one per shift. No young person's name, ever."""

    __tablename__ = "nightwalk_debriefs"

    id: int | None = Field(default=None, primary_key=True)
    shift_id: int = Field(foreign_key="nightwalk_shifts.id", unique=True, ondelete="CASCADE")
    written_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    adults: int
    hours: float  # how long the walk lasted; volunteer hours = adults x hours
    young_people: YoungBand = YoungBand.none
    places_visited: int = 0
    places: str = Field(default="", max_length=300)  # e.g. "Centrum, skolgården" (places, never persons)
    intoxication: int = 0
    fight: int = 0
    damage: int = 0
    young_alone: int = 0
    first_aid: int = 0
    police_contact: int = 0
    fieldworker_contact: int = 0
    needs_followup: bool = False  # the field workers should follow up (no person named)
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    est_reports: int = 0  # how many EST reports the events became
