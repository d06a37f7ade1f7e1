"""The household roster (neighbourhood watch)."""
from __future__ import annotations

import pytest
from sqlmodel import select

from watch.areas.households import service as households
from watch.areas.models import Household
from watch.core.errors import ServiceError


def test_household_roster(client, auth, session, make_area, make_user):
    contact = make_user()
    area = make_area(contact=contact)
    auth.as_user(contact)
    r = client.post(f"/areas/{area.id}/households", data={"address": "Storgatan 12", "participates": "y", "contact_name": "Eva", "contact_phone": "070-123 45 67"})
    assert r.status_code == 302
    r = client.post(f"/areas/{area.id}/households", data={"address": "Storgatan 14", "contact_name": "Olle", "contact_phone": "070-000 00 00"})
    assert r.status_code == 302
    rows = {h.address: h for h in session.exec(select(Household))}
    assert rows["Storgatan 12"].contact_name == "Eva" and rows["Storgatan 12"].keeper_id == contact.id
    opted_out = rows["Storgatan 14"]
    assert not opted_out.participates and opted_out.contact_name is None and opted_out.contact_phone is None
    client.post(f"/areas/{area.id}/households/{rows['Storgatan 12'].id}/optout")
    session.refresh(rows["Storgatan 12"])
    assert rows["Storgatan 12"].contact_phone is None
    assert client.post(f"/areas/{area.id}/households", data={"address": ""}).status_code == 422
    assert client.post(f"/areas/{area.id}/households", data={"address": "X 1", "participates": "y", "contact_phone": "ring mig"}).status_code == 422


def test_households_only_for_contacts(session, make_area, make_user, add_member):
    area = make_area()
    member = make_user()
    add_member(area, member)
    with pytest.raises(ServiceError) as err:
        households.add_household(session, member, area.id, address="Storgatan 1")
    assert err.value.status == 403
    with pytest.raises(ServiceError):
        households.roster(session, make_user(police=True, municipality="Nyköping"), area.id)
