"""Graffiti fixtures: the walks' municipality, a coordinator, routing rules and an owner zone over Brandholmen."""
from __future__ import annotations

import pytest

from tests.est.conftest import BRANDHOLMEN, box_geojson
from tests.walks.conftest import IN_BRANDHOLMEN, IN_CENTRUM, MUNI, OUTSIDE, image_bytes, world  # noqa: F401  (fixtures)
from watch.graffiti import rules, service
from watch.organisations.models import Organisation, OrganisationMembership


@pytest.fixture
def gw(world, session, make_user):
    """`world` plus a coordinator, a rule (anything → Tekniska by e-mail), housing graffiti → Nyköpingshem, and the owner layer."""
    kommun = Organisation(name="Kommunledningen", kind="municipal_unit", municipality=MUNI)
    session.add(kommun)
    session.commit()
    world.people["coord"] = make_user(name="Sara Samordnare")
    world.people["hem"] = make_user(name="Hugo Hem")
    session.add(OrganisationMembership(organisation_id=kommun.id, user_id=world["coord"].id, role="samordnare"))
    session.add(OrganisationMembership(organisation_id=world.orgs["bostad"].id, user_id=world["hem"].id, role="rapportor"))
    session.commit()
    rules.add_rule(session, user=world["coord"], municipality=MUNI, organisation_id=world.orgs["tekniska"].id, channel="email",
                   address="klotter@tekniska.example.se")
    rules.add_rule(session, user=world["coord"], municipality=MUNI, organisation_id=world.orgs["bostad"].id, channel="email",
                   address="felanmalan@hem.example.se", owner_type="municipal_housing")
    rules.add_zone(session, user=world["coord"], municipality=MUNI, name="Brandholmens bostäder", owner_type="municipal_housing",
                   geometry=box_geojson(*BRANDHOLMEN), organisation_id=world.orgs["bostad"].id)
    return world


def report(world, who="participant", **kw):
    """Submit through the service (the same call the view makes)."""
    data = dict(municipality=MUNI, lon=IN_CENTRUM[0], lat=IN_CENTRUM[1], object_type="facade", area_m2=2.5,
                photos=[image_bytes()], address="Storgatan 1")
    data.update(kw)
    return service.submit(world.session, user=world[who], data=service.GraffitiIn(**data))
