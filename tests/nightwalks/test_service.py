"""Bad input and access: a clear refusal in the user's language, nothing half-written."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlmodel import select

from tests.nightwalks.conftest import MUNICIPALITY, move_to_now
from watch.core.time import local
from watch.core.time import utcnow
from watch.core.errors import ServiceError
from watch.est.models import EstReport
from watch.nightwalks import debrief, service
from watch.nightwalks.models import NightShift, NightWalker, NightWalkGroup, ShiftDebrief, ShiftSignup


def _refused(code, fn, *args, **kw) -> ServiceError:
    with pytest.raises(ServiceError) as info:
        fn(*args, **kw)
    assert info.value.code == code, info.value.code
    return info.value


@pytest.mark.parametrize("birth_year, code", [("2015", "under_age"), ("abc", "birth_year_invalid"), ("", "birth_year_invalid"),
                                              ("1890", "birth_year_invalid"), ("20101", "birth_year_invalid")])
def test_walkers_are_adults(session, group, make_user, birth_year, code):
    user = make_user()
    exc = _refused(code, service.join_group, session, user, group.id, birth_year=birth_year)
    assert exc.details["field"] == "birth_year"
    assert session.exec(select(NightWalker)).all() == []


def test_under_age_message_is_in_swedish_and_names_the_minimum(app, session, group, make_user):
    app.config["NIGHTWALKS_MIN_AGE"] = 20
    this_year = local(utcnow()).year
    with force_locale("sv"):
        exc = _refused("under_age", service.join_group, session, make_user(), group.id, birth_year=this_year - 19)
        assert "minst 20 år" in str(exc.message)
    service.join_group(session, make_user(), group.id, birth_year=this_year - 20)  # turns 20 this year: accepted


def test_join_twice_and_leave(session, group, make_user, make_shift):
    user = make_user()
    service.join_group(session, user, group.id, birth_year=1975)
    _refused("already_walker", service.join_group, session, user, group.id, birth_year=1975)
    shift = make_shift(group)
    service.sign_up(session, user, shift.id)
    service.leave_group(session, user, group.id)
    assert session.exec(select(ShiftSignup)).all() == []  # coming sign-ups go with the walker
    _refused("not_walker", service.leave_group, session, user, group.id)


def test_only_organisers_start_groups_and_only_leaders_plan(session, group, make_user, make_walker):
    resident = make_user(municipality=MUNICIPALITY)
    _refused("group_forbidden", service.create_group, session, resident, municipality=MUNICIPALITY, name="X", meeting_point="Y")
    walker = make_walker(group)
    start = utcnow() + timedelta(days=1)
    _refused("group_forbidden", service.create_shift, session, walker, group.id, starts_at=start, ends_at=start + timedelta(hours=4))
    leader = make_walker(group, leader=True)
    assert service.create_shift(session, leader, group.id, starts_at=start, ends_at=start + timedelta(hours=4)).meeting_point == "Stora torget"
    assert len(session.exec(select(NightWalkGroup)).all()) == 1


@pytest.mark.parametrize("change, code", [
    (dict(ends_at=-1), "ends_before_start"), (dict(ends_at=13), "too_long"), (dict(subgroups=0), "subgroups_invalid"),
    (dict(subgroups="x"), "subgroups_invalid"), (dict(start=-2), "in_past"), (dict(meeting_point=" " * 3, blank=True), None),
])
def test_bad_shift_is_refused_and_nothing_is_written(session, police, group, change, code):
    start = utcnow() + timedelta(hours=change.pop("start", 24))
    fields = dict(starts_at=start, ends_at=start + timedelta(hours=change.pop("ends_at", 6)), subgroups=change.pop("subgroups", 1))
    if change.pop("blank", False):  # a blank meeting point falls back to the group's
        assert service.create_shift(session, police, group.id, meeting_point="   ", **fields).meeting_point == "Stora torget"
        return
    _refused(code, service.create_shift, session, police, group.id, **fields)
    assert session.exec(select(NightShift)).all() == []


def test_sign_up_rules(session, police, group, make_user, make_walker, make_shift):
    shift = make_shift(group, subgroups=2)
    outsider = make_user()
    _refused("shift_not_found", service.sign_up, session, outsider, shift.id)  # outsiders do not learn the shift exists
    walker = make_walker(group)
    _refused("subgroup_invalid", service.sign_up, session, walker, shift.id, subgroup=3)
    service.sign_up(session, walker, shift.id, subgroup=2)
    _refused("already_signed_up", service.sign_up, session, walker, shift.id)
    service.sign_off(session, walker, shift.id)
    _refused("not_signed_up", service.sign_off, session, walker, shift.id)
    assert service.sign_up(session, walker, shift.id, subgroup=1).subgroup == 1  # back again
    _refused("checkin_early", service.check_in, session, walker, shift.id)
    service.cancel_shift(session, police, shift.id)
    _refused("shift_cancelled", service.sign_up, session, make_walker(group), shift.id)
    _refused("shift_cancelled", service.cancel_shift, session, police, shift.id)


def test_no_sign_off_after_the_start_and_no_check_in_after_the_end(session, group, make_walker, make_shift):
    shift = make_shift(group)
    walker = make_walker(group)
    service.sign_up(session, walker, shift.id)
    move_to_now(session, shift)
    _refused("shift_started", service.sign_off, session, walker, shift.id)
    _refused("shift_started", service.sign_up, session, make_walker(group), shift.id)
    _refused("shift_over", service.check_in, session, walker, shift.id, now=utcnow() + timedelta(hours=7))
    assert service.check_in(session, walker, shift.id).checked_in == 1
    assert service.check_in(session, walker, shift.id).checked_in == 1  # twice is once


@pytest.fixture
def walked(session, group, make_walker, make_shift):
    """A shift under way with two walkers checked in, one trained."""
    shift = make_shift(group)
    a, b = make_walker(group, trained=True), make_walker(group)
    for w in (a, b):
        service.sign_up(session, w, shift.id)
    move_to_now(session, shift)
    for w in (a, b):
        service.check_in(session, w, shift.id)
    return shift, a, b


@pytest.mark.parametrize("text_field", ["notes", "places"])
def test_debrief_with_a_personnummer_is_refused_and_nothing_is_stored(session, walked, text_field):
    shift, a, _b = walked
    data = debrief.DebriefIn(adults=2, hours=5, events={"fight": 2}, confirm_personal_data=True,
                             **{text_field: "Pratade med en kille, 811218-9876, vid kiosken"})
    with force_locale("sv"):
        exc = _refused("personnummer", debrief.submit, session, a, shift.id, data)
        assert "personnummer" in str(exc.message) and "Inget sparades" in str(exc.message)
    assert exc.details["field"] == text_field
    session.rollback()
    assert session.exec(select(ShiftDebrief)).all() == [] and session.exec(select(EstReport)).all() == []


def test_debrief_phone_number_needs_confirmation(session, walked):
    shift, a, _b = walked
    data = debrief.DebriefIn(adults=2, hours=5, notes="Ring 070-123 45 67 om lokalen")
    _refused("personal_data_warning", debrief.submit, session, a, shift.id, data)
    data.confirm_personal_data = True
    assert debrief.submit(session, a, shift.id, data).id


@pytest.mark.parametrize("data, code", [
    (dict(adults=1, hours=5), "adults_invalid"), (dict(adults=2, hours=0), "hours_invalid"), (dict(adults=2, hours="x"), "hours_invalid"),
    (dict(adults=2, hours=5, young_people="some"), "young_people_invalid"),
    (dict(adults=2, hours=5, events={"fight": -1}), "fight_invalid"), (dict(adults=2, hours=5, events={"damage": 51}), "damage_invalid"),
    (dict(adults=2, hours=5, places_visited="many"), "places_visited_invalid"),
])
def test_bad_debrief_numbers(session, walked, data, code):
    shift, a, _b = walked
    _refused(code, debrief.submit, session, a, shift.id, debrief.DebriefIn(**data))
    assert session.exec(select(ShiftDebrief)).all() == []


def test_debrief_needs_a_walk_that_could_start(session, group, make_walker, make_shift):
    shift = make_shift(group)
    a, b = make_walker(group), make_walker(group)  # nobody trained
    for w in (a, b):
        service.sign_up(session, w, shift.id)
    _refused("not_checked_in", debrief.submit, session, a, shift.id, debrief.DebriefIn(adults=2, hours=5))
    move_to_now(session, shift)
    for w in (a, b):
        service.check_in(session, w, shift.id)
    with force_locale("sv"):
        exc = _refused("walk_not_started", debrief.submit, session, a, shift.id, debrief.DebriefIn(adults=2, hours=5))
        assert "minst 2" in str(exc.message)
    assert session.exec(select(ShiftDebrief)).all() == []


def test_one_debrief_per_shift_and_not_before_the_walk(session, walked, police, group, make_shift):
    shift, a, b = walked
    debrief.submit(session, a, shift.id, debrief.DebriefIn(adults=2, hours=5))
    _refused("debrief_exists", debrief.submit, session, b, shift.id, debrief.DebriefIn(adults=2, hours=5))
    later = make_shift(group)
    _refused("not_started", debrief.submit, session, police, later.id, debrief.DebriefIn(adults=2, hours=5))


def test_events_stay_out_of_est_without_an_organisation_or_a_map_point(session, walked, group):
    shift, a, _b = walked
    group.lon = group.lat = None
    session.add(group)
    session.commit()
    d = debrief.submit(session, a, shift.id, debrief.DebriefIn(adults=2, hours=5, events={"damage": 2}))
    assert d.damage == 2 and d.est_reports == 0
    assert session.exec(select(EstReport)).all() == []
