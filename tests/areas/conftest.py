"""Area fixtures: square outlines, areas in any state, people in any role."""
from __future__ import annotations

from datetime import date

import pytest

from watch.areas import registration
from watch.areas.models import AreaKind, AreaMembership, AreaRole

NYKOPING = (17.0070, 58.7530)  # lon, lat near Nyköping's centre
MUNICIPALITY = "Nyköping"


def square(lon: float, lat: float, size: float = 0.004) -> dict:
    """A closed square Polygon with its south-west corner at (lon, lat); 0.004° is about 230 x 445 m."""
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def make_area(session, make_user):
    """Factory: make_area(status="active", kind=..., at=(lon, lat), contact=user) -> Area."""

    def make(status="active", kind=AreaKind.grannsamverkan, at=NYKOPING, size=0.004, contact=None,
             municipality=MUNICIPALITY, name="Östra Bergen"):
        contact = contact or make_user()
        area = registration.create_area(session, contact, kind=kind, name=name, municipality=municipality,
                                        geometry_data=square(*at, size=size))
        if status in ("active", "archived"):
            admin = make_user(admin=True)
            registration.mark_trained(session, admin, area.id, user_id=contact.id, trained_on=date.today())
            registration.approve_area(session, admin, area.id)
            if status == "archived":
                registration.archive_area(session, admin, area.id)
        elif status == "rejected":
            registration.reject_area(session, make_user(admin=True), area.id, reason="Overlaps another area")
        return area

    return make


@pytest.fixture
def add_member(session):
    """Factory: add_member(area, user, role="member") -> AreaMembership (direct insert)."""

    def add(area, user, role=AreaRole.member):
        m = AreaMembership(area_id=area.id, user_id=user.id, role=AreaRole(role))
        session.add(m)
        session.commit()
        return m

    return add


ROLES = ("anonymous", "non_member", "member", "contact", "police_same", "police_other", "admin")


class World:
    """An active boat-watch area and a pending one, with a person in every role (and a boat owner)."""

    def __init__(self, session, make_user, make_area, add_member):
        self.contact = make_user(name="Karin Kontaktombud")
        self.area = make_area(kind=AreaKind.batsamverkan, contact=self.contact, name="Hamnen")
        self.pending = make_area(status="pending", contact=self.contact, at=(NYKOPING[0] + 0.05, NYKOPING[1]), name="Nya bryggan")
        self.people = {
            "anonymous": None,
            "non_member": make_user(name="Nils Utanför"),
            "member": make_user(name="Maja Medlem"),
            "contact": self.contact,
            "police_same": make_user(police=True, municipality=MUNICIPALITY, name="Polis Nyköping"),
            "police_other": make_user(police=True, municipality="Oxelösund", name="Polis Oxelösund"),
            "admin": make_user(admin=True, name="Admin"),
        }
        add_member(self.area, self.people["member"])
        self.owner = make_user(name="Bo Båtägare")
        add_member(self.area, self.owner)


@pytest.fixture
def world(session, make_user, make_area, add_member):
    """See World."""
    return World(session, make_user, make_area, add_member)


class Hood:
    """An active neighbourhood-watch area with a person in every role (as World)."""

    def __init__(self, make_user, make_area, add_member):
        self.contact = make_user(name="Greta Gatuombud")
        self.area = make_area(kind=AreaKind.grannsamverkan, contact=self.contact, at=(NYKOPING[0] + 0.1, NYKOPING[1]), name="Villagatan")
        self.people = {
            "anonymous": None,
            "non_member": make_user(name="Nils Utanför"),
            "member": make_user(name="Maja Medlem"),
            "contact": self.contact,
            "police_same": make_user(police=True, municipality=MUNICIPALITY, name="Polis Nyköping"),
            "police_other": make_user(police=True, municipality="Oxelösund", name="Polis Oxelösund"),
            "admin": make_user(admin=True, name="Admin"),
        }
        add_member(self.area, self.people["member"])


@pytest.fixture
def hood(make_user, make_area, add_member):
    """See Hood."""
    return Hood(make_user, make_area, add_member)


def login_as(auth, people, role):
    """Log the client in as the person in `role` (anonymous: stay logged out)."""
    if people[role] is not None:
        auth.as_user(people[role])
    return people[role]


def expect_status(role, allowed, status, ok=200, viewers=("non_member", "member", "contact", "police_same", "police_other", "admin")):
    """401 anonymous, `ok` for allowed roles, 403 for those who may see the area, 404 for the rest."""
    if role == "anonymous":
        assert status == 401, status
    elif role in allowed:
        assert status == ok, status
    elif role in viewers:
        assert status == 403, status
    else:
        assert status == 404, status
