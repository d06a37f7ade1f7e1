"""Walkers are personal data: export, account deletion and retention."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from tests.conftest import PASSWORD
from tests.nightwalks.conftest import move_to_now
from watch.core import tasks
from watch.accounts import service as accounts
from watch.core.time import utcnow
from watch.nightwalks import debrief, reminders, service
from watch.nightwalks.models import NightShift, NightWalker, ShiftDebrief, ShiftSignup
from watch.training.models import CalendarKey
from watch.training import calendar as personal


def _walked(session, group, make_walker, make_shift):
    shift = make_shift(group)
    a, b = make_walker(group, trained=True), make_walker(group, birth_year=1969)
    for w in (a, b):
        service.sign_up(session, w, shift.id)
    move_to_now(session, shift)
    for w in (a, b):
        service.check_in(session, w, shift.id)
    debrief.submit(session, b, shift.id, debrief.DebriefIn(adults=2, hours=5, places="Torget", events={"damage": 1}))
    return shift, a, b


def test_export_has_groups_signups_and_debriefs(session, group, make_walker, make_shift):
    _shift, _a, b = _walked(session, group, make_walker, make_shift)
    data = accounts.export_data(session, b)
    assert data["nightwalk_groups"] == [{"group": "Nattvandrarna Centrum", "municipality": "Nyköping", "birth_year": 1969,
                                         "trained": False, "leader": False, "joined_at": data["nightwalk_groups"][0]["joined_at"]}]
    assert len(data["nightwalk_signups"]) == 1 and data["nightwalk_signups"][0]["checked_in_at"]
    assert data["nightwalk_debriefs_written"][0]["places"] == "Torget"


def test_deleting_an_account_removes_the_walker_and_keeps_the_counts(session, group, make_walker, make_shift):
    shift, a, b = _walked(session, group, make_walker, make_shift)
    personal.key_of(session, b)
    b_id = b.id
    accounts.delete_account(session, b, password=PASSWORD)
    session.expire_all()
    assert session.exec(select(NightWalker).where(NightWalker.user_id == b_id)).all() == []
    assert session.exec(select(ShiftSignup).where(ShiftSignup.user_id == b_id)).all() == []
    assert session.get(CalendarKey, b_id) is None
    d = session.exec(select(ShiftDebrief)).one()
    assert d.written_by_id is None and d.adults == 2 and d.damage == 1  # the counts stay for the grant report
    assert len(service.signups(session, shift.id)) == 1


def test_retention_purges_old_shifts_with_signups_and_debriefs(app, session, group, make_walker, make_shift):
    shift, _a, _b = _walked(session, group, make_walker, make_shift)
    recent = make_shift(group)
    s = session.get(NightShift, shift.id)
    s.starts_at = utcnow() - timedelta(days=app.config["NIGHTWALKS_RETENTION_DAYS"] + 2)
    s.ends_at = s.starts_at + timedelta(hours=6)
    session.add(s)
    session.commit()
    assert "nightwalks.purge" in tasks.run_all(app, only="nightwalks.purge")
    session.expire_all()
    assert [x.id for x in session.exec(select(NightShift)).all()] == [recent.id]
    assert session.exec(select(ShiftSignup)).all() == [] and session.exec(select(ShiftDebrief)).all() == []
    assert reminders.purge(session, days=app.config["NIGHTWALKS_RETENTION_DAYS"]) == 0
