"""iCalendar feeds of night-walk shifts: per group (for its walkers) and in each walker's personal feed.

Both sit behind the person's secret CalendarKey (watch.training.calendar: one
key per person; resetting it kills every old URL). UIDs are stable (the shift id
and the site's host), SEQUENCE counts changes and a cancelled shift stays in the
feed as STATUS:CANCELLED, so calendar apps update their copy.
"""
from __future__ import annotations

from flask_babel import gettext as _
from icalendar import Event
from sqlmodel import Session

from watch import mail
from watch.core import calendar as ical
from watch.core import events
from watch.nightwalks.access import walker_of
from watch.nightwalks.models import NightShift, NightWalkGroup
from watch.nightwalks.service import shifts_of_group, shifts_of_user
from watch.training.calendar import user_for_key


def uid(shift: NightShift) -> str:
    """The shift's UID: never changes for the life of the shift."""
    return ical.uid("nightwalk-shift", shift.id)


def event(shift: NightShift, group: NightWalkGroup) -> Event:
    """One shift as a VEVENT (no walkers named in it)."""
    ev = ical.event(uid(shift), updated_at=shift.updated_at, sequence=shift.sequence, starts_at=shift.starts_at,
                    ends_at=shift.ends_at)
    ev.add("summary", _("Night walk: %(group)s", group=group.name))
    ev.add("location", shift.meeting_point)
    ev.add("categories", [_("Night walk")])
    desc = [_("Meeting point: %(place)s", place=shift.meeting_point)]
    if shift.area:
        desc.append(_("Area: %(area)s", area=shift.area))
    if shift.notes:
        desc.append(shift.notes)
    ev.add("description", "\n".join(desc))
    ev.add("url", mail.public_url("nightwalks.shift", shift_id=shift.id))
    ev.add("status", "CANCELLED" if shift.cancelled_at else "CONFIRMED")
    return ev


def group_feed(session: Session, group: NightWalkGroup) -> bytes:
    """Every shift of the group."""
    cal = ical.calendar(_("Night walks: %(group)s", group=group.name), "nightwalks")
    for shift in shifts_of_group(session, group.id):
        cal.add_component(event(shift, group))
    return cal.to_ical()


def group_for_key(session: Session, group_id: int, key: str) -> NightWalkGroup | None:
    """The group if the key is a walker's of that group (else None: the URL is a 404)."""
    user_id = user_for_key(session, key)
    group = session.get(NightWalkGroup, group_id) if user_id is not None else None
    if group is None:
        return None

    class _Who:
        is_authenticated, id = True, user_id

    return group if walker_of(session, _Who, group.id) is not None else None


def on_personal_calendar(user_id, session, calendar, **_kw) -> None:
    """The walker's shifts in their personal feed."""
    for shift, group in shifts_of_user(session, user_id):
        calendar.add_component(event(shift, group))


def connect() -> None:
    """Connect the receiver."""
    events.personal_calendar.connect(on_personal_calendar)
