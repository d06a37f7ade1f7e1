"""The boat register: boats and their engines (tables keep their names from the areas domain)."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from watch.core.time import utcnow

# Field bounds, written once: the table, the API schemas, the forms and the service read these.
BOAT_NAME_MAX = 80
BOAT_TYPE_MAX = 60
HULL_ID_MAX = 40
MOORING_MAX = 120
LENGTH_M_MIN, LENGTH_M_MAX = 0.5, 100
ENGINE_MAKE_MAX = 60
ENGINE_MODEL_MAX = 60
SERIAL_NUMBER_MAX = 60
MARKING_MAX = 120
POWER_HP_MIN, POWER_HP_MAX = 0.5, 2000


class Boat(SQLModel, table=True):
    """A boat registered by a member of a boat-watch area."""

    __tablename__ = "boats"

    id: int | None = Field(default=None, primary_key=True)
    area_id: int = Field(foreign_key="areas.id", index=True, ondelete="CASCADE")
    owner_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=BOAT_NAME_MAX)
    boat_type: str = Field(default="", max_length=BOAT_TYPE_MAX)
    length_m: float | None = None
    hull_id: str = Field(default="", max_length=HULL_ID_MAX)  # HIN/CIN or registration number
    mooring: str = Field(default="", max_length=MOORING_MAX)
    photo: str | None = Field(default=None, max_length=80)  # file name under the instance folder
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class BoatEngine(SQLModel, table=True):
    """An engine (usually an outboard) of a registered boat."""

    __tablename__ = "boat_engines"

    id: int | None = Field(default=None, primary_key=True)
    boat_id: int = Field(foreign_key="boats.id", index=True, ondelete="CASCADE")
    make: str = Field(max_length=ENGINE_MAKE_MAX)
    model: str = Field(default="", max_length=ENGINE_MODEL_MAX)
    power_hp: float | None = None
    serial_number: str = Field(default="", max_length=SERIAL_NUMBER_MAX, index=True)
    marking: str = Field(default="", max_length=MARKING_MAX)  # ID or DNA marking
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
