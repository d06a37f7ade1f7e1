"""Promise fixtures: Nyköping's coordinator, the police and a reporter of each, a reader, an outsider, an admin."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from watch.organisations.models import Organisation, OrganisationMembership
from watch.promises import common, service

MUNI = "Nyköping"
SCOPE = {"type": "Polygon", "coordinates": [[[17.0, 58.75], [17.04, 58.75], [17.04, 58.77], [17.0, 58.77], [17.0, 58.75]]]}


@dataclass
class World:
    """One municipality's promise-makers."""

    session: object
    people: dict
    orgs: dict

    def __getitem__(self, who):
        return self.people[who]

    @property
    def start(self) -> date:
        return common.today() - timedelta(days=30)

    @property
    def end(self) -> date:
        return common.add_years(self.start, 1) - timedelta(days=1)

    def draft(self, who="coordinator", **kw):
        """A draft through the service."""
        municipality = kw.pop("municipality", MUNI)
        data = dict(title="Tryggare bostadsområden", period_start=self.start, period_end=self.end,
                    problem="Inbrott i bostadsområden ökar.", focus_areas=["Grannsamverkan", "Båtsamverkan"],
                    scope=json.dumps(SCOPE))
        data.update(kw)
        return service.create_promise(self.session, user=self.people[who], municipality=municipality,
                                      data=service.PromiseIn(**data))

    def activity(self, promise, who="coordinator", org="polisen", **kw):
        """An activity through the service."""
        data = dict(organisation_id=self.orgs[org].id, description="Tio nya grannsamverkansområden", indicator="new_areas",
                    target=10, due_on=self.end - timedelta(days=10))
        data.update(kw)
        return service.add_activity(self.session, user=self.people[who], promise_id=promise.id, data=service.ActivityIn(**data))

    def signed(self, status="active", **kw):
        """A promise with two signed parties, a counted and a manual activity, moved to `status`."""
        p = self.draft(**kw)
        counted = self.activity(p)
        manual = self.activity(p, description="Trafikkontroller på väg 225", indicator="manual",
                               indicator_label="trafikkontroller på väg 225", target=20)
        for org, role in (("kommunen", "kommunstyrelsens ordförande"), ("polisen", "lokalpolisområdeschef")):
            service.add_signatory(self.session, user=self.people["coordinator"], promise_id=p.id, organisation_id=self.orgs[org].id,
                                  role_title=role, signed_on=self.start)
        service.set_status(self.session, user=self.people["coordinator"], promise_id=p.id, status="signed")
        if status == "active":
            service.set_status(self.session, user=self.people["coordinator"], promise_id=p.id, status="active")
        return p, counted, manual


@pytest.fixture
def world(session, make_user):
    """Nyköping with the municipality and the police (and Oxelösund's municipality), and their people."""
    orgs = {}
    for key, name, kind, muni in (("kommunen", "Nyköpings kommun", "municipal_unit", MUNI), ("polisen", "Polisen Nyköping", "police", MUNI),
                                  ("bostad", "Nyköpingshem", "housing_company", MUNI),
                                  ("annan", "Oxelösunds kommun", "municipal_unit", "Oxelösund")):
        org = Organisation(name=name, kind=kind, municipality=muni)
        session.add(org)
        orgs[key] = org
    session.commit()
    people = {"coordinator": make_user(name="Stina Samordnare"), "reporter": make_user(name="Rolf Rapportör"),
              "housing": make_user(name="Hanna Hus"), "reader": make_user(name="Lars Läsare"),
              "outsider": make_user(name="Ulla Utomstående"), "admin": make_user(admin=True),
              "oxelo": make_user(name="Olle Oxelösund")}
    for who, org, role in (("coordinator", "kommunen", "samordnare"), ("reporter", "polisen", "rapportor"),
                           ("housing", "bostad", "rapportor"), ("reader", "kommunen", "lasare"), ("oxelo", "annan", "samordnare")):
        session.add(OrganisationMembership(organisation_id=orgs[org].id, user_id=people[who].id, role=role))
    session.commit()
    return World(session, people, orgs)
