"""Pydantic models of the boats API (documented through spectree)."""
from __future__ import annotations

from pydantic import BaseModel, Field

from watch.boats.models import (
    BOAT_NAME_MAX, BOAT_TYPE_MAX, ENGINE_MAKE_MAX, ENGINE_MODEL_MAX, HULL_ID_MAX, LENGTH_M_MAX, LENGTH_M_MIN, MARKING_MAX,
    MOORING_MAX, POWER_HP_MAX, POWER_HP_MIN, SERIAL_NUMBER_MAX,
)


class EngineIn(BaseModel):
    """An engine."""

    make: str = Field(min_length=1, max_length=ENGINE_MAKE_MAX)
    model: str = Field(default="", max_length=ENGINE_MODEL_MAX)
    power_hp: float | None = Field(default=None, ge=POWER_HP_MIN, le=POWER_HP_MAX)
    serial_number: str = Field(default="", max_length=SERIAL_NUMBER_MAX)
    marking: str = Field(default="", max_length=MARKING_MAX)


class EngineOut(EngineIn):
    """A stored engine."""

    id: int
    boat_id: int


class BoatIn(BaseModel):
    """A boat."""

    name: str = Field(min_length=1, max_length=BOAT_NAME_MAX)
    boat_type: str = Field(default="", max_length=BOAT_TYPE_MAX)
    length_m: float | None = Field(default=None, ge=LENGTH_M_MIN, le=LENGTH_M_MAX)
    hull_id: str = Field(default="", max_length=HULL_ID_MAX)
    mooring: str = Field(default="", max_length=MOORING_MAX)


class BoatPatch(BaseModel):
    """Fields of a boat that can change."""

    name: str | None = Field(default=None, min_length=1, max_length=BOAT_NAME_MAX)
    boat_type: str | None = Field(default=None, max_length=BOAT_TYPE_MAX)
    length_m: float | None = Field(default=None, ge=LENGTH_M_MIN, le=LENGTH_M_MAX)
    hull_id: str | None = Field(default=None, max_length=HULL_ID_MAX)
    mooring: str | None = Field(default=None, max_length=MOORING_MAX)


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
