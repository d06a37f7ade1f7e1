"""The rota: seasons and their shifts, picking a shift, the fair fill, swaps, watch chiefs.

Rules live here so the pages, a CLI and the worker agree. Times are local
(BABEL_DEFAULT_TIMEZONE): a night runs from start_time on `night` to end_time
the next morning, split in two shifts at split_time.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlmodel import Session, select

from watch.accounts.models import User
from watch.areas.models import Area, AreaKind, AreaMembership, AreaRole, AreaStatus
from watch.areas.service import allowed, get_area_for, membership_of
from watch.boats.models import Boat
from watch.boats.rota.models import SwapStatus, WatchAssignment, WatchChief, WatchSeason, WatchShift, WatchSwap
from watch.core.time import utcnow
from watch.core.errors import NotFound, ServiceError

MAX_NIGHTS = 220
WATCHERS = (AreaRole.member, AreaRole.contact)


def _refuse(code, message, field=None, status=422):
    return ServiceError(code, message, status, field=field) if field else ServiceError(code, message, status)


def tz() -> ZoneInfo:
    """The municipality's time zone."""
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_now() -> datetime:
    """Now, in local time."""
    return utcnow().astimezone(tz())


def boat_area(session: Session, user, area_id: int, *, manage: bool = False, police: bool = False) -> Area:
    """A boat-watch area the user belongs to (manage: its contact representatives and admins; police: its police too)."""
    area = get_area_for(session, user, area_id, need="members" if manage else "view")
    if area.kind != AreaKind.batsamverkan:
        raise _refuse("not_boat_watch", _l("Night watches are kept in boat-watch areas only."), status=409)
    if police and allowed(session, user, area, "approve"):
        return area
    if not manage and not is_watcher(session, user, area):
        raise _refuse("not_a_member", _l("Join the area to take part in its night watch."), status=403)
    return area


def is_watcher(session: Session, user, area: Area) -> bool:
    """A member or contact of the area (or an admin)."""
    if getattr(user, "is_admin", False):
        return True
    m = membership_of(session, user, area.id)
    return m is not None and m.role in WATCHERS


def get_season_for(session: Session, user, season_id: int, *, manage: bool = False) -> tuple[WatchSeason, Area]:
    """A season of an area the user takes part in (or manages)."""
    season = session.get(WatchSeason, season_id) if isinstance(season_id, int) else None
    if season is None:
        raise NotFound("season_not_found", _l("That watch season does not exist."))
    return season, boat_area(session, user, season.area_id, manage=manage)


def create_season(session: Session, user, area_id: int, *, name, starts_on, ends_on, start_time=time(22, 0),
                  end_time=time(6, 0), split_time=time(2, 0), team_size=2, obligation=3, rounds_per_night=3) -> WatchSeason:
    """A contact representative plans a season; its shifts are created. Commits."""
    area = boat_area(session, user, area_id, manage=True)
    if area.status != AreaStatus.active:
        raise _refuse("area_not_active", _l("Plan night watches in an active area."), status=409)
    name = " ".join(str(name or "").split())
    if not name or len(name) > 80:
        raise _refuse("name_invalid", _l("Give the season a name (at most 80 characters)."), "name")
    if not isinstance(starts_on, date) or not isinstance(ends_on, date):
        raise _refuse("date_invalid", _l("Enter a date, e.g. 2025-07-01."), "starts_on")
    if ends_on < starts_on:
        raise _refuse("season_order", _l("The season must end on or after its first night."), "ends_on")
    if (ends_on - starts_on).days + 1 > MAX_NIGHTS:
        raise _refuse("season_too_long", _l("A season can have at most %(n)d nights.", n=MAX_NIGHTS), "ends_on")
    if ends_on < local_now().date():
        raise _refuse("season_in_past", _l("That season has already ended."), "ends_on")
    for key, value, low, high in (("team_size", team_size, 1, 6), ("obligation", obligation, 0, 60),
                                  ("rounds_per_night", rounds_per_night, 1, 12)):
        if not isinstance(value, int) or not low <= value <= high:
            raise _refuse(f"{key}_invalid", _l("Enter a whole number from %(low)d to %(high)d.", low=low, high=high), key)
    if start_time == end_time:
        raise _refuse("hours_invalid", _l("The watch must start and end at different times."), "end_time")
    season = WatchSeason(area_id=area.id, created_by_id=user.id, name=name, starts_on=starts_on, ends_on=ends_on,
                         start_time=start_time, end_time=end_time, split_time=split_time, team_size=team_size,
                         obligation=obligation, rounds_per_night=rounds_per_night)
    if split_time is not None:
        start, split, end = (_offset(season, t) for t in (start_time, split_time, end_time))
        if not start < split < end:
            raise _refuse("split_invalid", _l("The split time must lie inside the watch's hours."), "split_time")
    session.add(season)
    session.flush()
    parts = (0, 1) if split_time is not None else (0,)
    night = starts_on
    while night <= ends_on:
        session.add_all([WatchShift(season_id=season.id, night=night, part=p) for p in parts])
        night += timedelta(days=1)
    session.commit()
    return season


def _offset(season: WatchSeason, t: time) -> timedelta:
    """How long after the night's start (in clock terms) the time `t` comes."""
    start = timedelta(hours=season.start_time.hour, minutes=season.start_time.minute)
    at = timedelta(hours=t.hour, minutes=t.minute)
    return at - start if at >= start else at + timedelta(days=1) - start


def window(season: WatchSeason, shift: WatchShift) -> tuple[datetime, datetime]:
    """The shift's local start and end."""
    begin = datetime.combine(shift.night, season.start_time, tzinfo=tz())
    end = begin + (_offset(season, season.end_time) or timedelta(days=1))
    if season.split_time is None:
        return begin, end
    split = begin + _offset(season, season.split_time)
    return (begin, split) if shift.part == 0 else (split, end)


def seasons_of(session: Session, area_id: int) -> list[WatchSeason]:
    """An area's seasons, the latest first."""
    return list(session.exec(select(WatchSeason).where(WatchSeason.area_id == area_id).order_by(WatchSeason.starts_on.desc())))


def shifts_of(session: Session, season_id: int) -> list[WatchShift]:
    """A season's shifts in time order."""
    return list(session.exec(select(WatchShift).where(WatchShift.season_id == season_id)
                             .order_by(WatchShift.night, WatchShift.part)))


def team_of(session: Session, shift_id: int) -> list[WatchAssignment]:
    """Who stands a shift."""
    return list(session.exec(select(WatchAssignment).where(WatchAssignment.shift_id == shift_id).order_by(WatchAssignment.id)))


def names_of(session: Session, ids) -> dict[int, str]:
    """Display names of users by id."""
    return {u.id: u.display_name for u in session.exec(select(User).where(User.id.in_(list(ids) or [-1])))}


class Rota(NamedTuple):
    """A season's rota as its page shows it to one user."""

    shifts: list[WatchShift]
    teams: dict[int, list[WatchAssignment]]  # shift id -> who stands it
    mine: list[tuple[WatchShift, WatchAssignment]]  # the user's own watches
    members: list[tuple[int, str]]  # (id, name) of the other watchers, to swap with or name as chief
    names: dict[int, str]  # display names of everyone on a team
    chief_names: dict[date, str | None]  # week start (Monday) -> the watch chief's name


def season_rota(session: Session, user, season: WatchSeason, area: Area) -> Rota:
    """Every shift of the season with its team, the user's own watches, the other watchers, the watch chiefs."""
    shifts = shifts_of(session, season.id)
    teams: dict[int, list[WatchAssignment]] = {s.id: [] for s in shifts}
    for a in session.exec(select(WatchAssignment).where(WatchAssignment.shift_id.in_(list(teams) or [-1]))):
        teams[a.shift_id].append(a)
    mine = [(s, next(a for a in teams[s.id] if a.user_id == user.id)) for s in shifts
            if any(a.user_id == user.id for a in teams[s.id])]
    members = session.exec(select(User.id, User.display_name).join(AreaMembership, AreaMembership.user_id == User.id)
                           .where(AreaMembership.area_id == area.id, AreaMembership.role.in_(WATCHERS), User.id != user.id)
                           .order_by(User.display_name)).all()
    names = names_of(session, {a.user_id for t in teams.values() for a in t})
    chiefs = {c.week_start: c.user_id for c in session.exec(select(WatchChief).where(WatchChief.season_id == season.id))}
    chief_names = {week: names_of(session, [u]).get(u) for week, u in chiefs.items()}
    return Rota(shifts, teams, mine, list(members), names, chief_names)


def _boats_by_owner(session: Session, area_id: int) -> dict[int, int]:
    rows = session.exec(select(Boat.owner_id, func.count()).where(Boat.area_id == area_id).group_by(Boat.owner_id)).all()
    return {owner: n for owner, n in rows}


def pick_shift(session: Session, user, shift_id: int, *, now: datetime | None = None) -> WatchAssignment:
    """A member takes a place on a future shift. Commits."""
    shift = session.get(WatchShift, shift_id) if isinstance(shift_id, int) else None
    if shift is None:
        raise NotFound("shift_not_found", _l("That watch does not exist."))
    season, area = get_season_for(session, user, shift.season_id)
    if window(season, shift)[0] <= (now or local_now()):
        raise _refuse("shift_started", _l("That watch has already begun; pick a later one."), status=409)
    team = team_of(session, shift.id)
    if any(a.user_id == user.id for a in team):
        raise _refuse("already_on_shift", _l("You are already on that watch."), status=409)
    if len(team) >= season.team_size:
        raise _refuse("shift_full", _l("That watch is full; pick another night."), status=409)
    boat = session.exec(select(Boat.id).where(Boat.area_id == area.id, Boat.owner_id == user.id).order_by(Boat.id)).first()
    a = WatchAssignment(shift_id=shift.id, user_id=user.id, boat_id=boat)
    session.add(a)
    session.commit()
    return a


def owed(session: Session, season: WatchSeason) -> dict[int, int]:
    """user id -> watches still owed this season (obligation per registered boat, minus watches assigned)."""
    boats = _boats_by_owner(session, season.area_id)
    members = set(session.exec(select(AreaMembership.user_id).where(AreaMembership.area_id == season.area_id,
                                                                     AreaMembership.role.in_(WATCHERS))))
    assigned = dict(session.exec(select(WatchAssignment.user_id, func.count()).join(WatchShift, WatchShift.id == WatchAssignment.shift_id)
                                 .where(WatchShift.season_id == season.id).group_by(WatchAssignment.user_id)).all())
    return {u: season.obligation * boats.get(u, 0) - assigned.get(u, 0) for u in members if boats.get(u)}


def auto_assign(session: Session, user, season_id: int, *, now: datetime | None = None) -> int:
    """Fill the open places of future shifts fairly: whoever owes the most goes first. Commits; returns how many."""
    season, _area = get_season_for(session, user, season_id, manage=True)
    debt = owed(session, season)
    now = now or local_now()
    made = 0
    for shift in shifts_of(session, season.id):
        if window(season, shift)[0] <= now:
            continue
        team = {a.user_id for a in team_of(session, shift.id)}
        same_night = {a.user_id for a in session.exec(select(WatchAssignment).join(WatchShift, WatchShift.id == WatchAssignment.shift_id)
                                                       .where(WatchShift.season_id == season.id, WatchShift.night == shift.night))}
        while len(team) < season.team_size:
            candidates = [u for u, d in debt.items() if d > 0 and u not in team and u not in same_night]
            if not candidates:
                break
            chosen = min(candidates, key=lambda u: (-debt[u], u))
            boat = session.exec(select(Boat.id).where(Boat.area_id == season.area_id, Boat.owner_id == chosen).order_by(Boat.id)).first()
            session.add(WatchAssignment(shift_id=shift.id, user_id=chosen, boat_id=boat, auto=True))
            team.add(chosen)
            same_night.add(chosen)
            debt[chosen] -= 1
            made += 1
    session.commit()
    return made


def request_swap(session: Session, user, assignment_id: int, *, to_user_id=None, substitute_name=None,
                 substitute_born_on: date | None = None) -> WatchSwap:
    """Ask another member to take your watch, or name an adult substitute (recorded at once). Commits."""
    a = session.get(WatchAssignment, assignment_id) if isinstance(assignment_id, int) else None
    if a is None or a.user_id != user.id:
        raise NotFound("assignment_not_found", _l("That watch is not yours."))
    shift = session.get(WatchShift, a.shift_id)
    season, area = get_season_for(session, user, shift.season_id)
    name = " ".join(str(substitute_name or "").split())
    if to_user_id in (None, "") and not name:
        raise _refuse("swap_empty", _l("Choose a member, or name an adult substitute."), "to_user_id")
    if name:
        if len(name) > 80:
            raise _refuse("substitute_name_too_long", _l("The name can be at most 80 characters."), "substitute_name")
        if not isinstance(substitute_born_on, date):
            raise _refuse("substitute_born_missing", _l("Enter the substitute's date of birth: substitutes must be adults."), "substitute_born_on")
        night = shift.night
        adult_from = date(substitute_born_on.year + 18, substitute_born_on.month, min(substitute_born_on.day, 28))
        if night < adult_from:
            raise _refuse("substitute_minor", _l("A substitute must be an adult (18 or older on the night of the watch)."), "substitute_born_on")
        swap = WatchSwap(assignment_id=a.id, from_user_id=user.id, substitute_name=name, substitute_born_on=substitute_born_on,
                         status=SwapStatus.accepted, decided_at=utcnow())
        a.substitute_name = name
        session.add_all([swap, a])
        session.commit()
        return swap
    try:
        to_user_id = int(to_user_id)
    except (TypeError, ValueError):
        raise _refuse("swap_member_invalid", _l("Choose a member of the area."), "to_user_id")
    m = session.exec(select(AreaMembership).where(AreaMembership.area_id == area.id, AreaMembership.user_id == to_user_id,
                                                  AreaMembership.role.in_(WATCHERS))).first()
    if m is None or to_user_id == user.id:
        raise _refuse("swap_member_invalid", _l("Choose a member of the area."), "to_user_id")
    if any(t.user_id == to_user_id for t in team_of(session, shift.id)):
        raise _refuse("swap_member_on_shift", _l("That member is already on this watch."), "to_user_id")
    swap = WatchSwap(assignment_id=a.id, from_user_id=user.id, to_user_id=to_user_id)
    session.add(swap)
    session.commit()
    return swap


def answer_swap(session: Session, user, swap_id: int, *, accept: bool) -> WatchSwap:
    """The asked member accepts (the watch becomes theirs) or declines. Commits."""
    swap = session.get(WatchSwap, swap_id) if isinstance(swap_id, int) else None
    if swap is None or swap.to_user_id != user.id:
        raise NotFound("swap_not_found", _l("That swap request does not exist."))
    if swap.status != SwapStatus.requested:
        raise _refuse("swap_decided", _l("That swap request has already been answered."), status=409)
    a = session.get(WatchAssignment, swap.assignment_id)
    if accept:
        if any(t.user_id == user.id for t in team_of(session, a.shift_id)):
            raise _refuse("swap_member_on_shift", _l("That member is already on this watch."), status=409)
        a.user_id, a.substitute_name, a.auto = user.id, None, False
        a.boat_id = session.exec(select(Boat.id).where(Boat.owner_id == user.id).order_by(Boat.id)).first()
        session.add(a)
    swap.status = SwapStatus.accepted if accept else SwapStatus.declined
    swap.decided_at = utcnow()
    session.add(swap)
    session.commit()
    return swap


def swaps_for(session: Session, user) -> list[WatchSwap]:
    """Swap requests waiting for the user's answer."""
    return list(session.exec(select(WatchSwap).where(WatchSwap.to_user_id == user.id, WatchSwap.status == SwapStatus.requested)))


def set_chief(session: Session, user, season_id: int, *, week_start: date, user_id: int) -> WatchChief:
    """A contact representative names the watch chief of a week (Monday). Commits."""
    season, area = get_season_for(session, user, season_id, manage=True)
    week_start = week_start - timedelta(days=week_start.weekday())
    m = session.exec(select(AreaMembership).where(AreaMembership.area_id == area.id, AreaMembership.user_id == user_id,
                                                  AreaMembership.role.in_(WATCHERS))).first()
    if m is None:
        raise _refuse("chief_invalid", _l("The watch chief must be a member of the area."), "user_id")
    row = session.exec(select(WatchChief).where(WatchChief.season_id == season.id, WatchChief.week_start == week_start)).first()
    row = row or WatchChief(season_id=season.id, week_start=week_start, user_id=user_id)
    row.user_id = user_id
    session.add(row)
    session.commit()
    return row


def chief_of(session: Session, season_id: int, night: date) -> int | None:
    """The user id of the night's week's watch chief."""
    monday = night - timedelta(days=night.weekday())
    return session.exec(select(WatchChief.user_id).where(WatchChief.season_id == season_id, WatchChief.week_start == monday)).first()


def may_manage(session: Session, user, area: Area) -> bool:
    """Contacts and admins plan seasons and place checkpoints."""
    return allowed(session, user, area, "members")
