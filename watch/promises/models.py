"""Medborgarlöften (citizens' promises): the promise, its signatories, activities with indicators,
dated progress entries and revisions. Places and organisations, never private persons: a signatory
is a role title at an organisation ("kommunstyrelsens ordförande"), not a name."""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from watch.core.time import utcnow

# The promise's life: draft -> signed -> active -> revised -> completed (revised comes from an edit after signing).
STATUSES = ("draft", "signed", "active", "revised", "completed")
STATUS_LABELS = {"draft": _l("Draft"), "signed": _l("Signed"), "active": _l("Active"), "revised": _l("Revised"),
                 "completed": _l("Completed")}
# Where an editor may move a promise by hand ("revised" is set by an edit of a signed promise).
NEXT = {"draft": ("signed",), "signed": ("active",), "active": ("completed",), "revised": ("active", "completed"),
        "completed": ()}
PUBLIC = ("signed", "active", "revised", "completed")  # a draft is not shown to the public
ACTIVITY_STATUSES = {"planned": _l("Planned"), "ongoing": _l("Ongoing"), "done": _l("Done"), "cancelled": _l("Cancelled")}
MANUAL = "manual"


class Promise(SQLModel, table=True):
    """One municipality's promise for a period of one or two years."""

    __tablename__ = "promises"

    id: int | None = Field(default=None, primary_key=True)
    municipality: str = Field(max_length=80, index=True)
    title: str = Field(max_length=200)
    period_start: date
    period_end: date
    problem: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))  # what it answers
    est_week_key: int | None = None  # the EST picture (ISO year * 100 + week) the problem comes from
    focus_areas: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))  # JSON list of strings
    scope: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # GeoJSON Polygon
    status: str = Field(default="draft", max_length=12, index=True)
    version: int = Field(default=1)
    created_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class PromiseSignatory(SQLModel, table=True):
    """A party to the promise: an organisation, the role that signs for it, and when it signed."""

    __tablename__ = "promise_signatories"
    __table_args__ = (UniqueConstraint("promise_id", "organisation_id", name="uq_promise_signatory"),)

    id: int | None = Field(default=None, primary_key=True)
    promise_id: int = Field(foreign_key="promises.id", index=True, ondelete="CASCADE")
    organisation_id: int = Field(foreign_key="organisations.id", index=True)
    role_title: str = Field(max_length=120)  # "kommunstyrelsens ordförande", "lokalpolisområdeschef"
    signed_on: date | None = None


class PromiseActivity(SQLModel, table=True):
    """What one party will do, measured by an indicator with a target, by a due date."""

    __tablename__ = "promise_activities"

    id: int | None = Field(default=None, primary_key=True)
    promise_id: int = Field(foreign_key="promises.id", index=True, ondelete="CASCADE")
    organisation_id: int = Field(foreign_key="organisations.id", index=True)  # the responsible party
    description: str = Field(max_length=500)
    indicator: str = Field(default=MANUAL, max_length=32)  # a kind of watch.promises.indicators.REGISTRY, or manual
    indicator_label: str = Field(default="", max_length=200)  # what a manual indicator counts
    target: int
    due_on: date
    status: str = Field(default="planned", max_length=12)
    created_at: datetime = Field(default_factory=utcnow)


class ProgressEntry(SQLModel, table=True):
    """A dated note on an activity with its evidence (text, a photo, a link); for a manual indicator, the amount done."""

    __tablename__ = "promise_progress"

    id: int | None = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="promise_activities.id", index=True, ondelete="CASCADE")
    entry_on: date
    amount: int | None = None  # added to a manual indicator; None for counted ones
    text: str = Field(default="", max_length=2000)
    link: str | None = Field(default=None, max_length=500)
    photo: str | None = Field(default=None, max_length=80)
    author_id: int | None = Field(default=None, foreign_key="users.id", index=True, ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)


class PromiseRevision(SQLModel, table=True):
    """A change to a signed promise: the new version number, when, why, and what changed (JSON [{what, before, after}])."""

    __tablename__ = "promise_revisions"

    id: int | None = Field(default=None, primary_key=True)
    promise_id: int = Field(foreign_key="promises.id", index=True, ondelete="CASCADE")
    version: int
    revised_on: date
    note: str = Field(default="", max_length=500)
    changes: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    author_id: int | None = Field(default=None, foreign_key="users.id", index=True, ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
