"""Reminders before a session and before training runs out; the register CSV; retention; GDPR."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlmodel import select

from tests.training.conftest import MUNICIPALITY
from watch.core import events
from watch.areas.registration import service as registration
from watch.core.time import utcnow
from watch.core.errors import ServiceError
from watch.mail.models import OutboxMessage
from watch.training import register, reminders, service
from watch.training.models import RegistrationStatus, TrainingRegistration, TrainingSession


def _mails(session, kind):
    return session.exec(select(OutboxMessage).where(OutboxMessage.kind == kind)).all()


def test_session_reminder_goes_once_to_those_with_a_place(session, make_session, make_user):
    soon, later = make_session(capacity=1, days=1), make_session(days=10)
    placed, waiting = make_user(), make_user()
    service.register(session, placed, soon.id)
    service.register(session, waiting, soon.id)
    service.register(session, waiting, later.id)
    assert reminders.send_session_reminders(session, hours=48) == 1
    assert reminders.send_session_reminders(session, hours=48) == 0
    (msg,) = _mails(session, "training_reminder")
    assert msg.to_address == placed.email and "Polishuset" in msg.body_text and msg.subject.startswith("Påminnelse")


def test_training_running_out_within_60_days_gets_one_reminder_with_next_sessions(app, session, make_session, police, contact, pending_area):
    valid = app.config["AREA_TRAINING_VALID_DAYS"]
    today = utcnow().date()
    registration.mark_trained(session, police, pending_area.id, user_id=contact.id, trained_on=today - timedelta(days=valid - 30))
    make_session(days=14, title="Årlig träff för kontaktombud", kind="gathering")
    make_session(days=20, title="Nattvandring intro", kind="nattvandring")
    assert reminders.send_expiry_reminders(session, today=today, within_days=60) == 1
    assert reminders.send_expiry_reminders(session, today=today, within_days=60) == 0
    (msg,) = _mails(session, "training_expiring")
    assert msg.to_address == contact.email
    assert "Årlig träff för kontaktombud" in msg.body_text and "Nattvandring intro" not in msg.body_text


def test_training_valid_for_long_gets_no_reminder(app, session, police, contact, pending_area):
    registration.mark_trained(session, police, pending_area.id, user_id=contact.id, trained_on=utcnow().date())
    assert reminders.send_expiry_reminders(session, within_days=60) == 0


def test_register_csv_for_the_police(session, police, contact, pending_area, make_user):
    registration.mark_trained(session, police, pending_area.id, user_id=contact.id, trained_on=utcnow().date())
    rows = register.rows(session, police, MUNICIPALITY)
    assert [(r["name"], r["area"], r["trained_on"]) for r in rows] == [("Olga Ombud", "Östra Bergen", utcnow().date().isoformat())]
    parsed = list(csv.reader(io.StringIO(register.to_csv(rows))))
    assert parsed[0][0] == "Namn" and parsed[1][0] == "Olga Ombud" and parsed[1][-1]
    with pytest.raises(ServiceError) as exc:
        register.rows(session, make_user(), MUNICIPALITY)
    assert exc.value.status == 403


def test_csv_cells_cannot_run_as_formulas(session, make_user, police):
    evil = make_user(name="=HYPERLINK(\"x\")")
    registration.create_area(session, evil, kind="grannsamverkan", name="+Area", municipality=MUNICIPALITY,
                             geometry_data={"type": "Polygon", "coordinates": [[[17.1, 58.7], [17.104, 58.7], [17.104, 58.704], [17.1, 58.704], [17.1, 58.7]]]})
    text = register.to_csv(register.rows(session, police, MUNICIPALITY))
    assert "'=HYPERLINK" in text and "'+Area" in text


def test_retention_removes_old_sessions_only(session, make_session, make_user):
    old, new = make_session(), make_session()
    service.register(session, make_user(), old.id)
    old.starts_at, old.ends_at = utcnow() - timedelta(days=1200), utcnow() - timedelta(days=1200)
    session.add(old)
    session.commit()
    assert reminders.purge(session, days=3 * 365) == 1
    assert [t.id for t in session.exec(select(TrainingSession)).all()] == [new.id]
    assert session.exec(select(TrainingRegistration)).all() == []


def test_gdpr_export_and_delete_free_the_place(session, make_session, make_user):
    ts = make_session(capacity=1)
    gone, next_in_line = make_user(), make_user()
    service.register(session, gone, ts.id)
    service.register(session, next_in_line, ts.id)
    data = {}
    events.user_export.send(gone, session=session, data=data)
    assert data["training_registrations"][0]["status"] == "registered"
    events.user_deleting.send(gone, session=session)
    session.commit()
    assert service.registration_of(session, gone, ts.id) is None
    assert service.registration_of(session, next_in_line, ts.id).status == RegistrationStatus.registered
