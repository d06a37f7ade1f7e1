"""The household roster in the JSON API (neighbourhood watch; the area's contact representatives)."""
from __future__ import annotations

from flask import url_for
from flask_login import current_user
from spectree import Response

from watch.areas.api import bp
from watch.areas.households import service as households
from watch.areas.models import Household
from watch.areas.schemas import HouseholdIn, HouseholdList, HouseholdOut, HouseholdPatch
from watch.core.api import Empty, Error, spec
from watch.core.db import get_session

TAGS = ["households"]


def household_out(h: Household) -> HouseholdOut:
    """A household for the API."""
    return HouseholdOut(id=h.id, area_id=h.area_id, address=h.address, participates=h.participates,
                        contact_name=h.contact_name, contact_phone=h.contact_phone, keeper_id=h.keeper_id,
                        created_at=h.created_at, updated_at=h.updated_at)


@bp.get("/<int:area_id>/households")
@spec.validate(resp=Response(HTTP_200=HouseholdList, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error, HTTP_409=Error), tags=TAGS)
def list_households(area_id: int):
    """The area's households, by address."""
    return HouseholdList(items=[household_out(h) for h in households.roster(get_session(), current_user, area_id)])


@bp.post("/<int:area_id>/households")
@spec.validate(json=HouseholdIn, resp=Response(HTTP_201=HouseholdOut, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error,
                                               HTTP_409=Error, HTTP_422=Error), tags=TAGS)
def add_household(area_id: int, json: HouseholdIn):
    """Add a household; one that does not take part keeps no name or phone."""
    h = households.add_household(get_session(), current_user, area_id, **json.model_dump())
    return household_out(h), 201, {"Location": url_for("areas_api.get_household", area_id=area_id, household_id=h.id)}


@bp.get("/<int:area_id>/households/<int:household_id>")
@spec.validate(resp=Response(HTTP_200=HouseholdOut, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error, HTTP_409=Error), tags=TAGS)
def get_household(area_id: int, household_id: int):
    """One household."""
    return household_out(households.get_household(get_session(), current_user, area_id, household_id))


@bp.patch("/<int:area_id>/households/<int:household_id>")
@spec.validate(json=HouseholdPatch, resp=Response(HTTP_200=HouseholdOut, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error,
                                                  HTTP_409=Error, HTTP_422=Error), tags=TAGS)
def update_household(area_id: int, household_id: int, json: HouseholdPatch):
    """Change a household; `participates: false` erases its name and phone."""
    h = households.update_household(get_session(), current_user, area_id, household_id, **json.model_dump(exclude_unset=True))
    return household_out(h)


@bp.delete("/<int:area_id>/households/<int:household_id>")
@spec.validate(resp=Response(HTTP_200=Empty, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error, HTTP_409=Error), tags=TAGS)
def delete_household(area_id: int, household_id: int):
    """Remove a household from the roster."""
    households.delete_household(get_session(), current_user, area_id, household_id)
    return Empty()
