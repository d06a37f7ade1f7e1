"""ISO weeks in local time: keys, ranges, cut-off."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from watch.core.time import TZ, local


def week_of(dt: datetime) -> tuple[int, int]:
    """(ISO year, ISO week) of an instant, in local time."""
    y, w, _ = local(dt).isocalendar()
    return y, w


def key(year: int, week: int) -> int:
    """One sortable integer per week: 202648."""
    return year * 100 + week


def split(week_key: int) -> tuple[int, int]:
    """(year, week) of a key."""
    return divmod(week_key, 100)


def monday(year: int, week: int) -> date:
    """The Monday of an ISO week."""
    return date.fromisocalendar(year, week, 1)


def valid(year: int, week: int) -> bool:
    """True if the ISO week exists (week 53 only in some years)."""
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError:
        return False
    return True


def shift(year: int, week: int, weeks: int) -> tuple[int, int]:
    """The ISO week `weeks` later (negative: earlier)."""
    y, w, _ = (monday(year, week) + timedelta(weeks=weeks)).isocalendar()
    return y, w


def previous(year: int, week: int, n: int) -> list[tuple[int, int]]:
    """The n weeks before, nearest first."""
    return [shift(year, week, -i) for i in range(1, n + 1)]


def cutoff(year: int, week: int, weekday: int, at: time) -> datetime:
    """The cut-off of a week's reports: `weekday` (0 = Monday) of the FOLLOWING week at `at`, local time."""
    day = monday(year, week) + timedelta(days=7 + weekday)
    return datetime.combine(day, at, TZ)


def bounds(year: int, week: int) -> tuple[datetime, datetime]:
    """The week's first instant and the next week's first instant (local midnight)."""
    start = datetime.combine(monday(year, week), time(0), TZ)
    return start, start + timedelta(days=7)


def local_midnight(day: date) -> datetime:
    """The first instant of a local day."""
    return datetime.combine(day, time(0), TZ)
