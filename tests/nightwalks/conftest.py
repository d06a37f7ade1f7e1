"""Night-walk fixtures: a police organiser, a group affiliated with an association, walkers, shifts."""
from __future__ import annotations

from datetime import timedelta

import pytest

from watch.core.time import utcnow
from watch.nightwalks import service
from watch.organisations.models import Organisation

MUNICIPALITY = "Nyköping"
MEETING = (17.0100, 58.7530)  # Stora torget, Nyköping


@pytest.fixture
def police(make_user):
    """The municipality's police contact: starts groups, and manages them."""
    return make_user(police=True, municipality=MUNICIPALITY, email="polis@example.se", name="Polis Persson")


@pytest.fixture
def group(session, police):
    """A group of a parents' association, its meeting point on the map (its events reach EST)."""
    org = Organisation(name="Föräldraföreningen Nyköping", kind="association", municipality=MUNICIPALITY)
    session.add(org)
    session.commit()
    return service.create_group(session, police, municipality=MUNICIPALITY, name="Nattvandrarna Centrum",
                                affiliation="Föräldraföreningen", areas="Centrum, Brandholmen", meeting_point="Stora torget",
                                organisation_id=org.id, lon=MEETING[0], lat=MEETING[1])


@pytest.fixture
def make_walker(session, make_user, police):
    """Factory: make_walker(trained=False, leader=False, birth_year=1980, **user) -> User who joined the group."""

    def make(group, trained=False, leader=False, birth_year=1980, **user_kw):
        user = make_user(**user_kw)
        walker = service.join_group(session, user, group.id, birth_year=birth_year)
        if trained or leader:
            service.set_walker(session, police, group.id, walker.id, trained=trained, leader=leader)
        return user

    return make


@pytest.fixture
def make_shift(session, police):
    """Factory: make_shift(group, hours_ahead=30, subgroups=1) -> NightShift (Friday-night length, 6 hours)."""

    def make(group, hours_ahead=30, subgroups=1, actor=None, **kw):
        start = (utcnow() + timedelta(hours=hours_ahead)).replace(microsecond=0)
        fields = dict(starts_at=start, ends_at=start + timedelta(hours=6), area="Centrum", subgroups=subgroups)
        fields.update(kw)
        return service.create_shift(session, actor or police, group.id, **fields)

    return make


def move_to_now(session, shift, minutes_ago: int = 10):
    """Time passes: the shift started `minutes_ago` minutes ago."""
    start = utcnow() - timedelta(minutes=minutes_ago)
    shift.starts_at, shift.ends_at = start, start + timedelta(hours=6)
    session.add(shift)
    session.commit()
