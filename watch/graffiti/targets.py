"""Service targets: hours from the report, or (when the municipality chooses) hours counted on working days only,
Monday to Friday except Swedish public holidays (the `holidays` package's Sweden)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
from sqlmodel import Session

from watch.core.time import TZ
from watch.graffiti.models import GraffitiSettings


@lru_cache(maxsize=16)
def _swedish(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("SE", years=year).keys())


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a Swedish public holiday (midsummer eve and Christmas eve count as holidays here)."""
    if day.weekday() >= 5 or day in _swedish(day.year):
        return False
    # De facto days off the public-holiday law does not list, but municipal cleaning crews do not work.
    return not (day.month == 12 and day.day in (24, 31)) and not (day.month == 6 and day.weekday() == 4 and 19 <= day.day <= 25)


def add_working_hours(start: datetime, hours: float) -> datetime:
    """start + hours, where only the hours of working days (Stockholm time) count."""
    t = start.astimezone(TZ)
    left = timedelta(hours=hours)
    while True:
        if not is_working_day(t.date()):
            t = datetime.combine(t.date() + timedelta(days=1), time(0), TZ)
            continue
        midnight = datetime.combine(t.date() + timedelta(days=1), time(0), TZ)
        if left <= midnight - t:
            return t + left
        left -= midnight - t
        t = midnight


def settings(session: Session, municipality: str) -> GraffitiSettings:
    """The municipality's settings (defaults when it has chosen nothing)."""
    return session.get(GraffitiSettings, municipality) or GraffitiSettings(municipality=municipality)


def due(session: Session, municipality: str, now: datetime, hours: float) -> datetime:
    """When the service target passes for a report made now."""
    if settings(session, municipality).working_days:
        return add_working_hours(now, hours)
    return now + timedelta(hours=hours)
