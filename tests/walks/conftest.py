"""Walk fixtures: EST's municipality with districts, three organisations, an organiser, a participant, an outsider."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

import pytest

from tests.alerts.conftest import image_bytes  # noqa: F401  (re-exported for the tests)
from tests.est.conftest import BRANDHOLMEN, CENTRUM, IN_BRANDHOLMEN, IN_CENTRUM, MUNI, OUTSIDE, district  # noqa: F401
from watch.core.time import utcnow
from watch.organisations.models import Organisation, OrganisationMembership
from watch.walks import service

ROUTE = {"type": "LineString", "coordinates": [[17.005, 58.753], [17.015, 58.755], [17.030, 58.755]]}


@dataclass
class World:
    """The people and organisations of one walk's municipality."""

    session: object
    people: dict
    orgs: dict

    def __getitem__(self, who):
        return self.people[who]

    def plan(self, who="organiser", **kw):
        """Plan a walk through the service."""
        data = dict(organiser_id=self.orgs["tekniska"].id, name="Centrum – stationen", route=json.dumps(ROUTE),
                    starts_at=utcnow() + timedelta(days=7), light="dark", meeting_point="Stationen",
                    invited=[self.orgs["bostad"].id, self.orgs["polisen"].id])
        data.update(kw)
        return service.plan(self.session, user=self.people[who], data=service.WalkIn(**data))


@pytest.fixture
def world(session, make_user):
    """Nyköping with Centrum and Brandholmen, the technical division (organiser), a housing company and the police."""
    district(session, "Centrum", CENTRUM)
    district(session, "Brandholmen", BRANDHOLMEN)
    orgs = {}
    for key, name, kind in (("tekniska", "Tekniska förvaltningen", "municipal_unit"), ("bostad", "Nyköpingshem", "housing_company"),
                            ("polisen", "Polisen Nyköping", "police"), ("annan", "Oxelösunds kommun", "municipal_unit")):
        org = Organisation(name=name, kind=kind, municipality=MUNI if key != "annan" else "Oxelösund")
        session.add(org)
        orgs[key] = org
    session.commit()
    people = {"organiser": make_user(name="Olga Organisatör"), "participant": make_user(name="Per Deltagare"),
              "outsider": make_user(name="Ulla Utomstående"), "admin": make_user(admin=True)}
    session.add(OrganisationMembership(organisation_id=orgs["tekniska"].id, user_id=people["organiser"].id, role="rapportor"))
    session.add(OrganisationMembership(organisation_id=orgs["bostad"].id, user_id=people["participant"].id, role="lasare"))
    session.commit()
    return World(session, people, orgs)
