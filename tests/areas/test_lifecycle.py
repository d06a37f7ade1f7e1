"""Register, train, approve or reject, edit, archive; the queue; the CLI."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from watch.areas.registration import service as registration
from watch.areas.models import AreaRole, AreaStatus
from watch.areas.service import area_audience, membership_of
from watch.core.errors import ServiceError

from .conftest import MUNICIPALITY, NYKOPING, square


def test_register_makes_pending_with_main_contact(session, make_user):
    user = make_user()
    area = registration.create_area(session, user, kind="grannsamverkan", name="  Östra   Bergen ", municipality="Nyköping",
                                    geometry_data=square(*NYKOPING))
    assert area.status == AreaStatus.pending and area.name == "Östra Bergen"
    m = membership_of(session, user, area.id)
    assert m.role == AreaRole.contact and m.is_main_contact
    assert 90_000 < area.area_m2 < 110_000
    assert (area.min_lon, area.min_lat) == NYKOPING


@pytest.mark.parametrize("field,kwargs", [
    ("name", {"name": " "}), ("municipality", {"municipality": ""}), ("kind", {"kind": "bilsamverkan"}),
    ("name", {"name": "x" * 121}),
])
def test_register_bad_fields(session, make_user, field, kwargs):
    args = {"kind": "grannsamverkan", "name": "A", "municipality": "Nyköping", "geometry_data": square(*NYKOPING)} | kwargs
    with pytest.raises(ServiceError) as err:
        registration.create_area(session, make_user(), **args)
    assert err.value.details["field"] == field


def test_approval_needs_recent_training(session, make_area, make_user):
    contact = make_user()
    area = make_area(status="pending", contact=contact)
    police = make_user(police=True, municipality="nyköping ")  # case and spaces do not matter
    with pytest.raises(ServiceError) as err:
        registration.approve_area(session, police, area.id)
    assert err.value.code == "contact_not_trained"
    registration.mark_trained(session, police, area.id, user_id=contact.id, trained_on=date.today() - timedelta(days=400))
    with pytest.raises(ServiceError):
        registration.approve_area(session, police, area.id)  # lapsed: older than 12 months
    registration.mark_trained(session, police, area.id, user_id=contact.id, trained_on=date.today() - timedelta(days=30))
    registration.approve_area(session, police, area.id)
    assert area.status == AreaStatus.active and area.decided_by_id == police.id
    # The approving officer becomes the area's police contact and hears its alerts.
    assert (police.id, area.id, AreaRole.police) in area_audience(session, [area.id])
    with pytest.raises(ServiceError) as err:
        registration.approve_area(session, police, area.id)
    assert err.value.code == "area_not_pending"


def test_training_rules(session, make_area, make_user):
    contact, member = make_user(), make_user()
    area = make_area(status="pending", contact=contact)
    admin = make_user(admin=True)
    with pytest.raises(ServiceError) as err:
        registration.mark_trained(session, admin, area.id, user_id=contact.id, trained_on=date.today() + timedelta(days=1))
    assert err.value.code == "trained_on_future"
    with pytest.raises(ServiceError) as err:
        registration.mark_trained(session, admin, area.id, user_id=member.id)
    assert err.value.code == "not_a_contact"


def test_reject_with_reason_shown_to_registrant(session, client, auth, make_area, make_user):
    contact = make_user()
    area = make_area(status="pending", contact=contact)
    police = make_user(police=True, municipality=MUNICIPALITY)
    with pytest.raises(ServiceError):
        registration.reject_area(session, police, area.id, reason="  ")
    registration.reject_area(session, police, area.id, reason="Området överlappar Västra Bergen")
    auth.as_user(contact)
    page = client.get(f"/areas/{area.id}").get_data(as_text=True)
    assert "Området överlappar Västra Bergen" in page and 'id="area-outcome"' in page


def test_queue_per_municipality(session, make_area, make_user):
    a = make_area(status="pending")
    b = make_area(status="pending", municipality="Oxelösund", at=(17.1, 58.67))
    make_area(status="active")
    assert [x.id for x in registration.approval_queue(session, make_user(police=True, municipality="Nyköping"))] == [a.id]
    assert [x.id for x in registration.approval_queue(session, make_user(police=True, municipality="Oxelösund"))] == [b.id]
    assert {x.id for x in registration.approval_queue(session, make_user(admin=True))} == {a.id, b.id}
    assert registration.approval_queue(session, make_user()) == []


def test_update_and_archive(session, make_area, make_user):
    contact = make_user()
    area = make_area(status="pending", contact=contact)
    # Before approval the outline changes at once: the approval covers it (active areas: test_outline_change.py).
    registration.update_area(session, contact, area.id, name="Nytt namn", geometry_data=square(17.02, 58.76))
    assert area.name == "Nytt namn" and area.min_lon == 17.02
    with pytest.raises(ServiceError):
        registration.update_area(session, contact, area.id, geometry_data={"type": "Point", "coordinates": [17, 58]})
    session.refresh(area)
    assert area.min_lon == 17.02  # nothing half-written
    registration.archive_area(session, contact, area.id)
    assert area.status == AreaStatus.archived
    with pytest.raises(ServiceError) as err:
        registration.update_area(session, contact, area.id, name="x")
    assert err.value.code == "area_closed"


def test_roles_main_contact_and_last_contact(session, make_area, make_user, add_member):
    contact, member = make_user(), make_user()
    area = make_area(contact=contact)
    add_member(area, member)
    registration.set_role(session, contact, area.id, user_id=member.id, role="contact", main=True)
    contacts = registration.contacts(session, area.id)
    assert [c.user_id for c in contacts] == [member.id, contact.id]  # main contact first
    assert [c.is_main_contact for c in contacts] == [True, False]
    registration.set_role(session, member, area.id, user_id=contact.id, role="member")
    with pytest.raises(ServiceError) as err:
        registration.set_role(session, member, area.id, user_id=member.id, role="member")
    assert err.value.code == "last_contact"


def test_cli(runner, session, make_area, make_user):
    contact = make_user(email="karin@example.se")
    area = make_area(status="pending", contact=contact)
    make_user(email="polis@example.se", police=True, municipality=MUNICIPALITY)
    out = runner.invoke(args=["areas", "list", "--status", "pending"])
    assert out.exit_code == 0 and f"{area.id}\tpending" in out.output and "untrained" in out.output
    out = runner.invoke(args=["areas", "approve", str(area.id), "--as", "polis@example.se"])
    assert out.exit_code != 0 and "utbildats" in out.output
    out = runner.invoke(args=["areas", "mark-trained", str(area.id), "karin@example.se", "--as", "polis@example.se"])
    assert out.exit_code == 0, out.output
    out = runner.invoke(args=["areas", "approve", str(area.id), "--as", "polis@example.se"])
    assert out.exit_code == 0 and "active" in out.output
    session.refresh(area)
    assert area.status == AreaStatus.active
    out = runner.invoke(args=["areas", "index-stats"])
    assert "1 active areas" in out.output
    out = runner.invoke(args=["areas", "approve", "9999", "--as", "polis@example.se"])
    assert out.exit_code != 0
