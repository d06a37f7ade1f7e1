"""A rule the registration form had and the service lacked (issue 9.9): an area needs an outline."""
from __future__ import annotations

import pytest
from sqlmodel import select

from watch.areas.registration import service as registration
from watch.areas.models import Area, AreaKind
from watch.core.errors import ServiceError


@pytest.mark.parametrize("geometry", [None, "", "   "])
def test_an_area_without_an_outline_is_refused_by_the_service(session, make_user, geometry):
    with pytest.raises(ServiceError) as exc:
        registration.create_area(session, make_user(), kind=AreaKind.grannsamverkan, name="Utan gräns",
                                 municipality="Nyköping", geometry_data=geometry)
    assert exc.value.code == "geometry_missing" and exc.value.details["field"] == "geometry"
    session.rollback()
    assert session.exec(select(Area)).all() == []
