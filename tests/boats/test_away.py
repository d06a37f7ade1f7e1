"""Away notices (grannlapp): who may read them, bad input, helpers, the alert audience, self-deletion."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import func, select

from tests.areas.conftest import login_as
from watch.core import tasks
from watch.boats.away import service
from watch.boats.away.models import AwayNotice, AwayReader, AwayRequest
from watch.core.errors import ServiceError

READERS = ("owner", "neighbour", "member", "contact", "police_contact", "police_same", "admin", "non_member", "other_area")


@pytest.fixture
def street(session, make_user, make_area, add_member):
    """A neighbourhood-watch area: an owner going away, a chosen neighbour, a member, a contact, police, admin, outsiders."""
    people = {"contact": make_user(name="Greta Gatuombud")}
    area = make_area(contact=people["contact"], name="Björkvägen")
    other = make_area(contact=make_user(), name="Annan gata", at=(17.2, 58.7))
    for role in ("owner", "neighbour", "member"):
        people[role] = make_user(name=role.capitalize())
        add_member(area, people[role])
    people["police_contact"] = make_user(police=True, municipality="Nyköping")
    add_member(area, people["police_contact"], "police")
    people["police_same"] = make_user(police=True, municipality="Nyköping")
    people["admin"] = make_user(admin=True)
    people["non_member"] = make_user()
    people["other_area"] = make_user()
    add_member(other, people["other_area"])
    return area, people


def _notice(session, area, people, audience="neighbours", **extra):
    today = service.today()
    values = dict(starts_on=today, ends_on=today + timedelta(days=7), audience=audience,
                  readers=[people["neighbour"].id] if audience == "neighbours" else [], phone="070-123 45 67",
                  key_holder="Grannen i nr 5", expected_activity="Timer på lampor", requests=["Töm brevlådan", "Ställ ut soptunnan"])
    values.update(extra)
    return service.create_notice(session, people["owner"], area.id, **values)


@pytest.mark.parametrize("audience,allowed", [
    ("neighbours", {"owner", "neighbour"}),
    ("contacts", {"owner", "contact"}),
    ("area", {"owner", "neighbour", "member", "contact"}),
])
def test_access_matrix(client, auth, session, street, audience, allowed):
    """Nobody outside the audience can read a notice: not police, not admins, not other areas."""
    area, people = street
    notice = _notice(session, area, people, audience)
    for who in READERS:
        user = people[who]
        assert service.can_read(session, user, notice) == (who in allowed), who
        auth.as_user(user)
        r = client.get(f"/away/{notice.id}")
        assert r.status_code == (200 if who in allowed else 404), (who, r.status_code)
        listed = client.get("/away/").get_data(as_text=True)
        assert (f'id="away-link-{notice.id}"' in listed) == (who in allowed), who
    client.post("/account/logout")
    assert client.get(f"/away/{notice.id}").status_code in (302, 401)


def test_boat_owner_in_a_marina_too(session, world):
    """Both kinds of area: a boat owner leaves a notice for a neighbour at the jetty."""
    people = {"owner": world.owner, "neighbour": world.people["member"]}
    notice = _notice(session, world.area, people, requests=["Kolla förtöjningarna efter stormen"])
    assert service.can_read(session, world.people["member"], notice)
    assert not service.can_read(session, world.people["police_same"], notice)
    assert not service.can_read(session, world.contact, notice)


@pytest.mark.parametrize("change,code,field", [
    ({"ends_on": -1, "starts_on": -5}, "away_in_past", "ends_on"),
    ({"starts_on": 3, "ends_on": 1}, "away_order", "ends_on"),
    ({"starts_on": 0, "ends_on": 3 * 365}, "away_too_long", "ends_on"),
    ({"starts_on": 400, "ends_on": 410}, "away_too_far_ahead", "starts_on"),
    ({"starts_on": "igår", "ends_on": 3}, "date_invalid", "starts_on"),
    ({"readers": []}, "readers_missing", "readers"),
    ({"readers": ["OUTSIDER"]}, "reader_not_in_area", "readers"),
    ({"readers": ["x"]}, "reader_invalid", "readers"),
    ({"audience": "public"}, "audience_invalid", "audience"),
    ({"phone": "ring mig"}, "phone_invalid", "phone"),
    ({"requests": ["x" * 201]}, "request_too_long", "requests"),
])
def test_bad_input_writes_nothing(session, street, change, code, field):
    area, people = street
    today = service.today()
    change = dict(change)
    for key in ("starts_on", "ends_on"):
        if isinstance(change.get(key), int):
            change[key] = today + timedelta(days=change[key])
    if change.get("readers") == ["OUTSIDER"]:
        change["readers"] = [people["other_area"].id]
    with pytest.raises(ServiceError) as err:
        _notice(session, area, people, **change)
    assert err.value.code == code and err.value.details["field"] == field and str(err.value.message)
    session.rollback()
    for model in (AwayNotice, AwayReader, AwayRequest):
        assert session.exec(select(func.count()).select_from(model)).one() == 0


def test_only_members_leave_notices(session, street):
    area, people = street
    for who in ("non_member", "police_contact", "other_area"):
        with pytest.raises(ServiceError):
            service.create_notice(session, people[who], area.id, starts_on=service.today(), ends_on=service.today(), readers=[people["owner"].id])
    session.rollback()
    assert session.exec(select(func.count()).select_from(AwayNotice)).one() == 0


def test_form_in_swedish_and_a_helper_accepts(client, auth, session, street):
    area, people = street
    auth.as_user(people["owner"])
    page = client.get(f"/away/new/{area.id}").get_data(as_text=True)
    assert f'id="reader-{people["neighbour"].id}"' in page and f'id="reader-{people["non_member"].id}"' not in page
    today = service.today()
    bad = {"starts_on": (today - timedelta(days=9)).isoformat(), "ends_on": (today - timedelta(days=2)).isoformat(),
           "audience": "neighbours", "readers": [str(people["neighbour"].id)]}
    r = client.post(f"/away/new/{area.id}", data=bad)
    assert r.status_code == 422 and "Hemkomstdagen har redan passerat" in r.get_data(as_text=True)
    good = dict(bad, starts_on=today.isoformat(), ends_on=(today + timedelta(days=5)).isoformat(), requests="Töm brevlådan\nVattna blommorna")
    r = client.post(f"/away/new/{area.id}", data=good)
    assert r.status_code == 302
    notice = session.exec(select(AwayNotice)).one()
    first = service.requests_of(session, notice.id)[0]
    auth.as_user(people["neighbour"])
    r = client.post(f"/away/requests/{first.id}/accept")
    assert r.status_code == 302
    session.expire_all()
    assert session.get(AwayRequest, first.id).accepted_by_id == people["neighbour"].id
    auth.as_user(people["member"])  # not in the audience: cannot even know it exists
    assert client.post(f"/away/requests/{first.id}/accept").status_code == 404
    with pytest.raises(ServiceError) as err:
        service.accept_request(session, people["owner"], first.id)
    assert err.value.code == "own_request"


def test_an_alert_during_the_absence_reaches_the_owner_and_helpers(session, street):
    area, people = street
    notice = _notice(session, area, people)
    req = service.requests_of(session, notice.id)[0]
    service.accept_request(session, people["neighbour"], req.id)
    today = service.today()
    assert service.absent_audience(session, [area.id], on=today) == {people["owner"].id: area.id, people["neighbour"].id: area.id}
    assert service.absent_audience(session, [area.id], on=today + timedelta(days=8)) == {}
    assert service.absent_audience(session, [area.id + 1000], on=today) == {}


def test_alert_pushes_to_the_absent_owner_even_when_muted(app, session, street, make_user):
    """The push fan-out asks the boats domain for the absent household: a muted owner still gets it."""
    from watch.alerts.models import Alert, Category
    from watch.push.delivery import fanout
    from watch.push.models import Delivery, PushPreference, PushSubscription

    area, people = street
    _notice(session, area, people)
    owner, member = people["owner"], people["member"]
    for i, u in enumerate((owner, member)):
        session.add(PushSubscription(user_id=u.id, endpoint=f"https://push.example/{i}", p256dh="k", auth="a", host="push.example"))
    session.add(PushPreference(user_id=owner.id, area_id=area.id, level="none"))
    author = make_user()
    from watch.core.time import utcnow

    alert = Alert(author_id=author.id, category=Category.burglary, text="Inbrott", lon=17.008, lat=58.755, observed_at=utcnow())
    session.add(alert)
    session.flush()
    assert fanout.fan_out_all(session, alert, [area.id]) == 2
    got = {d.user_id for d in session.exec(select(Delivery).where(Delivery.alert_id == alert.id))}
    assert got == {owner.id, member.id}


def test_deletes_itself_after_the_return(app, session, street):
    area, people = street
    notice = _notice(session, area, people, ends_on=service.today())
    keep = app.config["AWAY_KEEP_DAYS"]
    assert service.purge(session, on=service.today() + timedelta(days=keep)) == 0
    assert service.purge(session, on=service.today() + timedelta(days=keep + 1)) == 1
    assert session.get(AwayNotice, notice.id) is None
    assert session.exec(select(func.count()).select_from(AwayRequest)).one() == 0
    assert "boats.away_purge" in [t.name for t in tasks.tasks(app)]


def test_export_delete_and_leaving(session, street):
    from watch.accounts import service as accounts
    from watch.areas.members import service as members

    area, people = street
    notice = _notice(session, area, people)
    service.accept_request(session, people["neighbour"], service.requests_of(session, notice.id)[0].id)
    data = accounts.export_data(session, people["owner"])
    assert data["away_notices"][0]["requests"] == ["Töm brevlådan", "Ställ ut soptunnan"]
    assert accounts.export_data(session, people["neighbour"])["away_requests_accepted"][0]["text"] == "Töm brevlådan"
    members.leave_area(session, people["neighbour"], area.id)
    assert session.exec(select(AwayReader)).all() == []
    accounts.delete_user(session, people["owner"])
    session.commit()
    assert session.exec(select(AwayNotice)).all() == []


def test_every_read_by_someone_else_is_in_the_access_log(client, auth, session, street):
    """Neighbours' reads are recorded too (not only police and admin views); the owner's own are not."""
    from sqlmodel import select

    from watch.audit.models import AccessRecord

    area, people = street
    notice = _notice(session, area, people, "area")
    for who in ("owner", "neighbour", "contact"):
        auth.as_user(people[who])
        assert client.get(f"/away/{notice.id}").status_code == 200
    session.expire_all()
    rows = session.exec(select(AccessRecord).order_by(AccessRecord.id)).all()
    assert [(r.actor_id, r.actor_role, r.kind, r.object_id, r.owner_id) for r in rows] == [
        (people[who].id, "member", "away_notice", notice.id, people["owner"].id) for who in ("neighbour", "contact")]
