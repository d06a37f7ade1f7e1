"""Trygghetspunkter fixtures: Nyköping with EST districts (its outline), a coordinator, members with areas."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.est.conftest import BRANDHOLMEN, CENTRUM, IN_BRANDHOLMEN, IN_CENTRUM, MUNI, OUTSIDE, district  # noqa: F401
from watch.areas.models import AreaMembership, AreaRole
from watch.crisis import service
from watch.crisis.models import CrisisMailChoice
from watch.organisations.models import Organisation, OrganisationMembership

CODE = "0480"  # Nyköping


@dataclass
class World:
    """The people, organisations and areas of the test municipality."""

    session: object
    people: dict
    orgs: dict
    areas: dict

    def __getitem__(self, who):
        return self.people[who]

    def point(self, who="coord", **kw):
        """Create a point through the service (the same call the view makes)."""
        data = dict(name="Stadsbiblioteket", lon=IN_CENTRUM[0], lat=IN_CENTRUM[1], building_type="library",
                    offers=["heat", "water", "charging", "information"], address="Stora torget 1", capacity=120,
                    backup_power=True, staff_role="Frivilliga resursgruppen (FRG)", organisation_id=self.orgs["kommun"].id)
        data.update(kw)
        return service.create(self.session, user=self.people[who], municipality=MUNI, data=service.PointIn(**data))


@pytest.fixture
def cw(session, make_user, make_area):
    """Nyköping (Centrum and Brandholmen), its safety coordinator, three members of two areas and one in Oxelösund."""
    district(session, "Centrum", CENTRUM)
    district(session, "Brandholmen", BRANDHOLMEN)
    kommun = Organisation(name="Nyköpings kommun", kind="municipal_unit", municipality=MUNI)
    oxelo = Organisation(name="Oxelösunds kommun", kind="municipal_unit", municipality="Oxelösund")
    session.add_all([kommun, oxelo])
    session.commit()
    people = {"coord": make_user(name="Sara Samordnare"), "admin": make_user(admin=True),
              "mailer": make_user(name="Maja Mejl", locale="sv"), "quiet": make_user(name="Kim Tyst"),
              "english": make_user(name="Eve English", locale="en"), "unconfirmed": make_user(name="Olle Obekräftad", email_verified_at=None),
              "outsider": make_user(name="Otto Oxelösund"), "stranger": make_user(name="Nils Ingen")}
    session.add(OrganisationMembership(organisation_id=kommun.id, user_id=people["coord"].id, role="samordnare"))
    areas = {"centrum": make_area(name="Centrumgården", box=(17.001, 58.751, 17.009, 58.757), municipality=MUNI),
             "brand": make_area(name="Brandholmen", box=(17.025, 58.751, 17.035, 58.759), municipality=MUNI),
             "oxelo": make_area(name="Oxelö", box=(17.10, 58.66, 17.11, 58.67), municipality="Oxelösund")}
    for who, area in (("mailer", "brand"), ("quiet", "centrum"), ("english", "centrum"), ("unconfirmed", "centrum"),
                      ("outsider", "oxelo")):
        session.add(AreaMembership(area_id=areas[area].id, user_id=people[who].id, role=AreaRole.member))
    for who in ("mailer", "english", "unconfirmed", "outsider", "stranger"):
        session.add(CrisisMailChoice(user_id=people[who].id))
    session.commit()
    return World(session, people, {"kommun": kommun, "oxelo": oxelo}, areas)
