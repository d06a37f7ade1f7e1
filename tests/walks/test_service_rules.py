"""A rule the form had and the service lacked (issue 9.9): the meeting point's length is refused, not cut."""
from __future__ import annotations

import pytest
from sqlmodel import select

from watch.core.errors import ServiceError
from watch.walks.models import Walk


def test_a_long_meeting_point_is_refused_by_the_service(world, session):
    with pytest.raises(ServiceError) as exc:
        world.plan(meeting_point="x" * 201)
    assert exc.value.code == "meeting_point_too_long" and exc.value.details["field"] == "meeting_point"
    session.rollback()
    assert session.exec(select(Walk)).all() == []
    assert world.plan(meeting_point="  " + "x" * 200 + " ").meeting_point == "x" * 200
