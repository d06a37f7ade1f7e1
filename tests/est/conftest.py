"""EST fixtures: a municipality with two districts, its organisations and one person per EST role."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from watch.core.time import TZ, utcnow
from watch.est.models import EstDistrict, EstPlace
from watch.est.reports import service
from watch.est.rules import weeks
from watch.organisations.models import Organisation, OrganisationMembership

MUNI = "Nyköping"
# Two districts side by side (about 1.2 km × 1.1 km each) and a third one in another municipality.
CENTRUM = (17.000, 58.750, 17.020, 58.760)
BRANDHOLMEN = (17.020, 58.750, 17.040, 58.760)
OXELO = (17.100, 58.660, 17.120, 58.680)
IN_CENTRUM = (17.005, 58.753)
IN_BRANDHOLMEN = (17.030, 58.755)
OUTSIDE = (17.500, 58.900)


def box_geojson(min_lon, min_lat, max_lon, max_lat) -> str:
    ring = [[min_lon, min_lat], [max_lon, min_lat], [max_lon, max_lat], [min_lon, max_lat], [min_lon, min_lat]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def district(session, name, box, municipality=MUNI) -> EstDistrict:
    d = EstDistrict(municipality=municipality, name=name, geometry=box_geojson(*box), min_lon=box[0], min_lat=box[1],
                    max_lon=box[2], max_lat=box[3])
    session.add(d)
    session.commit()
    return d


@dataclass
class Est:
    """The people and organisations of an EST group."""

    session: object
    people: dict
    orgs: dict
    districts: dict
    place: EstPlace

    def __getitem__(self, role):
        return self.people[role]

    def report(self, who="reporter", org="tekniska", when: datetime | None = None, now: datetime | None = None, **kw):
        """Submit through the service (the same call the views and API make)."""
        data = dict(municipality=kw.pop("municipality", MUNI), organisation_id=self.orgs[org].id,
                    occurred_at=when or (now or utcnow()) - timedelta(hours=1), category=kw.pop("category", "skadegorelse"),
                    lon=IN_CENTRUM[0], lat=IN_CENTRUM[1])
        data.update(kw)
        return service.submit(self.session, user=self.people[who], data=service.ReportIn(**data), now=now)


def last_week_time(hour=21) -> datetime:
    """Wednesday of last week, local time."""
    y, w = weeks.shift(*weeks.week_of(utcnow()), -1)
    return datetime.combine(weeks.monday(y, w) + timedelta(days=2), datetime.min.time().replace(hour=hour), TZ)


@pytest.fixture
def est(session, make_user):
    """Nyköping with districts Centrum and Brandholmen; Oxelösund with one district.

    People: coordinator (Kommunen, samordnare), reporter (Tekniska divisionen), housing (Nyköpingshem,
    rapportör), reader (Fritid, läsare), police (police user of Nyköping), outsider, oxelo (coordinator in Oxelösund).
    """
    districts = {"centrum": district(session, "Centrum", CENTRUM), "brandholmen": district(session, "Brandholmen", BRANDHOLMEN),
                 "oxelo": district(session, "Oxelösund C", OXELO, "Oxelösund")}
    orgs = {}
    for key, name, kind, muni in (("kommun", "Kommunledningen", "municipal_unit", MUNI),
                                  ("tekniska", "Tekniska divisionen", "municipal_unit", MUNI),
                                  ("hem", "Nyköpingshem", "housing_company", MUNI),
                                  ("fritid", "Fritid", "municipal_unit", MUNI),
                                  ("polisen", "Polisen Nyköping", "police", MUNI),
                                  ("oxkommun", "Oxelösunds kommun", "municipal_unit", "Oxelösund")):
        orgs[key] = Organisation(name=name, kind=kind, municipality=muni)
        session.add(orgs[key])
    session.commit()
    people = {
        "coordinator": make_user(name="Sara Samordnare"), "reporter": make_user(name="Tore Tekniker"),
        "housing": make_user(name="Hanna Hem"), "reader": make_user(name="Lisa Läsare"),
        "police": make_user(name="Per Polis", police=True, municipality=MUNI), "outsider": make_user(name="Otto Utomstående"),
        "oxelo": make_user(name="Olga Oxelö"), "police_reporter": make_user(name="Pia Polis"),
    }
    for who, org, role in (("coordinator", "kommun", "samordnare"), ("reporter", "tekniska", "rapportor"),
                           ("housing", "hem", "rapportor"), ("reader", "fritid", "lasare"),
                           ("oxelo", "oxkommun", "samordnare"), ("police_reporter", "polisen", "rapportor")):
        session.add(OrganisationMembership(organisation_id=orgs[org].id, user_id=people[who].id, role=role))
    place = EstPlace(municipality=MUNI, name="Stora torget", lon=17.006, lat=58.754)
    session.add(place)
    session.commit()
    return Est(session, people, orgs, districts, place)
