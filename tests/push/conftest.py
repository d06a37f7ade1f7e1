"""Push fixtures: the real-protocol push service on loopback, its settings, a world with phones."""
from __future__ import annotations

import pytest

from tests.push.helpers import World, add_device, join, make_area, push_settings
from tests.pushservice import PushService
from watch.areas.models import AreaRole


@pytest.fixture
def pushsvc():
    """The push service on loopback (in a thread of this process), over TLS with the test CA."""
    with PushService(tls=True) as svc:
        yield svc


@pytest.fixture
def config(config, pushsvc):
    """The standard test settings plus the push service."""
    config.update(push_settings(pushsvc.hostport, pushsvc.ca_file))
    return config


@pytest.fixture
def world(session, make_user, pushsvc) -> World:
    """Everyone with one phone each (the police contact and the member are the 'two phones')."""
    people = {
        "poster": make_user(name="Paula Postare"),
        "member": make_user(name="Maja Medlem"),
        "contact": make_user(name="Kim Kontaktombud"),
        "police": make_user(name="Polis Per", police=True, municipality="Nyköping"),
        "other_member": make_user(name="Olle Annanstans"),
    }
    area = make_area(session, "Gamla stan", contact=people["contact"])
    other = make_area(session, "Hamnen")
    join(session, people["poster"], area)
    join(session, people["member"], area)
    join(session, people["police"], area, AreaRole.police)
    join(session, people["other_member"], other)
    devices = {role: add_device(session, user, pushsvc) for role, user in people.items()}
    return World(area, other, people, devices)
