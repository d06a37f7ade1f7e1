"""Done when: a night-walk shift goes from the understaffed warning to the debrief (service level)."""
from __future__ import annotations

from sqlmodel import select

from tests.nightwalks.conftest import MUNICIPALITY, move_to_now
from watch.core.time import local
from watch.core import tasks
from watch.est.models import EstReport
from watch.mail.models import OutboxMessage
from watch.nightwalks import debrief, reminders, report, service
from watch.nightwalks.models import NightShift, ShiftDebrief


def _mails(session, kind="nightwalk_understaffed"):
    return session.exec(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)).all()


def test_understaffed_warning_to_debrief(app, session, group, make_walker, make_shift):
    anna = make_walker(group, name="Anna Andersson", email="anna@example.se")
    bertil = make_walker(group, trained=True, name="Bertil Berg", email="bertil@example.se")
    shift = make_shift(group, hours_ahead=20)  # tomorrow evening: inside the day-before window
    service.sign_up(session, anna, shift.id)
    assert service.understaffed(session, shift)  # planned with one walker: allowed, but understaffed

    # The periodic task (as the worker and `flask tick` run it) warns the whole group, once per shift.
    assert "nightwalks.understaffed" in tasks.run_all(app, only="nightwalks.understaffed")
    tasks.run_all(app, only="nightwalks.understaffed")
    assert reminders.send_understaffed_warnings(session, hours=24) == 0
    sent = _mails(session)
    assert sorted(m.to_address for m in sent) == ["anna@example.se", "bertil@example.se"]
    assert "underbemannad" in sent[0].subject.lower() and "Stora torget" in sent[0].body_text
    assert "1 anmäld" in sent[0].body_text or "1 anmälda" in sent[0].body_text

    # A trained walker signs up: the subgroup is staffed.
    service.sign_up(session, bertil, shift.id)
    assert not service.understaffed(session, shift)

    # At the meeting point: one check-in is not enough to start, two (one trained) is.
    move_to_now(session, shift)
    assert not service.check_in(session, anna, shift.id).ready
    assert service.check_in(session, bertil, shift.id).ready

    d = debrief.submit(session, anna, shift.id, debrief.DebriefIn(
        adults=2, hours="5,5", young_people="11-30", places_visited=4, places="Stora torget, busstationen",
        needs_followup=True, events={"intoxication": 2, "fight": 1, "young_alone": 1, "fieldworker_contact": 1}))
    assert d.est_reports == 3  # two intoxication, one fight; a young person alone stays out of EST
    est = session.exec(select(EstReport).where(EstReport.source == "nattvandring")).all()
    assert len(est) == 3 and {r.category for r in est} == {"ordningsstorning"}
    assert all(r.municipality == MUNICIPALITY and r.description for r in est)
    assert {r.subcategory for r in est} == {None, "brak"}

    start = local(shift.starts_at)
    month = report.monthly(session, group, start.year, start.month)
    assert month["walks"] == 1 and month["volunteer_hours"] == 11.0 and month["followups"] == 1


def test_the_warning_is_not_sent_for_staffed_far_or_cancelled_shifts(session, police, group, make_walker, make_shift):
    a, b = make_walker(group, trained=True), make_walker(group)
    staffed = make_shift(group, hours_ahead=20)
    service.sign_up(session, a, staffed.id)
    service.sign_up(session, b, staffed.id)
    make_shift(group, hours_ahead=72)  # understaffed, but not yet the day before
    cancelled = make_shift(group, hours_ahead=10)
    service.cancel_shift(session, police, cancelled.id)
    assert reminders.send_understaffed_warnings(session, hours=24) == 0
    assert _mails(session) == []


def test_a_second_subgroup_without_a_trained_walker_is_understaffed(session, group, make_walker, make_shift):
    shift = make_shift(group, subgroups=2)
    t1, w1, w2, w3 = make_walker(group, trained=True), make_walker(group), make_walker(group), make_walker(group)
    service.sign_up(session, t1, shift.id, subgroup=1)
    service.sign_up(session, w1, shift.id, subgroup=1)
    service.sign_up(session, w2, shift.id, subgroup=2)
    service.sign_up(session, w3, shift.id, subgroup=2)
    numbers = service.staffing(session, shift)
    assert [(g.signed, g.trained, g.staffed) for g in numbers] == [(2, 1, True), (2, 0, False)]
    assert service.understaffed(session, shift)
    # Sign-up without a choice goes where the fewest walk.
    shift2 = make_shift(group, subgroups=2)
    service.sign_up(session, t1, shift2.id, subgroup=1)
    assert service.sign_up(session, w1, shift2.id).subgroup == 2


def test_a_changed_time_may_warn_again(session, police, group, make_walker, make_shift):
    shift = make_shift(group, hours_ahead=20)
    make_walker(group)
    assert reminders.send_understaffed_warnings(session, hours=24) == 1
    s = session.get(NightShift, shift.id)
    service.update_shift(session, police, shift.id, starts_at=s.starts_at, ends_at=s.ends_at, meeting_point="Resecentrum",
                         area="", subgroups=1)
    assert reminders.send_understaffed_warnings(session, hours=24) == 1
    assert len(_mails(session)) == 2
    assert session.exec(select(ShiftDebrief)).all() == []
