"""Boats in the GDPR export and delete, and when their owner leaves the area."""
from __future__ import annotations

import json

from sqlmodel import select

from watch.accounts import service as accounts
from watch.areas.members import service as members
from watch.boats.models import Boat, BoatEngine


def test_export_and_delete(session, world):
    data = accounts.export_data(session, world.owner)
    assert [b["name"] for b in data["boats"]] == ["Vega"]
    assert data["boats"][0]["engines"][0]["serial_number"] == "6AU-123456"
    json.dumps(data)
    owner_id = world.owner.id
    accounts.delete_user(session, world.owner)
    assert session.exec(select(Boat).where(Boat.owner_id == owner_id)).all() == []
    assert session.exec(select(BoatEngine)).all() == []


def test_leaving_the_area_takes_the_boats_along(session, world, make_user):
    other = Boat(area_id=world.area.id, owner_id=world.people["member"].id, name="Kvar")
    session.add(other)
    session.commit()
    members.leave_area(session, world.owner, world.area.id)
    assert [b.name for b in session.exec(select(Boat))] == ["Kvar"]
    assert session.exec(select(BoatEngine)).all() == []
