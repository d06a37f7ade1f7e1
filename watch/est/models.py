"""EST tables: reports (places and situations, never persons), the municipality's settings,
named places and districts, frozen weekly pictures, meetings, decisions and actions."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from watch.core.time import utcnow

# Report states: submitted -> accepted | merged | rejected.
SUBMITTED, ACCEPTED, MERGED, REJECTED = "submitted", "accepted", "merged", "rejected"
COUNTED = (SUBMITTED, ACCEPTED)  # what the picture counts
ACTION_STATUSES = ("planned", "ongoing", "done", "evaluated")


class EstConfig(SQLModel, table=True):
    """One municipality's EST settings (a row is made with defaults when first needed)."""

    __tablename__ = "est_configs"

    municipality: str = Field(primary_key=True, max_length=80)
    cutoff_weekday: int = Field(default=1)  # 0 = Monday; the following week's Tuesday by default
    cutoff_minutes: int = Field(default=12 * 60)  # minutes after local midnight
    open_weeks: int = Field(default=2)  # how many past weeks still take reports (if not frozen)
    publish_public: bool = Field(default=False)  # an aggregated public weekly page
    categories: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # JSON; None: the default
    reminded_week: int | None = None  # week key of the last cut-off reminder sent


class EstPlace(SQLModel, table=True):
    """A named place the coordinator keeps (a square, a school yard, a garage)."""

    __tablename__ = "est_places"
    __table_args__ = (UniqueConstraint("municipality", "name", name="uq_est_place_name"),)

    id: int | None = Field(default=None, primary_key=True)
    municipality: str = Field(max_length=80, index=True)
    name: str = Field(max_length=120)
    lon: float
    lat: float
    active: bool = Field(default=True)


class EstDistrict(SQLModel, table=True):
    """A configurable district of the municipality (GeoJSON polygon); districts together are its outline."""

    __tablename__ = "est_districts"
    __table_args__ = (UniqueConstraint("municipality", "name", name="uq_est_district_name"),)

    id: int | None = Field(default=None, primary_key=True)
    municipality: str = Field(max_length=80, index=True)
    name: str = Field(max_length=120)
    geometry: str = Field(sa_column=Column(Text, nullable=False))
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float


class EstReport(SQLModel, table=True):
    """What a reporter saw in a public or semi-public place. No person fields, by design."""

    __tablename__ = "est_reports"
    __table_args__ = (
        Index("ix_est_reports_muni_week", "municipality", "week_key"),
        UniqueConstraint("reporter_id", "client_key", name="uq_est_report_client_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    municipality: str = Field(max_length=80)
    organisation_id: int = Field(foreign_key="organisations.id", index=True)
    reporter_id: int | None = Field(default=None, foreign_key="users.id", index=True, ondelete="SET NULL")
    occurred_at: datetime = Field(index=True)
    time_band: str = Field(max_length=8)
    week_key: int  # ISO year * 100 + ISO week, local time
    weekday: int  # 0 = Monday, local time
    hour: int  # 0..23, local time
    lon: float | None = None
    lat: float | None = None
    cell: str | None = Field(default=None, max_length=24)  # hot-spot grid cell
    place_id: int | None = Field(default=None, foreign_key="est_places.id", ondelete="SET NULL")
    setting: str = Field(default="outdoor", max_length=16)  # outdoor, stairwell, basement, garage, shop
    category: str = Field(max_length=40)
    subcategory: str | None = Field(default=None, max_length=40)
    people_band: str | None = Field(default=None, max_length=8)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    police_reported: bool = Field(default=False)
    police_ref: str | None = Field(default=None, max_length=40)
    source: str = Field(default="rapportor", max_length=20)
    status: str = Field(default=SUBMITTED, max_length=12)
    merged_into_id: int | None = Field(default=None, foreign_key="est_reports.id", ondelete="SET NULL")
    reject_reason: str | None = Field(default=None, max_length=500)
    reviewed_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    reviewed_at: datetime | None = None
    client_key: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class EstReportZone(SQLModel, table=True):
    """A report in a watch area ('a<id>') or district ('d<id>'), for counts by area."""

    __tablename__ = "est_report_zones"

    report_id: int = Field(foreign_key="est_reports.id", primary_key=True, ondelete="CASCADE")
    zone: str = Field(primary_key=True, max_length=16)


class EstPhoto(SQLModel, table=True):
    """A photo of a report, re-encoded without EXIF."""

    __tablename__ = "est_photos"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="est_reports.id", index=True, ondelete="CASCADE")
    filename: str = Field(max_length=80, unique=True)
    width: int
    height: int
    created_at: datetime = Field(default_factory=utcnow)


class EstSnapshot(SQLModel, table=True):
    """'Lägesbild v.NN': the frozen, immutable picture of one week; aggregates only."""

    __tablename__ = "est_snapshots"
    __table_args__ = (UniqueConstraint("municipality", "week_key", name="uq_est_snapshot_week"),)

    id: int | None = Field(default=None, primary_key=True)
    municipality: str = Field(max_length=80, index=True)
    week_key: int
    frozen_at: datetime = Field(default_factory=utcnow)
    frozen_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    data: str = Field(sa_column=Column(Text, nullable=False))  # JSON aggregates


class EstMeeting(SQLModel, table=True):
    """A weekly (or every-third-week) EST meeting."""

    __tablename__ = "est_meetings"

    id: int | None = Field(default=None, primary_key=True)
    municipality: str = Field(max_length=80, index=True)
    held_on: date
    week_key: int  # the picture it discussed
    agenda: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    attendance: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))  # JSON organisation ids
    created_at: datetime = Field(default_factory=utcnow)


class EstDecision(SQLModel, table=True):
    """A line of a meeting's decision log: a focus for the next period, per organisation."""

    __tablename__ = "est_decisions"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="est_meetings.id", index=True, ondelete="CASCADE")
    organisation_id: int | None = Field(default=None, foreign_key="organisations.id", ondelete="SET NULL")
    place_id: int | None = Field(default=None, foreign_key="est_places.id", ondelete="SET NULL")
    text: str = Field(max_length=500)


class EstAction(SQLModel, table=True):
    """An action (insats): an owner organisation, a place or hot-spot cell, a period, a status, its effect."""

    __tablename__ = "est_actions"

    id: int | None = Field(default=None, primary_key=True)
    municipality: str = Field(max_length=80, index=True)
    owner_organisation_id: int = Field(foreign_key="organisations.id", index=True)
    meeting_id: int | None = Field(default=None, foreign_key="est_meetings.id", ondelete="SET NULL")
    title: str = Field(max_length=200)
    place_id: int | None = Field(default=None, foreign_key="est_places.id", ondelete="SET NULL")
    cell: str | None = Field(default=None, max_length=24)
    starts_on: date
    ends_on: date
    status: str = Field(default="planned", max_length=12)
    effect_note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Field(default_factory=utcnow)
