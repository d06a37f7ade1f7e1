"""Pydantic models of the areas API (documented through spectree)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from watch.areas.models import AreaKind, AreaRole, AreaStatus, JoinRequestStatus, OutlineChangeStatus
from watch.core.db import DbId


class AreaQuery(BaseModel):
    """Filters for the area list."""

    bbox: str | None = Field(default=None, description="min_lon,min_lat,max_lon,max_lat", max_length=120)
    status: AreaStatus | None = None
    mine: bool = False


class AreaIn(BaseModel):
    """A new area: its outline is a GeoJSON Polygon or MultiPolygon (or a Feature holding one)."""

    kind: AreaKind
    name: str = Field(min_length=1, max_length=120)
    municipality: str = Field(min_length=1, max_length=80)
    description: str = Field(default="", max_length=4000)
    geometry: dict[str, Any]


class AreaPatch(BaseModel):
    """Fields of an area that can change."""

    name: str | None = Field(default=None, min_length=1, max_length=120)
    municipality: str | None = Field(default=None, min_length=1, max_length=80)
    description: str | None = Field(default=None, max_length=4000)
    geometry: dict[str, Any] | None = None


class RejectIn(BaseModel):
    """Why an area is refused."""

    reason: str = Field(min_length=1, max_length=500)


class TrainedIn(BaseModel):
    """A contact representative's training."""

    user_id: DbId
    trained_on: date | None = None


class RoleIn(BaseModel):
    """Change a member's role in the area."""

    role: Literal["member", "contact"]
    main: bool = False


class OutlineChangeOut(BaseModel):
    """A new outline and/or municipality proposed for an active area, and how the police decided."""

    id: int
    area_id: int
    area_name: str
    status: OutlineChangeStatus
    outline_changed: bool
    # The municipality the area would move to (decided by its police or an admin); null: it stays.
    municipality: str | None
    geometry: dict[str, Any]
    bbox: list[float]
    area_m2: float | None
    proposed_at: datetime
    decided_at: datetime | None
    reason: str | None


class OutlineChangeList(BaseModel):
    """New outlines waiting for the police."""

    items: list[OutlineChangeOut]


class AreaProperties(BaseModel):
    """What the API tells about an area besides its outline."""

    id: int
    kind: AreaKind
    name: str
    description: str
    municipality: str
    status: AreaStatus
    area_m2: float | None
    my_role: AreaRole | None
    created_at: datetime
    decided_at: datetime | None
    rejection_reason: str | None
    # Only in the answer for one area, and only for those who edit or approve it.
    outline_change: OutlineChangeOut | None = None


class AreaFeature(BaseModel):
    """An area as a GeoJSON Feature."""

    type: Literal["Feature"]
    id: int
    geometry: dict[str, Any]
    properties: AreaProperties
    bbox: list[float]


class AreaCollection(BaseModel):
    """Areas as a GeoJSON FeatureCollection."""

    type: Literal["FeatureCollection"]
    features: list[AreaFeature]


class MemberOut(BaseModel):
    """A person in an area."""

    user_id: int
    display_name: str
    role: AreaRole
    is_main_contact: bool
    trained_on: date | None
    training_valid: bool
    joined_at: datetime


class MemberList(BaseModel):
    """The area's people."""

    items: list[MemberOut]


class JoinIn(BaseModel):
    """A join request."""

    message: str = Field(default="", max_length=500)


class JoinRequestOut(BaseModel):
    """A join request."""

    id: int
    area_id: int
    user_id: int
    display_name: str | None = None
    message: str
    status: JoinRequestStatus
    created_at: datetime


class JoinRequestList(BaseModel):
    """Join requests waiting for an answer."""

    items: list[JoinRequestOut]


class DecisionIn(BaseModel):
    """Approve or decline."""

    approve: bool


class InviteIn(BaseModel):
    """A new invite link."""

    days: int | None = Field(default=None, ge=1, le=365)


class InviteOut(BaseModel):
    """An invite; `url` and `token` only in the answer that created it."""

    id: int
    area_id: int
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    uses: int
    token: str | None = None
    url: str | None = None


class InviteList(BaseModel):
    """The area's working invites."""

    items: list[InviteOut]


class AcceptIn(BaseModel):
    """An invite token to accept."""

    token: str = Field(min_length=1, max_length=400)


class MembershipOut(BaseModel):
    """The user's membership after joining."""

    area_id: int
    user_id: int
    role: AreaRole


class PoliceContactIn(BaseModel):
    """A police user of the area's municipality to add as police contact."""

    user_id: DbId


class PoliceContactOut(BaseModel):
    """A police contact of an area: the name only."""

    user_id: int
    display_name: str
    since: datetime


class PoliceContactList(BaseModel):
    """The area's police contacts."""

    items: list[PoliceContactOut]


class HouseholdIn(BaseModel):
    """A household on the roster; contact details are dropped if it does not take part."""

    address: str = Field(min_length=1, max_length=120)
    participates: bool = True
    contact_name: str | None = Field(default=None, max_length=80)
    contact_phone: str | None = Field(default=None, max_length=32)
    keeper_id: DbId | None = None


class HouseholdPatch(BaseModel):
    """Fields of a household that can change."""

    address: str | None = Field(default=None, min_length=1, max_length=120)
    participates: bool | None = None
    contact_name: str | None = Field(default=None, max_length=80)
    contact_phone: str | None = Field(default=None, max_length=32)


class HouseholdOut(BaseModel):
    """A household on the roster."""

    id: int
    area_id: int
    address: str
    participates: bool
    contact_name: str | None
    contact_phone: str | None
    keeper_id: int | None
    created_at: datetime
    updated_at: datetime


class HouseholdList(BaseModel):
    """The area's household roster."""

    items: list[HouseholdOut]


class NearQuery(BaseModel):
    """A position (WGS84); the radius is the setting AREA_NEARBY_M."""

    lon: float = Field(ge=-180, le=180, allow_inf_nan=False)
    lat: float = Field(ge=-90, le=90, allow_inf_nan=False)


class NearArea(BaseModel):
    """An active area near a position."""

    id: int
    kind: AreaKind
    name: str
    municipality: str
    distance_m: float
    my_role: AreaRole | None


class NearList(BaseModel):
    """Active areas within `radius_m` of the position, nearest first."""

    radius_m: float
    items: list[NearArea]
