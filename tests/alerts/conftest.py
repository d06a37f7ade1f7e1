"""Alert fixtures: areas with a polygon and one person of each role."""
from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from PIL import Image

from watch.areas.models import Area, AreaKind, AreaMembership, AreaRole

# Two neighbouring squares near Nyköping, about 1.1 km apart, and a marina further east.
SQUARES = {
    "Gamla stan": (17.000, 58.750, 17.010, 58.755),
    "Hamnen": (17.030, 58.750, 17.040, 58.755),
}
ROLES = ("anonymous", "other_member", "member", "contact", "police", "admin")


@dataclass
class World:
    """Two active areas, each with a member, a contact and a police contact; an admin."""

    area: Area
    other_area: Area
    people: dict
    inside: tuple[float, float]
    other_inside: tuple[float, float]

    def user(self, role):
        """The person for a role name in ROLES (None for anonymous)."""
        return self.people.get(role)


@pytest.fixture
def join(session):
    """Factory: join(user, area, role='member')."""

    def add(user, area, role=AreaRole.member):
        session.add(AreaMembership(area_id=area.id, user_id=user.id, role=AreaRole(role)))
        session.commit()

    return add


@pytest.fixture
def world(make_area, make_user, join) -> World:
    """The standard cast for access tests."""
    people = {
        "member": make_user(name="Maja Medlem"),
        "contact": make_user(name="Kim Kontaktombud"),
        "police": make_user(name="Polis Per", police=True, municipality="Nyköping"),
        "admin": make_user(name="Admin Ada", admin=True),
        "other_member": make_user(name="Olle Annanstans"),
        "other_contact": make_user(name="Oskar Annan Kontakt"),
        "other_police": make_user(name="Polis Paula", police=True, municipality="Nyköping"),
    }
    area = make_area("Gamla stan", box=SQUARES["Gamla stan"], contact=people["contact"])
    other = make_area("Hamnen", box=SQUARES["Hamnen"], kind=AreaKind.batsamverkan, contact=people["other_contact"])
    join(people["member"], area, "member")
    join(people["police"], area, "police")
    join(people["other_member"], other, "member")
    join(people["other_police"], other, "police")
    return World(area, other, people, inside=(17.005, 58.752), other_inside=(17.035, 58.752))


def image_bytes(fmt="JPEG", size=(64, 48), exif=None, color=(200, 30, 30)) -> bytes:
    """A small image in a format, optionally with EXIF."""
    out = io.BytesIO()
    image = Image.new("RGB", size, color)
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(out, fmt, **kwargs)
    return out.getvalue()


@pytest.fixture
def post(session, world):
    """Factory: post(user='member', **fields) through the service; returns the Alert."""
    from watch.alerts import service

    def make(user="member", **fields):
        who = world.user(user) if isinstance(user, str) else user
        lon, lat = fields.pop("at", world.inside)
        data = {"category": "suspicious_person", "text": "En man som provar dörrhandtag", "lon": lon, "lat": lat}
        data.update(fields)
        alert, _created = service.post_alert(session, who, **data)
        return alert

    return make
