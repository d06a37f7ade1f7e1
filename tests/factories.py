"""Factories every test folder shares. Areas are made through the areas service, as people make them:
registered by a contact representative, training recorded and approved by an admin."""
from __future__ import annotations

import uuid
from datetime import date

from watch.areas.registration import service as registration
from watch.areas.models import Area, AreaKind, AreaStatus
from watch.core.time import utcnow

PASSWORD = "korv med bröd och senap"
NYKOPING = (17.0070, 58.7530)  # lon, lat near Nyköping's centre
MUNICIPALITY = "Nyköping"


def square(lon: float, lat: float, size: float = 0.004) -> dict:
    """A closed square Polygon with its south-west corner at (lon, lat); 0.004° is about 230 x 445 m."""
    return box_polygon(lon, lat, lon + size, lat + size)


def box_polygon(min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> dict:
    """A GeoJSON Polygon for a lon/lat box."""
    ring = [[min_lon, min_lat], [max_lon, min_lat], [max_lon, max_lat], [min_lon, max_lat], [min_lon, min_lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def person(session, name: str, *, admin: bool = False):
    """A new account through the accounts service (unique e-mail)."""
    from watch.accounts import service

    user = service.register(session, email=f"{uuid.uuid4().hex[:12]}@example.se", display_name=name, password=PASSWORD)
    user.is_admin = admin
    user.email_verified_at = utcnow()
    session.add(user)
    session.commit()
    return user


def create_area(session, *, name: str = "Östra Bergen", kind=AreaKind.grannsamverkan, status="active",
                at: tuple[float, float] = NYKOPING, size: float = 0.004, box: tuple | None = None,
                contact=None, municipality: str = MUNICIPALITY, description: str = "") -> Area:
    """An area in any status, made through watch.areas.registration.service; `box` (lon/lat bounds) wins over at/size.

    Without a `contact`, a new account registers the area (and so is its contact representative).
    """
    status = AreaStatus(status)
    contact = contact or person(session, "Områdesombud")
    outline = box_polygon(*box) if box is not None else square(*at, size=size)
    area = registration.create_area(session, contact, kind=AreaKind(kind), name=name, municipality=municipality,
                                    geometry_data=outline, description=description)
    if status in (AreaStatus.active, AreaStatus.archived):
        admin = person(session, "Administratör", admin=True)
        registration.mark_trained(session, admin, area.id, user_id=contact.id, trained_on=date.today())
        registration.approve_area(session, admin, area.id)
        if status == AreaStatus.archived:
            registration.archive_area(session, admin, area.id)
    elif status == AreaStatus.rejected:
        registration.reject_area(session, person(session, "Administratör", admin=True), area.id,
                                 reason="Overlaps another area")
    return area
