"""Watch areas and who belongs to them."""
from __future__ import annotations

from datetime import date, datetime
from enum import Enum

from sqlalchemy import Column, Index, Text, UniqueConstraint, true
from sqlmodel import Field, SQLModel

from watch.core.time import utcnow


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
    # Added by the areas domain (issue 3).
    area_m2: float | None = None
    updated_at: datetime = Field(default_factory=utcnow, index=True)


class AreaMembership(SQLModel, table=True):
    """One person in one area, with their role there."""

    __tablename__ = "area_memberships"
    __table_args__ = (
        UniqueConstraint("area_id", "user_id", name="uq_membership_area_user"),
        # An area's police contacts or contact representatives without reading its members
        # (an alert's police deliveries are written inside the POST).
        Index("ix_area_memberships_area_role", "area_id", "role", "user_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    area_id: int = Field(foreign_key="areas.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    role: AreaRole = Field(default=AreaRole.member)
    is_main_contact: bool = Field(default=False)  # huvudkontaktombud
    # Contact representatives are trained by police and municipality yearly.
    trained_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow)
    trained_recorded_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")


class AreaIndexState(SQLModel, table=True):
    """One row: a counter bumped with every change to `areas`, so that other
    processes know their spatial index is stale without reloading it."""

    __tablename__ = "area_index_state"

    id: int = Field(default=1, primary_key=True)
    version: int = Field(default=0)


class AreaInvite(SQLModel, table=True):
    """An invite link; the signed token names this row, so it can be revoked."""

    __tablename__ = "area_invites"

    id: int | None = Field(default=None, primary_key=True)
    area_id: int = Field(foreign_key="areas.id", index=True, ondelete="CASCADE")
    created_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    nonce: str = Field(max_length=32, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None
    uses: int = Field(default=0)


class JoinRequestStatus(str, Enum):
    """pending -> approved | declined."""

    pending = "pending"
    approved = "approved"
    declined = "declined"


class AreaJoinRequest(SQLModel, table=True):
    """A person asking the contact representatives to let them join."""

    __tablename__ = "area_join_requests"

    id: int | None = Field(default=None, primary_key=True)
    area_id: int = Field(foreign_key="areas.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    message: str = Field(default="", max_length=500)
    status: JoinRequestStatus = Field(default=JoinRequestStatus.pending, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    decided_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    decided_at: datetime | None = None


class Household(SQLModel, table=True):
    """One household on a contact representative's roster (grannsamverkan).

    Households that opted out are listed by address only: no name, no phone.
    """

    __tablename__ = "area_households"

    id: int | None = Field(default=None, primary_key=True)
    area_id: int = Field(foreign_key="areas.id", index=True, ondelete="CASCADE")
    address: str = Field(max_length=120)
    participates: bool = Field(default=True)
    contact_name: str | None = Field(default=None, max_length=80)
    contact_phone: str | None = Field(default=None, max_length=32)
    # The contact representative keeping this household on her roster.
    keeper_id: int | None = Field(default=None, foreign_key="users.id", index=True, ondelete="SET NULL")
    entered_by_id: int | None = Field(default=None, foreign_key="users.id", index=True, ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class OutlineChangeStatus(str, Enum):
    """pending -> approved | rejected | withdrawn."""

    pending = "pending"
    approved = "approved"
    rejected = "rejected"
    withdrawn = "withdrawn"


class AreaOutlineChange(SQLModel, table=True):
    """A new outline and/or municipality proposed for an active area; the old ones hold until the police decide.

    At most one is pending per area: a newer proposal replaces (or adds to) the
    pending one. A move to another municipality is decided by that
    municipality's police (or an admin); `outline_changed` is false when only
    the municipality changes (the geometry is then a copy of the current one).
    """

    __tablename__ = "area_outline_changes"

    id: int | None = Field(default=None, primary_key=True)
    area_id: int = Field(foreign_key="areas.id", index=True, ondelete="CASCADE")
    geometry: str = Field(sa_column=Column(Text, nullable=False))
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float
    area_m2: float | None = None
    outline_changed: bool = Field(default=True, sa_column_kwargs={"server_default": true()})
    municipality: str | None = Field(default=None, max_length=80)
    status: OutlineChangeStatus = Field(default=OutlineChangeStatus.pending, index=True)
    proposed_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    proposed_at: datetime = Field(default_factory=utcnow)
    decided_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    decided_at: datetime | None = None
    reason: str | None = Field(default=None, max_length=500)
