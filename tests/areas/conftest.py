"""Area fixtures: square outlines, areas in any state, people in any role."""
from __future__ import annotations

import pytest

from watch.areas.models import AreaKind, AreaMembership, AreaRole

from tests.factories import MUNICIPALITY, NYKOPING, square  # noqa: F401  (the areas tests' names)


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


def people_in_every_role(make_user, contact) -> dict:
    """A person for each of ROLES (None for anonymous), with `contact` as the contact; the member is not added yet."""
    return {
        "anonymous": None,
        "non_member": make_user(name="Nils Utanför"),
        "member": make_user(name="Maja Medlem"),
        "contact": contact,
        "police_same": make_user(police=True, municipality=MUNICIPALITY, name="Polis Nyköping"),
        "police_other": make_user(police=True, municipality="Oxelösund", name="Polis Oxelösund"),
        "admin": make_user(admin=True, name="Admin"),
    }


class World:
    """An active boat-watch area and a pending one, with a person in every role (and a boat owner)."""

    def __init__(self, session, make_user, make_area, add_member):
        self.contact = make_user(name="Karin Kontaktombud")
        self.area = make_area(kind=AreaKind.batsamverkan, contact=self.contact, name="Hamnen")
        self.pending = make_area(status="pending", contact=self.contact, at=(NYKOPING[0] + 0.05, NYKOPING[1]), name="Nya bryggan")
        self.people = people_in_every_role(make_user, self.contact)
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
        self.people = people_in_every_role(make_user, self.contact)
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
