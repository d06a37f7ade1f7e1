"""Organisations of a municipality and the memberships of users in them."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from watch.core.municipalities import NAME_MAX as MUNICIPALITY_MAX
from watch.core.time import utcnow

# Field limits, written once: the table, the API schemas, the forms and the service read these.
NAME_MAX = 120

# Kinds of organisation, with their Swedish-first labels (translated in the catalogue).
KINDS = {
    "municipal_unit": _l("Municipal unit"),
    "housing_company": _l("Housing company"),
    "rescue_service": _l("Rescue service"),
    "security_company": _l("Security company"),
    "police": _l("Police"),
    "association": _l("Association"),
}

# EST roles, weakest first: a reader reads the picture, a reporter also reports,
# a coordinator also reviews, freezes and runs meetings.
READER, REPORTER, COORDINATOR = "lasare", "rapportor", "samordnare"
ROLES = {
    READER: _l("Reader"),
    REPORTER: _l("Reporter"),
    COORDINATOR: _l("Coordinator"),
}
RANK = {READER: 1, REPORTER: 2, COORDINATOR: 3}


class OrganisationBase(SQLModel):
    """The fields an admin sets."""

    name: str = Field(min_length=1, max_length=NAME_MAX)
    kind: str = Field(max_length=24)
    municipality: str = Field(min_length=1, max_length=MUNICIPALITY_MAX, index=True)
    active: bool = Field(default=True)


class Organisation(OrganisationBase, table=True):
    """One partner of one municipality."""

    __tablename__ = "organisations"
    __table_args__ = (UniqueConstraint("municipality", "name", name="uq_organisation_municipality_name"),)

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow)


class OrganisationMembership(SQLModel, table=True):
    """A user working for an organisation, with an EST role."""

    __tablename__ = "organisation_memberships"
    __table_args__ = (UniqueConstraint("organisation_id", "user_id", name="uq_org_membership_org_user"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisations.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    role: str = Field(default=READER, max_length=16)
    created_at: datetime = Field(default_factory=utcnow)
