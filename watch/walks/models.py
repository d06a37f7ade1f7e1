"""Safety walks (trygghetsvandring): the walk, its invited organisations, observations and measures.

Places and situations only: participants are counted by group, never named.
"""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from watch.core.time import utcnow


# The walk's life, in order; a walk only moves one step forward.
STATUSES = ("planned", "invited", "walked", "protocol_draft", "protocol_published", "followup_held", "rewalk_planned")
STATUS_LABELS = {
    "planned": _l("Planned"), "invited": _l("Invitations sent"), "walked": _l("Walked"), "protocol_draft": _l("Protocol draft"),
    "protocol_published": _l("Protocol published"), "followup_held": _l("Follow-up held"),
    "rewalk_planned": _l("Re-walk planned"),
}
PUBLISHED = STATUSES[STATUSES.index("protocol_published"):]
LIGHT = {"daylight": _l("Daylight"), "dark": _l("Dark")}
# Participants counted by group: counts only, never names.
GROUPS = {"children": _l("Children"), "youth": _l("Youth"), "elderly": _l("Elderly"), "women": _l("Women"), "men": _l("Men")}
CATEGORIES = {
    "lighting_missing": _l("Lighting missing"), "lighting_broken": _l("Lighting broken"),
    "lighting_insufficient": _l("Lighting insufficient"), "vegetation": _l("Vegetation blocking sight"),
    "graffiti": _l("Graffiti"), "litter": _l("Litter"), "damage": _l("Damage"), "crossing": _l("Unsafe crossing"),
    "tunnel": _l("Tunnel"), "deserted": _l("Deserted"), "wayfinding": _l("Hard to find your way"),
    "safe_place": _l("Safe, pleasant place"),
}
POSITIVE = ("safe_place",)
RESPONSIBLE = {
    "municipal_unit": _l("Municipal unit"), "housing_company": _l("Housing company"), "private_owner": _l("Private owner"),
    "trafikverket": _l("Trafikverket"), "electricity_network": _l("Electricity network"),
}
DECISIONS = {"pending": _l("Not decided"), "accepted": _l("Accepted"), "declined": _l("Declined")}
MEASURE_STATUSES = {"open": _l("Open"), "scheduled": _l("Scheduled"), "done": _l("Done"), "not_feasible": _l("Not feasible")}
PRIORITIES = {1: _l("High"), 2: _l("Medium"), 3: _l("Low")}


class Walk(SQLModel, table=True):
    """One safety walk along a route in a municipality."""

    __tablename__ = "walks"

    id: int | None = Field(default=None, primary_key=True)
    municipality: str = Field(max_length=80, index=True)
    name: str = Field(max_length=120)  # the area, e.g. "Centrum – stationen"
    route: str = Field(sa_column=Column(Text, nullable=False))  # GeoJSON LineString
    starts_at: datetime = Field(index=True)
    duration_minutes: int = Field(default=90)
    meeting_point: str = Field(default="", max_length=200)
    light: str = Field(default="dark", max_length=10)
    organiser_id: int = Field(foreign_key="organisations.id", index=True)
    status: str = Field(default="planned", max_length=20)
    count_children: int = Field(default=0)
    count_youth: int = Field(default=0)
    count_elderly: int = Field(default=0)
    count_women: int = Field(default=0)
    count_men: int = Field(default=0)
    created_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    published_at: datetime | None = None
    ics_sequence: int = Field(default=0)  # RFC 5545 SEQUENCE: bumped when the time or place changes
    created_at: datetime = Field(default_factory=utcnow)


class WalkInvite(SQLModel, table=True):
    """An organisation invited to a walk."""

    __tablename__ = "walk_invites"

    walk_id: int = Field(foreign_key="walks.id", primary_key=True, ondelete="CASCADE")
    organisation_id: int = Field(foreign_key="organisations.id", primary_key=True, ondelete="CASCADE")
    sent_at: datetime | None = None


class WalkObservation(SQLModel, table=True):
    """What the walkers saw at one point: a category, a note, a suggested measure, maybe a photo."""

    __tablename__ = "walk_observations"
    __table_args__ = (UniqueConstraint("walk_id", "client_key", name="uq_walk_observation_client_key"),)

    id: int | None = Field(default=None, primary_key=True)
    walk_id: int = Field(foreign_key="walks.id", index=True, ondelete="CASCADE")
    lon: float
    lat: float
    category: str = Field(max_length=24)
    note: str = Field(default="", max_length=1000)
    suggestion: str = Field(default="", max_length=500)
    photo: str | None = Field(default=None, max_length=80)
    photo_approved: bool = Field(default=False)  # faces and plates checked by a coordinator
    author_id: int | None = Field(default=None, foreign_key="users.id", index=True, ondelete="SET NULL")
    est_report_id: int | None = Field(default=None, foreign_key="est_reports.id", ondelete="SET NULL")
    client_key: str | None = Field(default=None, max_length=64)  # the phone's key: a replay stores nothing new
    observed_at: datetime = Field(default_factory=utcnow)


class Measure(SQLModel, table=True):
    """What someone will do about one or more observations, followed until done or publicly declined."""

    __tablename__ = "walk_measures"

    id: int | None = Field(default=None, primary_key=True)
    walk_id: int = Field(foreign_key="walks.id", index=True, ondelete="CASCADE")
    title: str = Field(max_length=200)
    responsible_kind: str = Field(max_length=24)
    responsible_org_id: int | None = Field(default=None, foreign_key="organisations.id", ondelete="SET NULL")
    decision: str = Field(default="pending", max_length=10)
    decline_reason: str | None = Field(default=None, max_length=500)  # shown on the public protocol
    priority: int = Field(default=2)
    due_date: date
    status: str = Field(default="open", max_length=14)
    after_photo: str | None = Field(default=None, max_length=80)
    decided_at: datetime | None = None
    done_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class MeasureObservation(SQLModel, table=True):
    """A measure answers these observations."""

    __tablename__ = "walk_measure_observations"

    measure_id: int = Field(foreign_key="walk_measures.id", primary_key=True, ondelete="CASCADE")
    observation_id: int = Field(foreign_key="walk_observations.id", primary_key=True, ondelete="CASCADE")
