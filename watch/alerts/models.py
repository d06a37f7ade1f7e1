"""Alerts, the areas they belong to, their updates thread, photos and idempotency keys."""
from __future__ import annotations

import math
from datetime import datetime
from enum import Enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from watch.core.time import utcnow


class Category(str, Enum):
    """What was seen. `information` is for police, contact representatives and admins."""

    suspicious_person = "suspicious_person"
    suspicious_vehicle = "suspicious_vehicle"
    burglary = "burglary"
    theft_from_vehicle = "theft_from_vehicle"
    bicycle_theft = "bicycle_theft"
    boat_theft = "boat_theft"
    marina_activity = "marina_activity"
    vandalism = "vandalism"
    graffiti = "graffiti"
    other = "other"
    information = "information"


CATEGORY_LABELS = {
    Category.suspicious_person: _l("Suspicious person"),
    Category.suspicious_vehicle: _l("Suspicious vehicle"),
    Category.burglary: _l("Burglary or attempted burglary"),
    Category.theft_from_vehicle: _l("Theft from a vehicle"),
    Category.bicycle_theft: _l("Bicycle theft"),
    Category.boat_theft: _l("Boat or engine theft"),
    Category.marina_activity: _l("Suspicious boat or activity at the marina"),
    Category.vandalism: _l("Vandalism"),
    Category.graffiti: _l("Graffiti"),
    Category.other: _l("Other"),
    Category.information: _l("Information"),
}


class Status(str, Enum):
    """open -> acknowledged -> closed; open alerts expire into closed (outcome expired)."""

    open = "open"
    acknowledged = "acknowledged"
    closed = "closed"


STATUS_LABELS = {
    Status.open: _l("Open"),
    Status.acknowledged: _l("Acknowledged"),
    Status.closed: _l("Closed"),
}


class Outcome(str, Enum):
    """How a closed alert ended."""

    handled = "handled"
    false_alarm = "false_alarm"
    no_action = "no_action"
    expired = "expired"  # set by expiry only, never chosen by a person


OUTCOME_LABELS = {
    Outcome.handled: _l("Handled"),
    Outcome.false_alarm: _l("False alarm"),
    Outcome.no_action: _l("No further action"),
    Outcome.expired: _l("Expired without action"),
}


# Viewport index granularity: bands of 0.01 degree latitude (about 1.1 km).
LAT_BANDS_PER_DEGREE = 100


def lat_band(lat: float) -> int:
    """The latitude band a point lies in: the leading key of the viewport index."""
    # floor() is monotonic, so min_lat <= lat <= max_lat implies the band lies in the bbox's band range.
    return math.floor(lat * LAT_BANDS_PER_DEGREE)


def _lat_band_default(context) -> int:
    return lat_band(context.get_current_parameters()["lat"])


class Alert(SQLModel, table=True):
    """One report of something seen at a point, at a time."""

    __tablename__ = "alerts"
    __table_args__ = (
        # Viewport queries: one index range per latitude band in the bbox (lat_band IN (...)
        # AND lon BETWEEN ...), so a query reads about the alerts inside the box rather than
        # every alert in a latitude strip across the whole region, as an index on (lat, lon) did.
        Index("ix_alerts_band_lon", "lat_band", "lon"),
        # Lists and keyset pagination, newest first.
        Index("ix_alerts_observed_id", "observed_at", "id"),
        # Expiry touches only open alerts.
        Index("ix_alerts_status_created", "status", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # NULL once the author's account is deleted: the alert stays for the area.
    author_id: int | None = Field(default=None, foreign_key="users.id", index=True, ondelete="SET NULL")
    category: Category = Field(max_length=32)
    text: str = Field(sa_column=Column(Text, nullable=False))
    observed_at: datetime
    created_at: datetime = Field(default_factory=utcnow, index=True)
    lon: float
    lat: float
    # Derived from lat on insert (ORM and Core alike); alerts never move once posted.
    lat_band: int | None = Field(default=None, nullable=False, sa_column_kwargs={"default": _lat_band_default})
    registration: str | None = Field(default=None, max_length=16)
    # Boats are another domain's table; a plain id, checked when posting.
    boat_id: int | None = Field(default=None)
    status: Status = Field(default=Status.open, max_length=16)
    acknowledged_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    acknowledged_at: datetime | None = None
    closed_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    closed_at: datetime | None = None
    outcome: Outcome | None = Field(default=None, max_length=16)
    hidden_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    hidden_at: datetime | None = None
    hidden_reason: str | None = Field(default=None, max_length=500)


class AlertArea(SQLModel, table=True):
    """An alert belongs to one or more areas."""

    __tablename__ = "alert_areas"
    __table_args__ = (Index("ix_alert_areas_area_alert", "area_id", "alert_id"),)

    alert_id: int = Field(foreign_key="alerts.id", primary_key=True, ondelete="CASCADE")
    area_id: int = Field(foreign_key="areas.id", primary_key=True, ondelete="CASCADE")


class AlertUpdate(SQLModel, table=True):
    """One message in an alert's thread."""

    __tablename__ = "alert_updates"

    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = Field(foreign_key="alerts.id", index=True, ondelete="CASCADE")
    author_id: int | None = Field(default=None, foreign_key="users.id", index=True, ondelete="SET NULL")
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class AlertPhoto(SQLModel, table=True):
    """A re-encoded photo (no EXIF) on disk, attached to an alert or one of its updates."""

    __tablename__ = "alert_photos"

    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = Field(foreign_key="alerts.id", index=True, ondelete="CASCADE")
    update_id: int | None = Field(default=None, foreign_key="alert_updates.id", ondelete="CASCADE")
    author_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    filename: str = Field(max_length=80, unique=True)
    content_type: str = Field(default="image/jpeg", max_length=32)
    width: int
    height: int
    size: int
    created_at: datetime = Field(default_factory=utcnow)


class IdempotencyKey(SQLModel, table=True):
    """A client's retry key: the same key and body answer with the same alert."""

    __tablename__ = "alert_idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_alert_idempotency_user_key"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    key: str = Field(max_length=100)
    request_hash: str = Field(max_length=64)
    alert_id: int = Field(foreign_key="alerts.id", ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow, index=True)
