"""Night-watch seasons, their shifts and who stands them, swaps, checkpoints, check-ins, the watch log."""
from __future__ import annotations

from datetime import date, datetime, time
from enum import Enum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from watch.core.time import utcnow


class SeasonBase(SQLModel):
    """What the contact representative decides for a season (limits written once)."""

    name: str = Field(max_length=80)
    starts_on: date
    ends_on: date
    start_time: time = Field(default=time(22, 0))
    end_time: time = Field(default=time(6, 0))
    split_time: time | None = None  # e.g. 02:00 splits the night in two shifts; None: one shift a night
    team_size: int = Field(default=2, ge=1, le=6)
    obligation: int = Field(default=3, ge=0, le=60)  # watches per registered boat and season
    rounds_per_night: int = Field(default=3, ge=1, le=12)


class WatchSeason(SeasonBase, table=True):
    """One season of night watches in a boat-watch area (e.g. May to October)."""

    __tablename__ = "watch_seasons"

    id: int | None = Field(default=None, primary_key=True)
    area_id: int = Field(foreign_key="areas.id", index=True, ondelete="CASCADE")
    created_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)


class WatchShift(SQLModel, table=True):
    """One part of one night (before or after the split time)."""

    __tablename__ = "watch_shifts"
    __table_args__ = (UniqueConstraint("season_id", "night", "part", name="uq_watch_shift"),)

    id: int | None = Field(default=None, primary_key=True)
    season_id: int = Field(foreign_key="watch_seasons.id", index=True, ondelete="CASCADE")
    night: date = Field(index=True)  # the evening the night begins
    part: int = Field(default=0)  # 0: start to split, 1: split to end
    reminded_at: datetime | None = None


class WatchAssignment(SQLModel, table=True):
    """A member (for one of their boats) on a shift; a substitute stands in after an accepted swap."""

    __tablename__ = "watch_assignments"
    __table_args__ = (UniqueConstraint("shift_id", "user_id", name="uq_watch_assignment"),)

    id: int | None = Field(default=None, primary_key=True)
    shift_id: int = Field(foreign_key="watch_shifts.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    boat_id: int | None = Field(default=None, foreign_key="boats.id", index=True, ondelete="SET NULL")
    auto: bool = Field(default=False)  # assigned by the fair fill, not picked
    substitute_name: str | None = Field(default=None, max_length=80)  # an adult standing in for the member
    created_at: datetime = Field(default_factory=utcnow)


class SwapStatus(str, Enum):
    """requested -> accepted | declined."""

    requested = "requested"
    accepted = "accepted"
    declined = "declined"


class WatchSwap(SQLModel, table=True):
    """A swap asked for and answered: the log of who stood whose watch."""

    __tablename__ = "watch_swaps"

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="watch_assignments.id", index=True, ondelete="CASCADE")
    from_user_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    to_user_id: int | None = Field(default=None, foreign_key="users.id", index=True, ondelete="SET NULL")
    substitute_name: str | None = Field(default=None, max_length=80)
    substitute_born_on: date | None = None
    status: SwapStatus = Field(default=SwapStatus.requested, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    decided_at: datetime | None = None


class WatchChief(SQLModel, table=True):
    """The watch chief of one week (weeks start on Monday)."""

    __tablename__ = "watch_chiefs"
    __table_args__ = (UniqueConstraint("season_id", "week_start", name="uq_watch_chief_week"),)

    id: int | None = Field(default=None, primary_key=True)
    season_id: int = Field(foreign_key="watch_seasons.id", index=True, ondelete="CASCADE")
    week_start: date
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")


class Checkpoint(SQLModel, table=True):
    """A QR code placed in the harbour; its token is in the URL the code opens."""

    __tablename__ = "watch_checkpoints"

    id: int | None = Field(default=None, primary_key=True)
    season_id: int = Field(foreign_key="watch_seasons.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=80)
    token: str = Field(max_length=40, unique=True)


class CheckIn(SQLModel, table=True):
    """A checkpoint scanned in a round, or marked missed with a reason."""

    __tablename__ = "watch_checkins"
    __table_args__ = (UniqueConstraint("shift_id", "checkpoint_id", "round_no", name="uq_watch_checkin_round"),)

    id: int | None = Field(default=None, primary_key=True)
    shift_id: int = Field(foreign_key="watch_shifts.id", index=True, ondelete="CASCADE")
    checkpoint_id: int = Field(foreign_key="watch_checkpoints.id", index=True, ondelete="CASCADE")
    user_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    round_no: int
    at: datetime = Field(default_factory=utcnow)
    missed_reason: str | None = Field(default=None, max_length=300)


class LogKind(str, Enum):
    """What the team notes during the night."""

    vehicle = "vehicle"
    boat_from_water = "boat_from_water"
    mooring = "mooring"
    fire_risk = "fire_risk"
    other = "other"


class WatchLogEntry(SQLModel, table=True):
    """One line of the watch log."""

    __tablename__ = "watch_log"

    id: int | None = Field(default=None, primary_key=True)
    shift_id: int = Field(foreign_key="watch_shifts.id", index=True, ondelete="CASCADE")
    author_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    kind: LogKind = Field(default=LogKind.other)
    text: str = Field(max_length=500)
    registration: str = Field(default="", max_length=20)
    at: datetime = Field(default_factory=utcnow)
