"""Graffiti (klotter): reports with photos, the municipality's owner layer and routing rules.

A report is about a place and an object, never about who painted it.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from watch.core.time import utcnow

OBJECT_TYPES = {
    "facade": _l("Facade"), "fence": _l("Fence"), "tunnel": _l("Tunnel"), "sign": _l("Sign"),
    "cabinet": _l("Electrical cabinet"), "bus_shelter": _l("Bus shelter"), "playground": _l("Playground"), "jetty": _l("Jetty"),
}
OWNER_TYPES = {
    "municipal": _l("Municipal"), "municipal_housing": _l("Municipal housing"), "private": _l("Private"),
    "utility": _l("Utility"), "unknown": _l("Unknown"),
}
STATUSES = {
    "submitted": _l("Submitted"), "duplicate": _l("Duplicate"), "accepted": _l("Accepted"),
    "police_reported": _l("Reported to the police"), "scheduled": _l("Cleaning scheduled"), "cleaned": _l("Cleaned"),
    "closed": _l("Closed"), "not_ours": _l("Not ours"), "forwarded": _l("Forwarded to the owner"),
}
CLOSED = ("duplicate", "closed", "forwarded")
# Where a report may go next.
NEXT = {
    "submitted": ("accepted", "duplicate", "not_ours"), "accepted": ("police_reported", "scheduled", "cleaned", "not_ours"),
    "police_reported": ("scheduled", "cleaned"), "scheduled": ("cleaned",), "cleaned": ("closed",), "not_ours": ("forwarded",),
}
# Work orders leave by e-mail through the outbox, or are delivered by the worker to a webhook or another
# GeoReport v2 server (an e-mail copy goes too when the rule has an address).
CHANNELS = {"email": _l("E-mail"), "webhook": _l("Webhook (signed JSON)"), "open311": _l("Open311 GeoReport v2")}
DELIVERY_STATES = ("pending", "sent", "failed")


class OwnerZone(SQLModel, table=True):
    """A polygon of the owner layer the municipality draws: who owns what is painted here."""

    __tablename__ = "graffiti_owner_zones"

    id: int | None = Field(default=None, primary_key=True)
    municipality: str = Field(max_length=80, index=True)
    name: str = Field(max_length=120)
    owner_type: str = Field(max_length=20)
    organisation_id: int | None = Field(default=None, foreign_key="organisations.id", ondelete="SET NULL")
    geometry: str = Field(sa_column=Column(Text, nullable=False))  # GeoJSON Polygon or MultiPolygon
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float


class RoutingRule(SQLModel, table=True):
    """Object type × owner type (× optional district) → organisation and channel; the most specific rule wins."""

    __tablename__ = "graffiti_routing_rules"
    __table_args__ = (UniqueConstraint("municipality", "object_type", "owner_type", "district_id", name="uq_graffiti_rule"),)

    id: int | None = Field(default=None, primary_key=True)
    municipality: str = Field(max_length=80, index=True)
    object_type: str = Field(default="*", max_length=20)
    owner_type: str = Field(default="*", max_length=20)
    district_id: int | None = Field(default=None, foreign_key="est_districts.id", ondelete="CASCADE")
    organisation_id: int = Field(foreign_key="organisations.id", ondelete="CASCADE")
    channel: str = Field(default="email", max_length=10)
    address: str = Field(default="", max_length=300)  # the work order's e-mail address ("" only with another channel)
    endpoint: str | None = Field(default=None, max_length=300)  # webhook URL or the GeoReport v2 base URL
    secret: str | None = Field(default=None, max_length=128)  # webhook HMAC secret, or the Open311 api_key
    service_code: str | None = Field(default=None, max_length=60)  # the remote Open311 service


class GraffitiReport(SQLModel, table=True):
    """One graffiti report, routed twice: a work order to the owner and a police-report package."""

    __tablename__ = "graffiti_reports"
    __table_args__ = (UniqueConstraint("reporter_id", "client_key", name="uq_graffiti_client_key"),)

    id: int | None = Field(default=None, primary_key=True)
    municipality: str = Field(max_length=80, index=True)
    lon: float
    lat: float
    address: str = Field(default="", max_length=200)
    object_type: str = Field(max_length=20)
    owner_type: str = Field(max_length=20)
    offensive: bool = Field(default=False)
    area_m2: float
    observed_at: datetime = Field(index=True)
    description: str = Field(default="", max_length=1000)
    status: str = Field(default="submitted", max_length=16, index=True)
    status_note: str = Field(default="", max_length=500)
    reporter_id: int | None = Field(default=None, foreign_key="users.id", index=True, ondelete="SET NULL")
    client_key: str | None = Field(default=None, max_length=64)
    organisation_id: int | None = Field(default=None, foreign_key="organisations.id", ondelete="SET NULL")
    channel: str | None = Field(default=None, max_length=10)
    duplicate_of_id: int | None = Field(default=None, foreign_key="graffiti_reports.id", ondelete="SET NULL")
    police_case_number: str | None = Field(default=None, max_length=40)
    due_at: datetime = Field(index=True)
    escalated_at: datetime | None = None
    cleaned_at: datetime | None = None
    after_photo: str | None = Field(default=None, max_length=80)
    est_report_id: int | None = Field(default=None, foreign_key="est_reports.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class GraffitiPhoto(SQLModel, table=True):
    """A photo re-encoded without EXIF; the time it was taken is kept apart."""

    __tablename__ = "graffiti_photos"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="graffiti_reports.id", index=True, ondelete="CASCADE")
    filename: str = Field(max_length=80, unique=True)
    taken_at: datetime | None = None
    approved: bool = Field(default=False)  # public only after a coordinator checked faces and plates


class GraffitiDelivery(SQLModel, table=True):
    """A work order sent by the worker to a webhook or another Open311 server, retried with backoff."""

    __tablename__ = "graffiti_deliveries"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="graffiti_reports.id", index=True, ondelete="CASCADE")
    rule_id: int | None = Field(default=None, foreign_key="graffiti_routing_rules.id", ondelete="SET NULL")
    channel: str = Field(max_length=10)
    endpoint: str = Field(max_length=300)
    status: str = Field(default="pending", max_length=10, index=True)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(default_factory=utcnow, index=True)
    last_error: str = Field(default="", max_length=300)
    remote_id: str | None = Field(default=None, max_length=80)  # the other server's service_request_id
    remote_token: str | None = Field(default=None, max_length=80)
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None


class GraffitiUpdate(SQLModel, table=True):
    """A status update a case system posted (servicerequestupdates); update_id makes a replay harmless."""

    __tablename__ = "graffiti_updates"
    __table_args__ = (UniqueConstraint("report_id", "update_id", name="uq_graffiti_update"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="graffiti_reports.id", index=True, ondelete="CASCADE")
    update_id: str = Field(max_length=80)
    status: str = Field(max_length=30)  # as sent (FixMyStreet's codes or ours)
    description: str = Field(default="", max_length=500)
    by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)


class GraffitiSettings(SQLModel, table=True):
    """A municipality's choices: publish reports (by place, never by person); count targets in working days."""

    __tablename__ = "graffiti_settings"

    municipality: str = Field(primary_key=True, max_length=80)
    public: bool = Field(default=False)
    working_days: bool = Field(default=False)  # Monday to Friday except Swedish public holidays
