"""An away notice, who may read it, and the helper requests on it."""
from __future__ import annotations

from datetime import date, datetime
from enum import Enum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from watch.core.time import utcnow


class AwayAudience(str, Enum):
    """Who may read the notice besides its owner. Never public, never in any EST feed."""

    neighbours = "neighbours"  # the neighbours the owner chose
    contacts = "contacts"  # the area's contact representatives
    area = "area"  # every member of the area (not its police contacts)


class AwayNoticeBase(SQLModel):
    """The fields a person writes; limits written once for form, API and table."""

    starts_on: date
    ends_on: date
    audience: AwayAudience = Field(default=AwayAudience.neighbours)
    phone: str = Field(default="", max_length=32)
    key_holder: str = Field(default="", max_length=120)
    expected_activity: str = Field(default="", max_length=500)


class AwayNotice(AwayNoticeBase, table=True):
    """One absence of one household or boat owner in one area."""

    __tablename__ = "away_notices"

    id: int | None = Field(default=None, primary_key=True)
    area_id: int = Field(foreign_key="areas.id", index=True, ondelete="CASCADE")
    owner_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    delete_after: date = Field(index=True)
    created_at: datetime = Field(default_factory=utcnow)


class AwayReader(SQLModel, table=True):
    """A neighbour chosen to read a notice (audience "neighbours")."""

    __tablename__ = "away_notice_readers"
    __table_args__ = (UniqueConstraint("notice_id", "user_id", name="uq_away_reader"),)

    id: int | None = Field(default=None, primary_key=True)
    notice_id: int = Field(foreign_key="away_notices.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")


class AwayRequest(SQLModel, table=True):
    """Something the owner asks for (empty the mailbox, check the mooring lines); a reader accepts it."""

    __tablename__ = "away_requests"

    id: int | None = Field(default=None, primary_key=True)
    notice_id: int = Field(foreign_key="away_notices.id", index=True, ondelete="CASCADE")
    text: str = Field(max_length=200)
    accepted_by_id: int | None = Field(default=None, foreign_key="users.id", index=True, ondelete="SET NULL")
    accepted_at: datetime | None = None
