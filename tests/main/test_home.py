"""The home page is each person's to-do list: police, contact representative, admin, newcomer."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from watch.areas.models import AreaJoinRequest, AreaMembership, AreaStatus
from watch.core.time import utcnow

SV = {"Accept-Language": "sv"}


def home(client) -> str:
    res = client.get("/", headers=SV)
    assert res.status_code == 200
    return res.get_data(as_text=True)


def test_police_sees_alerts_waiting_for_acknowledgement(world, post, client, auth):
    post("member")
    post("member", text="Ännu en")
    auth.as_user(world.user("police"))
    page = home(client)
    assert 'id="todo-alerts"' in page and "2 larm väntar på kvittens" in page
    assert "/alerts?status=open" in page
    client.post(f"/api/v1/alerts/{post('member', text='Tredje').id}/acknowledge")
    assert "2 larm väntar på kvittens" in home(client)


def test_members_see_no_police_tasks(world, post, client, auth):
    post("member")
    auth.as_user(world.user("member"))
    page = home(client)
    assert 'id="todo-alerts"' not in page and 'id="todo-empty"' in page


def test_contact_sees_join_requests_pending_area_and_training(world, make_area, join, make_user, client, auth, session):
    contact = world.user("contact")
    asker = make_user(name="Åsa Undrar")
    session.add(AreaJoinRequest(area_id=world.area.id, user_id=asker.id))
    pending = make_area("Nya hamnen", status=AreaStatus.pending)
    join(contact, pending, "contact")
    m = session.exec(select(AreaMembership).where(AreaMembership.user_id == contact.id, AreaMembership.area_id == world.area.id)).one()
    m.trained_on = (utcnow() - timedelta(days=335)).date()
    session.add(m)
    session.commit()
    auth.as_user(contact)
    page = home(client)
    assert "1 förfrågan att gå med i Gamla stan" in page
    assert "Nya hamnen väntar på polisens godkännande" in page
    assert "Din utbildning går ut om 30 dagar" in page


def test_untrained_contact_is_told_how_to_get_trained(world, client, auth, session):
    contact = world.user("contact")
    m = session.exec(select(AreaMembership).where(AreaMembership.user_id == contact.id, AreaMembership.area_id == world.area.id)).one()
    m.trained_on = None
    session.add(m)
    session.commit()
    auth.as_user(contact)
    assert "kontaktombudsutbildningen" in home(client)


def test_police_sees_areas_to_approve_and_admin_the_administration(world, make_area, client, auth):
    make_area("Väntar", status=AreaStatus.pending)
    auth.as_user(world.user("police"))
    assert "1 område väntar på ditt godkännande" in home(client)
    auth.as_user(world.user("admin"))
    page = home(client)
    assert 'id="home-admin"' in page and "/admin/users" in page


def test_newcomer_gets_a_way_forward(make_user, client, auth):
    auth.as_user(make_user(name="Nils Ny"))
    page = home(client)
    assert 'id="todo-join"' in page and "/areas/" in page
    assert client.get("/alerts/new", headers=SV).get_data(as_text=True).count('id="no-areas-start"') == 1
