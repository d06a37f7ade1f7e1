"""Sessions, the waiting list, attendance that trains, refusals: service level, SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.training.conftest import MUNICIPALITY, move_to_past
from watch.core.time import local
from watch.areas.registration import service as registration
from watch.areas.models import AreaMembership, AreaStatus
from watch.core.time import utcnow
from watch.core.errors import ServiceError
from watch.mail.models import OutboxMessage
from watch.training import service
from watch.training.models import RegistrationStatus, TrainingSession


def test_over_capacity_goes_to_the_waiting_list_and_moves_up_on_cancel(session, make_session, make_user):
    ts = make_session(capacity=2)
    a, b, c, d = (make_user() for _ in range(4))
    assert service.register(session, a, ts.id).status == RegistrationStatus.registered
    assert service.register(session, b, ts.id).status == RegistrationStatus.registered
    assert service.register(session, c, ts.id).status == RegistrationStatus.waiting  # not an error
    assert service.register(session, d, ts.id).status == RegistrationStatus.waiting
    assert service.places_left(session, ts) == 0

    service.cancel_registration(session, a, ts.id)
    statuses = {u.id: r.status for r, u in service.participants(session, ts.id)}
    assert statuses == {b.id: RegistrationStatus.registered, c.id: RegistrationStatus.registered, d.id: RegistrationStatus.waiting}
    promoted = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "training_promoted")).all()
    assert [m.to_address for m in promoted] == [c.email]
    assert "Grundutbildning kontaktombud" in promoted[0].body_text


def test_more_places_promote_the_queue(session, make_session, make_user, police):
    ts = make_session(capacity=1)
    a, b = make_user(), make_user()
    service.register(session, a, ts.id)
    assert service.register(session, b, ts.id).status == RegistrationStatus.waiting
    service.update_session(session, police, ts.id, municipality=ts.municipality, kind=ts.kind, title=ts.title, place=ts.place,
                           starts_at=ts.starts_at, ends_at=ts.ends_at, capacity=2)
    assert service.registration_of(session, b, ts.id).status == RegistrationStatus.registered
    assert session.get(TrainingSession, ts.id).sequence == 1


def test_registering_twice_and_cancelling_without_a_place_are_refused(session, make_session, make_user):
    ts, user = make_session(), make_user()
    service.register(session, user, ts.id)
    with pytest.raises(ServiceError) as exc:
        service.register(session, user, ts.id)
    assert exc.value.code == "already_registered"
    service.cancel_registration(session, user, ts.id)
    with pytest.raises(ServiceError) as exc:
        service.cancel_registration(session, user, ts.id)
    assert exc.value.code == "not_registered"
    # back again: at the end of the queue, a fresh place
    assert service.register(session, user, ts.id).status == RegistrationStatus.registered


def test_registration_closes_when_the_session_starts(session, make_session, make_user):
    ts = make_session()
    move_to_past(session, ts)
    with pytest.raises(ServiceError) as exc:
        service.register(session, make_user(), ts.id)
    assert exc.value.code == "session_started" and exc.value.status == 409


@pytest.mark.parametrize("override, code", [
    ({"capacity": 0}, "capacity_invalid"),
    ({"capacity": "many"}, "capacity_invalid"),
    ({"kind": "picnic"}, "kind_invalid"),
    ({"title": "   "}, "title_missing"),
    ({"place": "x" * 201}, "place_too_long"),
    ({"ends_at": "start"}, "ends_before_start"),
    ({"trainer_emails": ["nobody@example.se"]}, "trainer_unknown"),
])
def test_bad_sessions_are_refused_and_nothing_is_written(session, make_session, override, code):
    if override.get("ends_at") == "start":
        override = {"ends_at": utcnow() + timedelta(days=7)}
        override["starts_at"] = override["ends_at"] + timedelta(hours=1)
    with pytest.raises(ServiceError) as exc:
        make_session(**override)
    assert exc.value.code == code and exc.value.status == 422
    session.rollback()
    assert session.exec(select(TrainingSession)).all() == []


def test_only_organisers_create_sessions(session, make_session, make_user):
    for outsider in (make_user(), make_user(police=True, municipality="Oxelösund")):
        with pytest.raises(ServiceError) as exc:
            make_session(actor=outsider)
        assert exc.value.status == 403
    assert make_session(actor=make_user(admin=True)).id


def test_a_contact_trained_at_a_session_can_have_the_area_approved(session, make_session, police, contact, pending_area):
    """Done when: no one marks training by hand; attendance does it, and approval's own check sees it."""
    with pytest.raises(ServiceError) as exc:
        registration.approve_area(session, police, pending_area.id)
    assert exc.value.code == "contact_not_trained"
    session.rollback()

    ts = make_session(kind="startup")
    service.register(session, contact, ts.id)
    with pytest.raises(ServiceError) as exc:  # not before the day
        service.record_attendance(session, police, ts.id, present={contact.id})
    assert exc.value.code == "attendance_early"
    session.rollback()
    move_to_past(session, ts)
    service.record_attendance(session, police, ts.id, present={contact.id})

    m = session.exec(select(AreaMembership).where(AreaMembership.user_id == contact.id)).one()
    assert m.trained_on == local(ts.starts_at).date()
    assert registration.has_trained_contact(session, pending_area.id)
    assert registration.approve_area(session, police, pending_area.id).status == AreaStatus.active


def test_night_walk_introduction_does_not_train_contacts(session, make_session, police, contact, pending_area):
    ts = make_session(kind="nattvandring")
    service.register(session, contact, ts.id)
    move_to_past(session, ts)
    service.record_attendance(session, police, ts.id, present={contact.id})
    assert not registration.has_trained_contact(session, pending_area.id)


def test_a_named_trainer_takes_attendance_others_may_not(session, make_session, make_user, contact, pending_area):
    trainer, stranger = make_user(email="tranare@example.se"), make_user()
    ts = make_session(trainer_emails=["Tranare@example.se"])
    service.register(session, contact, ts.id)
    move_to_past(session, ts)
    with pytest.raises(ServiceError) as exc:
        service.record_attendance(session, stranger, ts.id, present={contact.id})
    assert exc.value.status == 403
    with pytest.raises(ServiceError) as exc:  # someone without a place
        service.record_attendance(session, trainer, ts.id, present={contact.id, stranger.id})
    assert exc.value.code == "not_registered"
    session.rollback()
    assert not registration.has_trained_contact(session, pending_area.id)  # nothing half-written
    service.record_attendance(session, trainer, ts.id, present={contact.id})
    assert registration.has_trained_contact(session, pending_area.id)


def test_an_older_session_never_overwrites_a_later_training_date(session, make_session, police, contact, pending_area):
    registration.mark_trained(session, police, pending_area.id, user_id=contact.id, trained_on=utcnow().date())
    ts = make_session()
    service.register(session, contact, ts.id)
    move_to_past(session, ts, days=30)
    service.record_attendance(session, police, ts.id, present={contact.id})
    m = session.exec(select(AreaMembership).where(AreaMembership.user_id == contact.id)).one()
    assert m.trained_on == utcnow().date()
    assert m.trained_recorded_by_id == police.id


def test_trained_first_then_registering_an_area_counts(session, make_session, make_user, police):
    """Someone trained at a session before they had an area: their new area can be approved at once."""
    from tests.training.conftest import square

    newcomer = make_user()
    ts = make_session()
    service.register(session, newcomer, ts.id)
    move_to_past(session, ts, days=3)
    service.record_attendance(session, police, ts.id, present={newcomer.id})
    area = registration.create_area(session, newcomer, kind="grannsamverkan", name="Ny gata", municipality=MUNICIPALITY,
                                    geometry_data=square(17.02, 58.76))
    assert registration.approve_area(session, police, area.id).status == AreaStatus.active


def test_a_member_made_contact_brings_their_session_training(session, make_session, make_user, police, pending_area, contact):
    member = make_user()
    session.add(AreaMembership(area_id=pending_area.id, user_id=member.id))
    session.commit()
    ts = make_session(kind="gathering")
    service.register(session, member, ts.id)
    move_to_past(session, ts)
    service.record_attendance(session, police, ts.id, present={member.id})  # not a contact yet: nothing to record
    assert not registration.has_trained_contact(session, pending_area.id)
    registration.set_role(session, contact, pending_area.id, user_id=member.id, role="contact")
    assert registration.has_trained_contact(session, pending_area.id)
