"""Boat fixtures: the areas' factories, and their boat-watch World with a registered boat and engine."""
from __future__ import annotations

import pytest

from tests.areas.conftest import World, add_member, hood  # noqa: F401  (fixtures, re-exported)
from watch.boats import service as boats


@pytest.fixture
def world(session, make_user, make_area, add_member):
    """The areas' World, whose owner has registered the boat Vega with a Yamaha engine."""
    w = World(session, make_user, make_area, add_member)
    w.boat = boats.register_boat(session, w.owner, w.area.id, name="Vega", boat_type="Segelbåt", length_m="8,2")
    w.engine = boats.add_engine(session, w.owner, w.boat.id, make="Yamaha", model="F9.9", serial_number="6AU-123456")
    return w
