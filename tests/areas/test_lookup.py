"""Point lookups, roles and audiences: what the alerts domain relies on."""
from __future__ import annotations

import pytest

from watch.areas.geometry import spatial

from watch.areas.registration import service as registration
from watch.areas.models import Area, AreaRole, AreaStatus
from watch.areas.service import (area_audience, areas_containing, distance_to_area_m, user_area_ids,
                                 user_area_roles)

from .conftest import NYKOPING


def test_containing_finds_active_areas_only(session, make_area):
    active = make_area()
    make_area(status="pending", at=NYKOPING)
    make_area(status="archived", at=NYKOPING)
    lon, lat = NYKOPING[0] + 0.002, NYKOPING[1] + 0.002
    assert [a.id for a in areas_containing(session, lon, lat)] == [active.id]
    assert areas_containing(session, lon + 0.01, lat) == []


def test_buffer_finds_nearby_and_distance(session, make_area):
    area = make_area()
    lon, lat = NYKOPING[0] - 0.001, NYKOPING[1] + 0.002  # ~58 m west of the western edge
    assert areas_containing(session, lon, lat) == []
    d = distance_to_area_m(area, lon, lat)
    assert 50 < d < 65
    assert [a.id for a in areas_containing(session, lon, lat, buffer_m=70)] == [area.id]
    assert areas_containing(session, lon, lat, buffer_m=40) == []
    assert distance_to_area_m(area, NYKOPING[0] + 0.001, NYKOPING[1] + 0.001) == 0.0


def test_overlapping_areas_smallest_first(session, make_area):
    big = make_area(size=0.02, at=(NYKOPING[0] - 0.01, NYKOPING[1] - 0.01))
    small = make_area()
    assert [a.id for a in areas_containing(session, NYKOPING[0] + 0.001, NYKOPING[1] + 0.001)] == [small.id, big.id]


@pytest.mark.parametrize("lon,lat", [(float("nan"), 58.7), (17.0, float("inf")), (500.0, 58.7)])
def test_bad_points_find_nothing(session, make_area, lon, lat):
    make_area()
    assert areas_containing(session, lon, lat) == []


def test_index_follows_changes(session, make_area, make_user):
    area = make_area()
    inside = (NYKOPING[0] + 0.001, NYKOPING[1] + 0.001)
    assert areas_containing(session, *inside)
    registration.archive_area(session, make_user(admin=True), area.id)
    assert areas_containing(session, *inside) == []


def test_index_notices_other_processes(app, session, make_area):
    area = make_area()
    inside = (NYKOPING[0] + 0.001, NYKOPING[1] + 0.001)
    assert spatial.get_index().containing(*inside) == [area.id]
    # Another process archives it: only the version row tells us.
    from sqlalchemy import update
    from watch.areas.models import AreaIndexState
    with spatial.engine_connect(app) as conn:
        conn.execute(update(Area).where(Area.id == area.id).values(status=AreaStatus.archived))
        conn.execute(update(AreaIndexState).where(AreaIndexState.id == 1).values(version=AreaIndexState.version + 1))
    app.config["AREA_INDEX_CHECK_SECONDS"] = 3600
    assert spatial.get_index().containing(*inside) == [area.id]  # not checked yet
    app.config["AREA_INDEX_CHECK_SECONDS"] = 0
    assert spatial.get_index().containing(*inside) == []


def test_roles_and_audience(session, make_area, make_user, add_member):
    contact = make_user()
    area = make_area(contact=contact)
    other = make_area(at=(NYKOPING[0] + 0.1, NYKOPING[1]))
    pending = make_area(status="pending")
    member = make_user()
    add_member(area, member)
    add_member(other, member, AreaRole.contact)
    add_member(pending, member)
    assert user_area_roles(session, member) == {area.id: AreaRole.member, other.id: AreaRole.contact}
    assert user_area_ids(session, member, roles=[AreaRole.contact]) == {other.id}
    audience = area_audience(session, [area.id, pending.id])
    assert (member.id, area.id, AreaRole.member) in audience
    assert (contact.id, area.id, AreaRole.contact) in audience
    assert all(a == area.id for _, a, _ in audience)
    assert {r for _, _, r in audience} >= {AreaRole.member, AreaRole.contact}
