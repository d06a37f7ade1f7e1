"""Push test helpers: a small world of areas and people, posting, workers (fixtures: conftest.py)."""
from __future__ import annotations

import threading
from dataclasses import dataclass

from tests.factories import create_area
from watch.areas.models import Area, AreaMembership, AreaRole, AreaStatus
from watch.push.devices import service as push_service_mod
from watch.push.delivery.worker import Worker

BOXES = {
    "Gamla stan": (17.000, 58.750, 17.010, 58.755),
    "Hamnen": (17.030, 58.750, 17.040, 58.755),
}
INSIDE = {"Gamla stan": (17.005, 58.7525), "Hamnen": (17.035, 58.7525)}


def push_settings(hostport: str, ca_file: str | None = None) -> dict:
    """Test settings: the loopback push service allowed (and its test CA trusted), fast retries, short leases."""
    return {
        "PUSH_ALLOW_INSECURE_HOSTS": [hostport],
        "PUSH_TEST_CA_FILE": ca_file,
        "PUSH_BACKOFF_BASE_SECONDS": 0.01,
        "PUSH_BACKOFF_CAP_SECONDS": 0.1,
        "PUSH_BACKOFF_FLOOR_SECONDS": 0.01,
        "PUSH_BREAKER_COOLDOWN_SECONDS": 0.05,
        "PUSH_BREAKER_MAX_COOLDOWN_SECONDS": 0.2,
        "PUSH_LEASE_SECONDS": 5,
        "PUSH_POLL_SECONDS": 0.5,
        "PUSH_POLL_SECONDS_SQLITE": 0.1,
        "PUSH_ESCALATION_CHECK_SECONDS": 0,
        "VAPID_SUBJECT": "mailto:trygghet@nykoping.se",
    }


def make_area(session, name, status=AreaStatus.active, municipality="Nyköping", contact=None) -> Area:
    """An area from BOXES, through the areas service (tests/factories.py)."""
    return create_area(session, name=name, box=BOXES[name], status=status, municipality=municipality, contact=contact)


def join(session, user, area, role=AreaRole.member) -> None:
    """Put the user in the area with a role."""
    session.add(AreaMembership(area_id=area.id, user_id=user.id, role=AreaRole(role)))
    session.commit()


def add_device(session, user, svc, label="Telefon") -> dict:
    """Subscribe a new device of the push service for the user (through the service layer)."""
    sub = svc.new_subscription()
    push_service_mod.subscribe(session, user, subscription=sub, label=label)
    return sub


@dataclass
class World:
    """Two areas; in the first a member, a contact, a police contact and the poster; a member of the second."""

    area: Area
    other_area: Area
    people: dict
    devices: dict


def post_alert(client, auth, user, *, category="suspicious_person", text="En okänd person provar dörrhandtag.",
               where="Gamla stan", **extra):
    """Post through the real API as `user`; returns the response."""
    auth.as_user(user)
    lon, lat = INSIDE[where]
    return client.post("/api/v1/alerts", json={"category": category, "text": text, "lon": lon, "lat": lat, **extra})


class WorkerThread:
    """A Worker running its loop in a thread, as the in-process worker does."""

    def __init__(self, app):
        self.worker = Worker(app, name="test-worker")
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.app = app

    def _run(self):
        with self.app.app_context():
            self.worker.run()

    def __enter__(self):
        self.thread.start()
        return self.worker

    def __exit__(self, *exc):
        self.worker.stop()
        self.thread.join(10)
        assert not self.thread.is_alive()
