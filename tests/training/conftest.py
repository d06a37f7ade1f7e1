"""Training fixtures: a police organiser, a pending area with an untrained contact, sessions."""
from __future__ import annotations

from datetime import timedelta

import pytest

from watch.areas.registration import service as registration
from watch.core.time import utcnow
from watch.training import service

MUNICIPALITY = "Nyköping"


def square(lon: float = 17.0070, lat: float = 58.7530, size: float = 0.004) -> dict:
    """A closed square Polygon near Nyköping's centre."""
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def police(make_user):
    """A police officer of the municipality: organises sessions and approves areas."""
    return make_user(police=True, municipality=MUNICIPALITY, email="polis@example.se", name="Polis Persson")


@pytest.fixture
def contact(make_user):
    """A resident who registered an area and is its (untrained) contact representative."""
    return make_user(email="ombud@example.se", name="Olga Ombud")


@pytest.fixture
def pending_area(session, contact):
    """A pending area; its only contact representative is not trained."""
    return registration.create_area(session, contact, kind="grannsamverkan", name="Östra Bergen",
                                    municipality=MUNICIPALITY, geometry_data=square())


@pytest.fixture
def make_session(session, police):
    """Factory: make_session(capacity=2, days=7, kind="kontaktombud", **overrides) -> TrainingSession."""

    def make(capacity=2, days=7, kind="kontaktombud", actor=None, **overrides):
        start = (utcnow() + timedelta(days=days)).replace(microsecond=0)
        fields = dict(municipality=MUNICIPALITY, kind=kind, title="Grundutbildning kontaktombud", place="Polishuset, Nyköping",
                      starts_at=start, ends_at=start + timedelta(hours=2), capacity=capacity,
                      trainers="Polisen och kommunen", notes="")
        fields.update(overrides)
        return service.create_session(session, actor or police, **fields)

    return make


def move_to_past(session, ts, days: int = 0):
    """Time passes: the session started `days` days ago (today when 0)."""
    start = utcnow() - timedelta(days=days, minutes=30)
    ts.starts_at, ts.ends_at = start, start + timedelta(hours=2)
    session.add(ts)
    session.commit()
