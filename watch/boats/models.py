"""The boat register: boats and their engines (tables keep their names from the areas domain)."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from watch.core.time import utcnow


class Boat(SQLModel, table=True):
    """A boat registered by a member of a boat-watch area."""

    __tablename__ = "boats"

    id: int | None = Field(default=None, primary_key=True)
    area_id: int = Field(foreign_key="areas.id", index=True, ondelete="CASCADE")
    owner_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=80)
    boat_type: str = Field(default="", max_length=60)
    length_m: float | None = None
    hull_id: str = Field(default="", max_length=40)  # HIN/CIN or registration number
    mooring: str = Field(default="", max_length=120)
    photo: str | None = Field(default=None, max_length=80)  # file name under the instance folder
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class BoatEngine(SQLModel, table=True):
    """An engine (usually an outboard) of a registered boat."""

    __tablename__ = "boat_engines"

    id: int | None = Field(default=None, primary_key=True)
    boat_id: int = Field(foreign_key="boats.id", index=True, ondelete="CASCADE")
    make: str = Field(max_length=60)
    model: str = Field(default="", max_length=60)
    power_hp: float | None = None
    serial_number: str = Field(default="", max_length=60, index=True)
    marking: str = Field(default="", max_length=120)  # ID or DNA marking
    created_at: datetime = Field(default_factory=utcnow)


class BoatTheft(SQLModel, table=True):
    """A boat or one of its engines reported stolen through a theft alert; open until recovered."""

    __tablename__ = "boat_thefts"

    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = Field(foreign_key="alerts.id", unique=True, ondelete="CASCADE")
    boat_id: int = Field(foreign_key="boats.id", index=True, ondelete="CASCADE")
    engine_id: int | None = Field(default=None, foreign_key="boat_engines.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow)
    recovered_at: datetime | None = None
