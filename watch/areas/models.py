"""Watch areas and who belongs to them."""
from __future__ import annotations

from datetime import date, datetime
from enum import Enum

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from watch.db import utcnow


class AreaKind(str, Enum):
    """The two kinds of watch."""

    grannsamverkan = "grannsamverkan"  # neighbourhood watch: a residential area
    batsamverkan = "batsamverkan"  # boat watch: marina, harbour or shore


class AreaStatus(str, Enum):
    """pending -> active -> archived; pending -> rejected."""

    pending = "pending"
    active = "active"
    rejected = "rejected"
    archived = "archived"


class AreaRole(str, Enum):
    """A person's role in one area. A contact representative is also a member."""

    member = "member"
    contact = "contact"  # kontaktombud
    police = "police"  # the area's police contact


class Area(SQLModel, table=True):
    """A watch area: a GeoJSON (Multi)Polygon in WGS84 with its bounding box."""

    __tablename__ = "areas"

    id: int | None = Field(default=None, primary_key=True)
    kind: AreaKind = Field(index=True)
    name: str = Field(max_length=120)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    municipality: str = Field(max_length=80, index=True)
    # GeoJSON geometry as text; the bbox columns serve viewport queries.
    geometry: str = Field(sa_column=Column(Text, nullable=False))
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float
    status: AreaStatus = Field(default=AreaStatus.pending, index=True)
    created_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    decided_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    decided_at: datetime | None = None
    rejection_reason: str | None = Field(default=None, max_length=500)
    archived_at: datetime | None = None


class AreaMembership(SQLModel, table=True):
    """One person in one area, with their role there."""

    __tablename__ = "area_memberships"
    __table_args__ = (UniqueConstraint("area_id", "user_id", name="uq_membership_area_user"),)

    id: int | None = Field(default=None, primary_key=True)
    area_id: int = Field(foreign_key="areas.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    role: AreaRole = Field(default=AreaRole.member)
    is_main_contact: bool = Field(default=False)  # huvudkontaktombud
    # Contact representatives are trained by police and municipality yearly.
    trained_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow)
