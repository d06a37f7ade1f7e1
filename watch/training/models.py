"""Training sessions for contact representatives, registrations with a waiting list, calendar keys."""
from __future__ import annotations

from datetime import date, datetime
from enum import Enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from watch.core.time import utcnow


class SessionKind(str, Enum):
    """What a session is for."""

    kontaktombud = "kontaktombud"  # basics for contact representatives
    batsamverkan = "batsamverkan"
    nattvandring = "nattvandring"  # night-walk introduction
    startup = "startup"  # start-up meeting for a new area
    gathering = "gathering"  # the yearly gathering of all contact representatives


KIND_LABELS = {
    SessionKind.kontaktombud: _l("Contact representative basics"),
    SessionKind.batsamverkan: _l("Boat watch"),
    SessionKind.nattvandring: _l("Night-walk introduction"),
    SessionKind.startup: _l("Start-up meeting for a new area"),
    SessionKind.gathering: _l("Yearly gathering of contact representatives"),
}

# Attending one of these trains a contact representative (what area approval checks).
TRAINS_CONTACTS = frozenset({SessionKind.kontaktombud, SessionKind.batsamverkan, SessionKind.startup, SessionKind.gathering})


class RegistrationStatus(str, Enum):
    """registered | waiting (over capacity) -> registered; either -> cancelled."""

    registered = "registered"
    waiting = "waiting"
    cancelled = "cancelled"


class TrainingSessionBase(SQLModel):
    """The fields an organiser sets."""

    municipality: str = Field(min_length=1, max_length=80, index=True)
    kind: SessionKind = Field(index=True)
    title: str = Field(min_length=1, max_length=120)
    place: str = Field(min_length=1, max_length=200)
    starts_at: datetime = Field(index=True)
    ends_at: datetime
    capacity: int = Field(ge=1, le=1000)
    trainers: str = Field(default="", max_length=300)  # police and municipality, as shown to participants
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class TrainingSession(TrainingSessionBase, table=True):
    """One dated session; `sequence` counts changes, for calendar updates."""

    __tablename__ = "training_sessions"

    id: int | None = Field(default=None, primary_key=True)
    created_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    sequence: int = Field(default=0)
    cancelled_at: datetime | None = None


class TrainingTrainer(SQLModel, table=True):
    """A user who trains at a session and takes attendance on it."""

    __tablename__ = "training_trainers"
    __table_args__ = (UniqueConstraint("session_id", "user_id", name="uq_training_trainer"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="training_sessions.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")


class TrainingRegistration(SQLModel, table=True):
    """One person's place (or place in the queue) at one session, and whether they came."""

    __tablename__ = "training_registrations"
    __table_args__ = (UniqueConstraint("session_id", "user_id", name="uq_training_registration"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="training_sessions.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    status: RegistrationStatus = Field(default=RegistrationStatus.registered, index=True)
    created_at: datetime = Field(default_factory=utcnow)  # the queue order
    attended: bool | None = None
    attendance_recorded_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    attendance_recorded_at: datetime | None = None
    reminded_at: datetime | None = None


class CalendarKey(SQLModel, table=True):
    """The secret in a user's personal calendar URL; replacing it kills the old URL."""

    __tablename__ = "training_calendar_keys"

    user_id: int = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    key: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)


class ExpiryReminder(SQLModel, table=True):
    """One reminder per training date that is running out, so no one gets it twice."""

    __tablename__ = "training_expiry_reminders"
    __table_args__ = (UniqueConstraint("user_id", "trained_on", name="uq_training_expiry_reminder"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    trained_on: date
    sent_at: datetime = Field(default_factory=utcnow)
