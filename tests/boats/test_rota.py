"""Vaktgång: seasons, picking, the fair fill, swaps (adults only), QR rounds, the log, the CSV, the coverage calendar."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta

import pytest
from sqlmodel import func, select

from watch.boats import service as boats
from watch.boats.rota import reports, rounds, service
from watch.boats.rota.models import CheckIn, WatchAssignment, WatchLogEntry, WatchSeason, WatchShift, WatchSwap
from watch.core.errors import ServiceError


def _count(session, model):
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


@pytest.fixture
def club(session, world, make_user, add_member):
    """The marina with three boat owners (the World's owner and two more)."""
    owners = [world.owner]
    for name in ("Anna Ankare", "Per Propeller"):
        u = make_user(name=name)
        add_member(world.area, u)
        boats.register_boat(session, u, world.area.id, name=f"{name.split()[0]}s båt")
        owners.append(u)
    return world, owners


def _season(session, world, *, starts=1, nights=3, **extra):
    first = service.local_now().date() + timedelta(days=starts)
    values = dict(name="Sommaren", starts_on=first, ends_on=first + timedelta(days=nights - 1), team_size=2, obligation=2,
                  rounds_per_night=2)
    values.update(extra)
    return service.create_season(session, world.contact, world.area.id, **values)


def _live_season(session, world, owner):
    """A season whose single shift is going on right now, with the owner on it."""
    now = service.local_now().replace(second=0, microsecond=0)
    begin = now - timedelta(hours=1)
    season = service.create_season(session, world.contact, world.area.id, name="Nu", starts_on=begin.date() - timedelta(days=1),
                                   ends_on=begin.date() + timedelta(days=1), start_time=begin.time(),
                                   end_time=(now + timedelta(hours=2)).time(), split_time=None, team_size=2, rounds_per_night=2)
    shift = session.exec(select(WatchShift).where(WatchShift.season_id == season.id, WatchShift.night == begin.date())).one()
    assert season.split_time is None and service.window(season, shift)[1] == datetime.combine(begin.date(), begin.time(), tzinfo=service.tz()) + timedelta(hours=3)
    session.add(WatchAssignment(shift_id=shift.id, user_id=owner.id))
    session.commit()
    return season, shift


def test_season_has_its_shifts_and_split(session, world):
    season = _season(session, world, nights=3)
    shifts = service.shifts_of(session, season.id)
    assert len(shifts) == 6 and {s.part for s in shifts} == {0, 1}
    begin, end = service.window(season, shifts[0])
    assert (begin.time(), end.time()) == (time(22, 0), time(2, 0))
    begin, end = service.window(season, shifts[1])
    assert (begin.time(), end.time(), end.date() - shifts[1].night) == (time(2, 0), time(6, 0), timedelta(days=1))


@pytest.mark.parametrize("extra,code", [
    ({"ends_on": date(2000, 1, 1)}, "season_order"),
    ({"nights": 300}, "season_too_long"),
    ({"split_time": time(12, 0)}, "split_invalid"),
    ({"team_size": 0}, "team_size_invalid"),
    ({"rounds_per_night": 50}, "rounds_per_night_invalid"),
    ({"name": " "}, "name_invalid"),
])
def test_bad_seasons_write_nothing(session, world, extra, code):
    with pytest.raises(ServiceError) as err:
        _season(session, world, **extra)
    assert err.value.code == code and str(err.value.message)
    session.rollback()
    assert _count(session, WatchSeason) == 0 and _count(session, WatchShift) == 0


def test_members_only_plan_and_pick(session, world):
    with pytest.raises(ServiceError):
        service.create_season(session, world.owner, world.area.id, name="X", starts_on=date.today(), ends_on=date.today())
    season = _season(session, world)
    shift = service.shifts_of(session, season.id)[0]
    with pytest.raises(ServiceError) as err:
        service.pick_shift(session, world.people["non_member"], shift.id)
    assert err.value.status == 403


def test_pick_full_fair_fill_and_the_compliance_csv_adds_up(session, club):
    world, owners = club
    season = _season(session, world, nights=3)  # 6 shifts x 2 places = 12; 3 boats owe 2 each = 6
    first = service.shifts_of(session, season.id)[0]
    service.pick_shift(session, owners[0], first.id)
    service.pick_shift(session, owners[1], first.id)
    with pytest.raises(ServiceError) as err:
        service.pick_shift(session, owners[2], first.id)
    assert err.value.code == "shift_full"
    made = service.auto_assign(session, world.contact, season.id)
    assert made == 4  # everyone's debt is paid, nobody twice in a night
    per_user = dict(session.exec(select(WatchAssignment.user_id, func.count()).group_by(WatchAssignment.user_id)).all())
    assert per_user == {o.id: 2 for o in owners}
    nights = session.exec(select(WatchShift.night, WatchAssignment.user_id).join(WatchAssignment, WatchAssignment.shift_id == WatchShift.id)).all()
    assert len(nights) == len(set(nights))
    # The season is over: check-ins on the shifts of the first night count as stood.
    end = service.window(season, service.shifts_of(session, season.id)[-1])[1] + timedelta(hours=1)
    cp = rounds.add_checkpoint(session, world.contact, season.id, "Brygga A")
    session.add(CheckIn(shift_id=first.id, checkpoint_id=cp.id, user_id=owners[0].id, round_no=1))
    session.commit()
    rows = reports.compliance(session, world.contact, season.id, now=end)
    by = {r["user_id"]: r for r in rows}
    assert by[owners[0].id]["owed"] == 2 and by[owners[0].id]["assigned"] == 2 and by[owners[0].id]["stood"] == 1
    assert by[owners[0].id]["missing"] == 1 and by[owners[2].id]["stood"] == 0 and by[owners[2].id]["missing"] == 2
    parsed = list(csv.reader(io.StringIO(reports.compliance_csv(rows).lstrip("\ufeff")), delimiter=";"))
    assert parsed[0][0] == "Medlem" and len(parsed) == 4
    assert sum(int(r[2]) for r in parsed[1:]) == 6 and sum(int(r[3]) for r in parsed[1:]) == 6
    assert sum(int(r[4]) + int(r[6]) for r in parsed[1:]) == 6  # stood + missing = owed when nothing is upcoming


def test_swaps_member_accepts_and_substitutes_must_be_adults(session, club):
    world, owners = club
    season = _season(session, world)
    shift = service.shifts_of(session, season.id)[2]
    a = service.pick_shift(session, owners[0], shift.id)
    with pytest.raises(ServiceError) as err:
        service.request_swap(session, owners[0], a.id, substitute_name="Lilla Lo", substitute_born_on=shift.night - timedelta(days=365 * 15))
    assert err.value.code == "substitute_minor" and err.value.details["field"] == "substitute_born_on"
    session.rollback()
    assert _count(session, WatchSwap) == 0 and session.get(WatchAssignment, a.id).substitute_name is None
    swap = service.request_swap(session, owners[0], a.id, to_user_id=owners[1].id)
    with pytest.raises(ServiceError):
        service.answer_swap(session, owners[2], swap.id, accept=True)
    service.answer_swap(session, owners[1], swap.id, accept=True)
    session.expire_all()
    assert session.get(WatchAssignment, a.id).user_id == owners[1].id
    assert session.get(WatchSwap, swap.id).status.value == "accepted"
    service.request_swap(session, owners[1], a.id, substitute_name="Vuxen Vän", substitute_born_on=date(1980, 5, 1))
    assert session.get(WatchAssignment, a.id).substitute_name == "Vuxen Vän"


def test_check_in_rounds_missed_and_bad_codes(session, club):
    world, owners = club
    season, shift = _live_season(session, world, owners[0])
    a = rounds.add_checkpoint(session, world.contact, season.id, "Brygga A")
    b = rounds.add_checkpoint(session, world.contact, season.id, "Bensinbryggan")
    assert rounds.check_in(session, owners[0], a.token).round_no == 1
    assert rounds.check_in(session, owners[0], a.token).round_no == 2
    with pytest.raises(ServiceError) as err:
        rounds.check_in(session, owners[0], a.token)
    assert err.value.code == "rounds_done"
    with pytest.raises(ServiceError) as err:
        rounds.mark_missed(session, owners[0], shift.id, b.id, " ")
    assert err.value.code == "reason_missing"
    rounds.mark_missed(session, owners[0], shift.id, b.id, "Grinden var låst")
    # Someone not on a watch now: outside the hours.
    with pytest.raises(ServiceError) as err:
        rounds.check_in(session, owners[1], a.token)
    assert err.value.code == "outside_hours"
    # A code from another season (or harbour) does not count for tonight's watch.
    other = _season(session, world, starts=30, nights=1)
    foreign = rounds.add_checkpoint(session, world.contact, other.id, "Gamla bryggan")
    with pytest.raises(ServiceError) as err:
        rounds.check_in(session, owners[0], foreign.token)
    assert err.value.code == "checkpoint_other_watch"
    assert _count(session, CheckIn) == 3
    entry = rounds.add_log(session, owners[0], shift.id, kind="vehicle", text="Skåpbil vid sjösättningsrampen", registration="abc 123")
    assert entry.registration == "ABC 123"
    with pytest.raises(ServiceError):
        rounds.add_log(session, owners[1], shift.id, kind="vehicle", text="x")
    _s, nights = reports.coverage(session, world.people["police_same"], season.id)
    watched = [p for n in nights for p in n["parts"] if p["state"] == "watched"]
    assert len(watched) == 1 and "name" not in watched[0]


def test_pages_in_swedish(client, auth, session, club):
    world, owners = club
    season, shift = _live_season(session, world, owners[0])
    cp = rounds.add_checkpoint(session, world.contact, season.id, "Brygga A")
    auth.as_user(world.contact)
    qr = client.get(f"/watch/season/{season.id}/qr").get_data(as_text=True)
    assert "<svg" in qr and "Brygga A" in qr
    auth.as_user(owners[0])
    assert "Checkpoint" not in client.get(f"/watch/c/{cp.token}").get_data(as_text=True)
    r = client.post(f"/watch/c/{cp.token}")
    assert r.status_code == 200 and 'id="checkin-done"' in r.get_data(as_text=True)
    auth.as_user(owners[1])
    r = client.post(f"/watch/c/{cp.token}")
    assert r.status_code == 409 and "Du har inget pass just nu" in r.get_data(as_text=True)
    auth.as_user(owners[0])
    r = client.post(f"/watch/shift/{shift.id}", data={"missed-checkpoint_id": str(cp.id), "missed-reason": ""})
    assert r.status_code == 422 and "behöver en anledning" in r.get_data(as_text=True)
    r = client.post(f"/watch/shift/{shift.id}", data={"log-kind": "vehicle", "log-text": "Okänd bil", "log-registration": "XYZ 789"})
    assert r.status_code == 302
    page = client.get(f"/watch/shift/{shift.id}").get_data(as_text=True)
    assert "XYZ 789" in page and 'id="log-alert-' in page
    auth.as_user(world.people["police_same"])
    cov = client.get(f"/watch/season/{season.id}/coverage")
    assert cov.status_code == 200 and owners[0].display_name not in cov.get_data(as_text=True)
    assert client.get(f"/watch/season/{season.id}/compliance.csv").status_code in (403, 404)
    auth.as_user(world.contact)
    csv_r = client.get(f"/watch/season/{season.id}/compliance.csv")
    assert csv_r.status_code == 200 and csv_r.mimetype == "text/csv"
    assert _count(session, WatchLogEntry) == 1


def test_export_and_delete(session, club):
    from watch.accounts import service as accounts

    world, owners = club
    season, shift = _live_season(session, world, owners[0])
    cp = rounds.add_checkpoint(session, world.contact, season.id, "Brygga A")
    rounds.check_in(session, owners[0], cp.token)
    rounds.add_log(session, owners[0], shift.id, kind="fire_risk", text="Grillkol på bryggan")
    data = accounts.export_data(session, owners[0])
    assert len(data["night_watches"]) == 1 and data["night_watch_checkins"][0]["round"] == 1
    assert data["night_watch_log"][0]["text"] == "Grillkol på bryggan"
    accounts.delete_user(session, owners[0])
    session.commit()
    assert _count(session, WatchAssignment) == 0
    assert session.exec(select(CheckIn)).one().user_id is None  # the round stays for the club, without the person


def test_the_next_team_gets_an_e_mail_once(app, session, club):
    from watch.boats.rota import reminders
    from watch.mail.models import OutboxMessage

    world, owners = club
    season = _season(session, world, starts=1, nights=1, split_time=None)
    shift = service.shifts_of(session, season.id)[0]
    service.pick_shift(session, owners[0], shift.id)
    service.pick_shift(session, owners[1], shift.id)
    begin = service.window(season, shift)[0]
    assert reminders.send_due(session, hours=12, now=begin - timedelta(hours=13)) == 0
    assert reminders.send_due(session, hours=12, now=begin - timedelta(hours=2)) == 2
    assert reminders.send_due(session, hours=12, now=begin - timedelta(hours=1)) == 0  # once per watch
    mails = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "watch_reminder")).all()
    assert sorted(m.to_address for m in mails) == sorted(o.email for o in owners[:2])
    assert all(m.subject.startswith("Vaktgång") for m in mails)
    from watch.core import tasks

    assert "boats.watch_reminders" in [t.name for t in tasks.tasks(app)]


def test_watch_chief_per_week(client, auth, session, club):
    world, owners = club
    season, shift = _live_season(session, world, owners[0])
    auth.as_user(world.contact)
    r = client.post(f"/watch/season/{season.id}/chief", data={"week_start": shift.night.isoformat(), "user_id": str(owners[1].id)})
    assert r.status_code == 302
    assert service.chief_of(session, season.id, shift.night) == owners[1].id
    with pytest.raises(ServiceError) as err:
        service.set_chief(session, world.contact, season.id, week_start=shift.night, user_id=world.people["non_member"].id)
    assert err.value.code == "chief_invalid"
    auth.as_user(owners[0])
    assert f"Vaktchef: {owners[1].display_name}" in client.get(f"/watch/shift/{shift.id}").get_data(as_text=True)
    assert client.post(f"/watch/season/{season.id}/chief", data={"week_start": shift.night.isoformat(), "user_id": str(owners[0].id)}).status_code == 302
    assert service.chief_of(session, season.id, shift.night) == owners[1].id  # only contacts name chiefs
