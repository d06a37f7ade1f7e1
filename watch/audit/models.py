"""One row per view of someone's data by a police officer or an admin."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from watch.core.time import utcnow


class AccessRecord(SQLModel, table=True):
    """Who (actor, and in which role) looked at what (kind, object id, whose data), when."""

    __tablename__ = "access_record"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor_id: int | None = Field(default=None, index=True)  # None once the actor's account is deleted
    actor_name: str = Field(default="", max_length=120)
    actor_role: str = Field(max_length=16)  # police | admin | member (EVERY_READER kinds)
    kind: str = Field(max_length=32, index=True)
    object_id: int
    owner_id: int | None = Field(default=None, index=True)  # whose data it is, when one person's
