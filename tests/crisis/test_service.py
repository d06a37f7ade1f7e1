"""Trygghetspunkter service: describing points (bad input refused, nothing written), opening and closing,
who gets e-mail, nearest by great-circle distance, GDPR."""
from __future__ import annotations

import pytest
from sqlmodel import select

from tests.crisis.conftest import IN_BRANDHOLMEN, IN_CENTRUM, MUNI, OUTSIDE
from watch.core import events
from watch.crisis import distance, service
from watch.crisis.models import ACTIVATED, DEACTIVATED, PLANNED, CrisisMailChoice, CrisisPoint, CrisisPointEvent
from watch.core.errors import ServiceError
from watch.mail.models import OutboxMessage


def _count(session, model) -> int:
    return len(session.exec(select(model)).all())


def _crisis_mails(session) -> int:
    return len(session.exec(select(OutboxMessage).where(OutboxMessage.kind == "crisis_activated")).all())


def test_a_coordinator_creates_a_planned_point(cw):
    p = cw.point()
    assert p.status == PLANNED and p.municipality == MUNI and p.offers == "information,heat,water,charging"
    assert [e.action for e in service.events_of(cw.session, p.id)] == ["created"]


@pytest.mark.parametrize("kw, code, field", [
    (dict(lon=OUTSIDE[0], lat=OUTSIDE[1]), "outside_municipality", "lon"),
    (dict(lon=2.35, lat=48.85), "outside_municipality", "lon"),
    (dict(lon=None, lat=None), "where_missing", "lon"),
    (dict(lon="x", lat="y"), "position_invalid", "lon"),
    (dict(name="  "), "name_missing", "name"),
    (dict(name="x" * 121), "name_too_long", "name"),
    (dict(building_type="castle"), "building_type_unknown", "building_type"),
    (dict(offers=["heat", "jacuzzi"]), "offer_unknown", "offers"),
    (dict(capacity=0), "capacity_invalid", "capacity"),
])
def test_bad_input_is_refused_and_nothing_is_written(cw, kw, code, field):
    with pytest.raises(ServiceError) as exc:
        cw.point(**kw)
    assert exc.value.code == code and exc.value.details.get("field") == field
    cw.session.rollback()
    assert _count(cw.session, CrisisPoint) == 0 and _count(cw.session, CrisisPointEvent) == 0


def test_the_outside_message_is_in_the_users_language(app, cw):
    from flask_babel import force_locale

    with pytest.raises(ServiceError) as exc:
        cw.point(lon=OUTSIDE[0], lat=OUTSIDE[1])
    with force_locale("sv"):
        assert str(exc.value.message) == "Platsen ligger utanför Nyköping."


def test_another_municipalitys_organisation_is_refused(cw):
    with pytest.raises(ServiceError) as exc:
        cw.point(organisation_id=cw.orgs["oxelo"].id)
    assert exc.value.code == "organisation_unknown"


def test_only_the_coordinator_or_an_admin_keeps_points(cw):
    with pytest.raises(ServiceError) as exc:
        cw.point(who="quiet")
    assert exc.value.status == 403
    assert cw.point(who="admin").id
    with pytest.raises(ServiceError):
        service.create(cw.session, user=cw["coord"], municipality="Atlantis", data=service.PointIn(
            name="x", lon=IN_CENTRUM[0], lat=IN_CENTRUM[1], building_type="school"))


def test_activation_emails_those_who_chose_it_with_the_distance_and_offers(cw):
    p = cw.point()
    point, counts = service.activate(cw.session, user=cw["coord"], point_id=p.id, opening_hours="Dygnet runt",
                                     offered_now=["heat", "water", "call_112"])
    assert point.status == ACTIVATED and point.activated_at and point.offered_now == "heat,water,call_112"
    # Audience: the four members and the two contact representatives of Nyköping's areas; e-mail: those who chose it
    # and confirmed their address (not the unconfirmed member, not Oxelösund's member, not someone without an area).
    assert (counts["audience"], counts["email"]) == (6, 2)
    mails = {m.to_address: m for m in cw.session.exec(select(OutboxMessage).where(OutboxMessage.kind == "crisis_activated"))}
    assert set(mails) == {cw["mailer"].email, cw["english"].email}
    sv = mails[cw["mailer"].email]
    assert sv.subject == "Trygghetspunkt öppen: Stadsbiblioteket"
    # Brandholmen's centre is about 1.5 km from the library, as the crow flies, in Swedish format.
    assert "Från ditt område Brandholmen: fågelvägen ca 1,5 km." in sv.body_text
    assert "Värme, Dricksvatten, Möjlighet att ringa 112" in sv.body_text
    en = mails[cw["english"].email]
    assert "as the crow flies about" in en.body_text and "Heat, Drinking water" in en.body_text
    assert [e.action for e in service.events_of(cw.session, p.id)] == ["activated", "created"]


def test_activating_an_open_point_is_refused_and_changes_nothing(cw):
    p = cw.point()
    service.activate(cw.session, user=cw["coord"], point_id=p.id, opening_hours="08–20", offered_now=["heat"])
    before = _crisis_mails(cw.session)
    since = cw.session.get(CrisisPoint, p.id).activated_at
    with pytest.raises(ServiceError) as exc:
        service.activate(cw.session, user=cw["coord"], point_id=p.id, opening_hours="Dygnet runt", offered_now=["water"])
    assert exc.value.code == "already_active" and exc.value.status == 409
    cw.session.rollback()
    again = cw.session.get(CrisisPoint, p.id)
    assert again.activated_at == since and again.opening_hours == "08–20" and again.offered_now == "heat"
    assert _crisis_mails(cw.session) == before


@pytest.mark.parametrize("hours, offered, code", [("", ["heat"], "opening_hours_missing"), ("08–20", [], "offered_now_missing"),
                                                  ("08–20", ["spa"], "offer_unknown")])
def test_activation_needs_hours_and_offers(cw, hours, offered, code):
    p = cw.point()
    with pytest.raises(ServiceError) as exc:
        service.activate(cw.session, user=cw["coord"], point_id=p.id, opening_hours=hours, offered_now=offered)
    assert exc.value.code == code
    cw.session.rollback()
    assert cw.session.get(CrisisPoint, p.id).status == PLANNED
    assert _crisis_mails(cw.session) == 0


def test_deactivate_and_open_again(cw):
    p = cw.point()
    with pytest.raises(ServiceError) as exc:
        service.deactivate(cw.session, user=cw["coord"], point_id=p.id)
    assert exc.value.code == "not_active"
    cw.session.rollback()
    service.activate(cw.session, user=cw["coord"], point_id=p.id, opening_hours="08–20", offered_now=["heat"])
    closed = service.deactivate(cw.session, user=cw["coord"], point_id=p.id)
    assert closed.status == DEACTIVATED and closed.deactivated_at and closed.offered_now == ""
    with pytest.raises(ServiceError):
        service.deactivate(cw.session, user=cw["quiet"], point_id=p.id)
    cw.session.rollback()
    reopened, _ = service.activate(cw.session, user=cw["coord"], point_id=p.id, opening_hours="Dygnet runt", offered_now=["water"])
    assert reopened.status == ACTIVATED and reopened.deactivated_at is None


def test_nearest_is_great_circle_and_labelled_honestly(app, cw):
    from flask_babel import force_locale

    a = cw.point(name="Biblioteket")
    b = cw.point(name="Brandholmsskolan", lon=IN_BRANDHOLMEN[0], lat=IN_BRANDHOLMEN[1], building_type="school")
    ranked = service.nearest(service.points_of(cw.session, MUNI), IN_BRANDHOLMEN[0], IN_BRANDHOLMEN[1])
    assert [p.id for _d, p in ranked] == [b.id, a.id]
    assert 1400 < ranked[1][0] < 1500
    with force_locale("sv"):
        assert distance.label(1449) == "fågelvägen ca 1,4 km"
        assert distance.label(12345.0) == "fågelvägen ca 12,3 km"
        assert distance.label(234) == "fågelvägen ca 230 m"
    with force_locale("en"):
        assert distance.label(1449) == "as the crow flies about 1.4 km"


def test_the_users_data_is_exported_and_forgotten(cw):
    p = cw.point()
    data = {}
    events.user_export.send(cw["coord"], session=cw.session, data=data)
    assert data["crisis_point_changes"][0]["point_id"] == p.id and data["crisis_mail"] is False
    data = {}
    events.user_export.send(cw["mailer"], session=cw.session, data=data)
    assert data["crisis_mail"] is True
    events.user_deleting.send(cw["coord"], session=cw.session)
    events.user_deleting.send(cw["mailer"], session=cw.session)
    cw.session.commit()
    assert {e.actor_id for e in cw.session.exec(select(CrisisPointEvent))} == {None}
    assert cw.session.get(CrisisMailChoice, cw["mailer"].id) is None
