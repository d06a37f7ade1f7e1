"""Night-walk groups, walkers (adults only), shifts, sign-up and sign-off, check-in at the meeting point.

Staffing: each subgroup of a shift needs at least two walkers, at least one of
them trained (never alone). A shift may be planned with fewer sign-ups: it is
then *understaffed*, shown as a warning and reported to the group the day
before (reminders.py). A subgroup is *ready to walk* only when two of its
walkers, one trained, have checked in; a debrief needs a walk that was ready.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from watch import mail
from watch.accounts.models import User
from watch.core.time import TZ, aware, local, utcnow
from watch.core.errors import ServiceError
from watch.nightwalks.access import can_manage, get_group_for, get_shift_for, walker_of
from watch.nightwalks.models import NightShift, NightWalker, NightWalkGroup, ShiftSignup
from watch.organisations.models import Organisation
from watch.training.access import can_organise

MIN_PER_SUBGROUP = 2
MAX_SHIFT_HOURS = 12


def _bad(code: str, message, field: str | None = None, status: int = 422) -> ServiceError:
    return ServiceError(code, message, status, **({"field": field} if field else {}))


def _text(value, *, field: str, max_len: int, required: bool = True) -> str:
    value = " ".join((value or "").split())
    if required and not value:
        raise _bad(f"{field}_missing", _l("Fill in this field."), field)
    if len(value) > max_len:
        raise _bad(f"{field}_too_long", _l("The text can be at most %(n)d characters.", n=max_len), field)
    return value


def _position(lon, lat) -> tuple[float | None, float | None]:
    if lon is None and lat is None:
        return None, None
    try:
        lon, lat = float(lon), float(lat)
    except (TypeError, ValueError):
        raise _bad("position_invalid", _l("Give both longitude and latitude, or neither."), "lon")
    if not (-180 <= lon <= 180 and -90 <= lat <= 90) or lon != lon or lat != lat:
        raise _bad("position_invalid", _l("The position is not valid."), "lon")
    return round(lon, 6), round(lat, 6)


# --- groups and walkers -------------------------------------------------------------------------

def create_group(session: Session, actor, *, municipality, name, meeting_point, affiliation="", areas="",
                 organisation_id=None, lon=None, lat=None) -> NightWalkGroup:
    """A new group (admin, police of the municipality, safety coordinator). Commits."""
    municipality = _text(municipality, field="municipality", max_len=80)
    if not can_organise(session, actor, municipality):
        raise _bad("group_forbidden", _l("Only the police, the safety coordinator of the municipality or an admin may start a group."),
                   status=403)
    if organisation_id:
        org = session.get(Organisation, int(organisation_id))
        if org is None or org.municipality != municipality:
            raise _bad("organisation_unknown", _l("Choose an organisation of the municipality."), "organisation_id")
    lon, lat = _position(lon, lat)
    group = NightWalkGroup(municipality=municipality, name=_text(name, field="name", max_len=120),
                           affiliation=_text(affiliation, field="affiliation", max_len=120, required=False),
                           areas=_text(areas, field="areas", max_len=300, required=False),
                           meeting_point=_text(meeting_point, field="meeting_point", max_len=200),
                           organisation_id=int(organisation_id) if organisation_id else None, lon=lon, lat=lat,
                           created_by_id=actor.id)
    session.add(group)
    session.commit()
    return group


def groups_in(session: Session, municipality: str | None) -> list[NightWalkGroup]:
    """The groups of a municipality (all when None), by name."""
    q = select(NightWalkGroup)
    if municipality:
        q = q.where(NightWalkGroup.municipality == municipality)
    return list(session.exec(q.order_by(NightWalkGroup.name, NightWalkGroup.id)).all())


def groups_of_user(session: Session, user_id: int) -> list[tuple[NightWalkGroup, NightWalker]]:
    """The groups the user walks with."""
    return list(session.exec(select(NightWalkGroup, NightWalker).join(NightWalker, NightWalker.group_id == NightWalkGroup.id)
                             .where(NightWalker.user_id == user_id).order_by(NightWalkGroup.name)).all())


def check_birth_year(birth_year, *, today=None) -> int:
    """The birth year if it makes the person at least NIGHTWALKS_MIN_AGE this year; a clear refusal otherwise."""
    min_age = int(current_app.config["NIGHTWALKS_MIN_AGE"])
    year = (today or local(utcnow()).date()).year
    try:
        birth_year = int(str(birth_year).strip())
    except (TypeError, ValueError):
        raise _bad("birth_year_invalid", _l("Enter your year of birth with four digits, for example 1980."), "birth_year")
    if not year - 110 <= birth_year <= year:
        raise _bad("birth_year_invalid", _l("Enter your year of birth with four digits, for example 1980."), "birth_year")
    if year - birth_year < min_age:
        raise _bad("under_age", _l("Night walkers are adults: you must be at least %(n)d years old to join.", n=min_age),
                   "birth_year")
    return birth_year


def join_group(session: Session, user, group_id: int, *, birth_year) -> NightWalker:
    """Join as a walker (adults only: the birth year is checked against the minimum age). Commits."""
    group = get_group_for(session, user, group_id)
    birth_year = check_birth_year(birth_year)
    if walker_of(session, user, group.id) is not None:
        raise _bad("already_walker", _l("You already walk with this group."), status=409)
    walker = NightWalker(group_id=group.id, user_id=user.id, birth_year=birth_year)
    session.add(walker)
    session.commit()
    return walker


def leave_group(session: Session, user, group_id: int) -> None:
    """Leave the group; sign-ups for shifts that have not started go with it. Commits."""
    walker = walker_of(session, user, group_id)
    if walker is None:
        raise _bad("not_walker", _l("You do not walk with this group."), status=409)
    _drop_future_signups(session, user.id, group_id)
    session.delete(walker)
    session.commit()


def _drop_future_signups(session: Session, user_id: int, group_id: int | None = None) -> None:
    q = (select(ShiftSignup).join(NightShift, NightShift.id == ShiftSignup.shift_id)
         .where(ShiftSignup.user_id == user_id, ShiftSignup.cancelled_at.is_(None), NightShift.starts_at > utcnow()))
    if group_id is not None:
        q = q.where(NightShift.group_id == group_id)
    for s in session.exec(q).all():
        session.delete(s)
    session.flush()


def walkers(session: Session, group_id: int) -> list[tuple[NightWalker, User]]:
    """The group's walkers, by name."""
    return list(session.exec(select(NightWalker, User).join(User, User.id == NightWalker.user_id)
                             .where(NightWalker.group_id == group_id).order_by(User.display_name, User.id)).all())


def set_walker(session: Session, actor, group_id: int, walker_id: int, *, trained: bool, leader: bool) -> NightWalker:
    """Mark a walker trained (or not) and leader (or not): group leaders and organisers. Commits."""
    group = get_group_for(session, actor, group_id, need="manage")
    walker = session.get(NightWalker, walker_id)
    if walker is None or walker.group_id != group.id:
        raise _bad("walker_not_found", _l("No such walker in the group."), status=404)
    walker.trained, walker.leader = bool(trained), bool(leader)
    session.add(walker)
    session.commit()
    return walker


# --- shifts -------------------------------------------------------------------------------------

def _shift_fields(group: NightWalkGroup, *, starts_at, ends_at, meeting_point=None, area="", subgroups=1, notes="") -> dict:
    if starts_at is None or ends_at is None:
        raise _bad("time_missing", _l("Enter when the shift starts and ends."), "starts_at")
    starts_at = aware(starts_at if starts_at.tzinfo else starts_at.replace(tzinfo=TZ))
    ends_at = aware(ends_at if ends_at.tzinfo else ends_at.replace(tzinfo=TZ))
    if ends_at <= starts_at:
        raise _bad("ends_before_start", _l("The shift must end after it starts."), "ends_at")
    if ends_at - starts_at > timedelta(hours=MAX_SHIFT_HOURS):
        raise _bad("too_long", _l("A shift can last at most %(n)d hours.", n=MAX_SHIFT_HOURS), "ends_at")
    try:
        subgroups = int(subgroups)
    except (TypeError, ValueError):
        subgroups = 0
    if not 1 <= subgroups <= 5:
        raise _bad("subgroups_invalid", _l("A shift has between 1 and 5 subgroups."), "subgroups")
    return dict(starts_at=starts_at, ends_at=ends_at,
                meeting_point=_text((meeting_point or "").strip() or group.meeting_point, field="meeting_point", max_len=200),
                area=_text(area, field="area", max_len=200, required=False), subgroups=subgroups,
                notes=(notes or "").strip()[:2000])


def create_shift(session: Session, actor, group_id: int, **fields) -> NightShift:
    """Plan a shift (group leaders, organisers). Planning with no one signed up is fine: it is understaffed. Commits."""
    group = get_group_for(session, actor, group_id, need="manage")
    values = _shift_fields(group, **fields)
    if values["starts_at"] <= utcnow():
        raise _bad("in_past", _l("A new shift must start in the future."), "starts_at")
    shift = NightShift(group_id=group.id, created_by_id=actor.id, **values)
    session.add(shift)
    session.commit()
    return shift


def update_shift(session: Session, actor, shift_id: int, **fields) -> NightShift:
    """Change a shift; calendars pick it up (SEQUENCE + 1). Commits."""
    shift, group = get_shift_for(session, actor, shift_id, need="manage")
    if shift.cancelled_at is not None:
        raise _bad("shift_cancelled", _l("The shift is cancelled."), status=409)
    values = _shift_fields(group, **fields)
    if values["subgroups"] < shift.subgroups and session.exec(select(ShiftSignup.id).where(
            ShiftSignup.shift_id == shift.id, ShiftSignup.cancelled_at.is_(None),
            ShiftSignup.subgroup > values["subgroups"])).first() is not None:
        raise _bad("subgroups_in_use", _l("Walkers are signed up in the subgroups you remove: move them first."), "subgroups")
    for key, value in values.items():
        setattr(shift, key, value)
    shift.sequence += 1
    shift.updated_at = utcnow()
    shift.understaffed_warned_at = None  # a new time is a new day before
    session.add(shift)
    session.commit()
    return shift


def cancel_shift(session: Session, actor, shift_id: int) -> NightShift:
    """Call a shift off; the walkers signed up get an e-mail, calendars show it cancelled. Commits."""
    shift, group = get_shift_for(session, actor, shift_id, need="manage")
    if shift.cancelled_at is not None:
        raise _bad("shift_cancelled", _l("The shift is cancelled."), status=409)
    if aware(shift.ends_at) <= utcnow():
        raise _bad("shift_over", _l("A shift that is over cannot be cancelled."), status=409)
    shift.cancelled_at = shift.updated_at = utcnow()
    shift.sequence += 1
    session.add(shift)
    for _s, user in signups(session, shift.id):
        with mail.recipient_locale(user):
            text, html = mail.compose(
                greeting=_("Hello %(name)s,", name=user.display_name),
                paragraphs=[_("The night walk of %(group)s on %(when)s is cancelled.", group=group.name,
                              when=local(shift.starts_at).strftime("%Y-%m-%d %H:%M"))],
                action=(_("Open the group"), mail.public_url("nightwalks.group", group_id=group.id)))
            mail.queue(session, to=user.email, to_name=user.display_name, user=user, kind="nightwalk_cancelled",
                       subject=_("Cancelled: night walk %(when)s", when=local(shift.starts_at).strftime("%Y-%m-%d")),
                       text=text, html=html)
    session.commit()
    return shift


def shifts_of_group(session: Session, group_id: int, *, upcoming_only: bool = False) -> list[NightShift]:
    """The group's shifts by start (only those not yet ended with upcoming_only)."""
    q = select(NightShift).where(NightShift.group_id == group_id)
    if upcoming_only:
        q = q.where(NightShift.ends_at > utcnow())
    return list(session.exec(q.order_by(NightShift.starts_at, NightShift.id)).all())


def signups(session: Session, shift_id: int) -> list[tuple[ShiftSignup, User]]:
    """Active sign-ups with their users, by subgroup."""
    return list(session.exec(select(ShiftSignup, User).join(User, User.id == ShiftSignup.user_id)
                             .where(ShiftSignup.shift_id == shift_id, ShiftSignup.cancelled_at.is_(None))
                             .order_by(ShiftSignup.subgroup, ShiftSignup.signed_up_at, ShiftSignup.id)).all())


def signup_of(session: Session, user, shift_id: int) -> ShiftSignup | None:
    """The user's sign-up on the shift (cancelled ones included)."""
    if getattr(user, "id", None) is None:
        return None
    return session.exec(select(ShiftSignup).where(ShiftSignup.shift_id == shift_id, ShiftSignup.user_id == user.id)).first()


@dataclass
class Subgroup:
    """Who is on one subgroup and whether it may walk."""

    number: int
    signed: int = 0
    trained: int = 0
    checked_in: int = 0
    checked_in_trained: int = 0

    @property
    def staffed(self) -> bool:
        """At least two signed up, one of them trained."""
        return self.signed >= MIN_PER_SUBGROUP and self.trained >= 1

    @property
    def ready(self) -> bool:
        """At least two checked in at the meeting point, one of them trained: the subgroup may start."""
        return self.checked_in >= MIN_PER_SUBGROUP and self.checked_in_trained >= 1


def staffing(session: Session, shift: NightShift) -> list[Subgroup]:
    """Each subgroup's numbers (trained as the group has marked its walkers now)."""
    groups = {n: Subgroup(n) for n in range(1, shift.subgroups + 1)}
    rows = session.exec(select(ShiftSignup, NightWalker.trained)
                        .join(NightWalker, (NightWalker.user_id == ShiftSignup.user_id) & (NightWalker.group_id == shift.group_id),
                              isouter=True)
                        .where(ShiftSignup.shift_id == shift.id, ShiftSignup.cancelled_at.is_(None))).all()
    for s, trained in rows:
        g = groups.setdefault(s.subgroup, Subgroup(s.subgroup))
        g.signed += 1
        g.trained += bool(trained)
        if s.checked_in_at is not None:
            g.checked_in += 1
            g.checked_in_trained += bool(trained)
    return [groups[n] for n in sorted(groups)]


def understaffed(session: Session, shift: NightShift) -> bool:
    """True if any subgroup has fewer than two walkers or no trained walker."""
    return any(not g.staffed for g in staffing(session, shift))


def sign_up(session: Session, user, shift_id: int, *, subgroup=None) -> ShiftSignup:
    """Take a place on a shift (walkers of the group), in the chosen subgroup or the one with fewest walkers. Commits."""
    shift, group = get_shift_for(session, user, shift_id, need="member")
    if walker_of(session, user, group.id) is None:
        raise _bad("not_walker", _l("Join the group as a walker first."), status=403)
    if shift.cancelled_at is not None:
        raise _bad("shift_cancelled", _l("The shift is cancelled."), status=409)
    if aware(shift.starts_at) <= utcnow():
        raise _bad("shift_started", _l("The shift has already started."), status=409)
    numbers = staffing(session, shift)
    if subgroup in (None, ""):
        subgroup = min(numbers, key=lambda g: (g.signed, g.number)).number
    try:
        subgroup = int(subgroup)
    except (TypeError, ValueError):
        subgroup = 0
    if not 1 <= subgroup <= shift.subgroups:
        raise _bad("subgroup_invalid", _l("Choose a subgroup between 1 and %(n)d.", n=shift.subgroups), "subgroup")
    row = signup_of(session, user, shift.id)
    if row is not None and row.cancelled_at is None:
        raise _bad("already_signed_up", _l("You are already signed up for this shift."), status=409)
    if row is None:
        row = ShiftSignup(shift_id=shift.id, user_id=user.id, subgroup=subgroup)
    else:
        row.subgroup, row.cancelled_at, row.signed_up_at, row.checked_in_at = subgroup, None, utcnow(), None
    session.add(row)
    session.commit()
    return row


def sign_off(session: Session, user, shift_id: int) -> ShiftSignup:
    """Give up a place before the shift starts. Commits."""
    shift, _group = get_shift_for(session, user, shift_id, need="member")
    row = signup_of(session, user, shift.id)
    if row is None or row.cancelled_at is not None:
        raise _bad("not_signed_up", _l("You are not signed up for this shift."), status=409)
    if aware(shift.starts_at) <= utcnow():
        raise _bad("shift_started", _l("The shift has already started: tell your group instead."), status=409)
    row.cancelled_at = utcnow()
    session.add(row)
    session.commit()
    return row


def check_in(session: Session, user, shift_id: int, *, now: datetime | None = None) -> Subgroup:
    """Check in at the meeting point (on the phone), from an hour before the start until the end; returns the subgroup's state. Commits."""
    now = now or utcnow()
    shift, _group = get_shift_for(session, user, shift_id, need="member")
    row = signup_of(session, user, shift.id)
    if row is None or row.cancelled_at is not None:
        raise _bad("not_signed_up", _l("You are not signed up for this shift."), status=409)
    if shift.cancelled_at is not None:
        raise _bad("shift_cancelled", _l("The shift is cancelled."), status=409)
    early = timedelta(minutes=int(current_app.config["NIGHTWALKS_CHECKIN_EARLY_MINUTES"]))
    if now < aware(shift.starts_at) - early:
        raise _bad("checkin_early", _l("Check-in opens %(n)d minutes before the shift starts.", n=early.seconds // 60), status=409)
    if now > aware(shift.ends_at):
        raise _bad("shift_over", _l("The shift is over."), status=409)
    if row.checked_in_at is None:
        row.checked_in_at = now
        session.add(row)
        session.commit()
    return next(g for g in staffing(session, shift) if g.number == row.subgroup)


def shifts_of_user(session: Session, user_id: int) -> list[tuple[NightShift, NightWalkGroup]]:
    """The shifts the user is signed up for (cancelled shifts too: calendars show them cancelled)."""
    return list(session.exec(select(NightShift, NightWalkGroup)
                             .join(ShiftSignup, ShiftSignup.shift_id == NightShift.id)
                             .join(NightWalkGroup, NightWalkGroup.id == NightShift.group_id)
                             .where(ShiftSignup.user_id == user_id, ShiftSignup.cancelled_at.is_(None))
                             .order_by(NightShift.starts_at)).all())


def may_manage(session: Session, user, group: NightWalkGroup) -> bool:
    """For templates: whether the user leads the group or organises in its municipality."""
    return can_manage(session, user, group)
