"""Pydantic models of the boats API (documented through spectree)."""
from __future__ import annotations

from pydantic import BaseModel, Field


class EngineIn(BaseModel):
    """An engine."""

    make: str = Field(min_length=1, max_length=60)
    model: str = Field(default="", max_length=60)
    power_hp: float | None = Field(default=None, ge=0.5, le=2000)
    serial_number: str = Field(default="", max_length=60)
    marking: str = Field(default="", max_length=120)


class EngineOut(EngineIn):
    """A stored engine."""

    id: int
    boat_id: int


class BoatIn(BaseModel):
    """A boat."""

    name: str = Field(min_length=1, max_length=80)
    boat_type: str = Field(default="", max_length=60)
    length_m: float | None = Field(default=None, ge=0.5, le=100)
    hull_id: str = Field(default="", max_length=40)
    mooring: str = Field(default="", max_length=120)


class BoatPatch(BaseModel):
    """Fields of a boat that can change."""

    name: str | None = Field(default=None, min_length=1, max_length=80)
    boat_type: str | None = Field(default=None, max_length=60)
    length_m: float | None = Field(default=None, ge=0.5, le=100)
    hull_id: str | None = Field(default=None, max_length=40)
    mooring: str | None = Field(default=None, max_length=120)


class BoatOut(BaseModel):
    """A stored boat with its engines."""

    id: int
    area_id: int
    owner_id: int
    name: str
    boat_type: str
    length_m: float | None
    hull_id: str
    mooring: str
    photo_url: str | None
    engines: list[EngineOut]


class BoatList(BaseModel):
    """Boats the user may see in an area."""

    items: list[BoatOut]
