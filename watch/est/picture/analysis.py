"""Analysis per quarter, tertial or year: trend by week, weekday × hour, season (month), by area and category."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlmodel import Session, select

from watch.core.errors import ServiceError
from watch.core.time import TZ
from watch.est.models import COUNTED, EstReport, EstReportZone
from watch.est.picture.compute import zone_names
from watch.est.rules import weeks

PERIOD_LABELS = {"Q1": _l("Quarter 1"), "Q2": _l("Quarter 2"), "Q3": _l("Quarter 3"), "Q4": _l("Quarter 4"),
                 "T1": _l("Tertial 1"), "T2": _l("Tertial 2"), "T3": _l("Tertial 3"), "year": _l("Whole year")}
PERIODS = {"Q1": (1, 3), "Q2": (4, 6), "Q3": (7, 9), "Q4": (10, 12), "T1": (1, 4), "T2": (5, 8), "T3": (9, 12), "year": (1, 12)}


def period_bounds(year: int, period: str) -> tuple[datetime, datetime]:
    """The local instants bounding a quarter (Q1–Q4), tertial (T1–T3) or the year."""
    if period not in PERIODS or not 2000 <= year <= 2100:
        raise ServiceError("period_unknown", _l("Choose a quarter, a tertial or the whole year."), 422, field="period")
    first, last = PERIODS[period]
    start = datetime.combine(date(year, first, 1), time(0), TZ)
    end = datetime.combine(date(year + 1, 1, 1) if last == 12 else date(year, last + 1, 1), time(0), TZ)
    return start, end


def analyse(session: Session, municipality: str, year: int, period: str) -> dict:
    """Aggregates for the period, all from grouped queries."""
    start, end = period_bounds(year, period)
    where = (EstReport.municipality == municipality, EstReport.status.in_(COUNTED),
             EstReport.occurred_at >= start, EstReport.occurred_at < end)
    by_week = dict(session.exec(select(EstReport.week_key, func.count()).where(*where).group_by(EstReport.week_key)).all())
    heat = [[0] * 24 for _ in range(7)]
    for wd, hour, n in session.exec(select(EstReport.weekday, EstReport.hour, func.count()).where(*where)
                                    .group_by(EstReport.weekday, EstReport.hour)).all():
        heat[wd][hour] = int(n)
    by_category = dict(session.exec(select(EstReport.category, func.count()).where(*where).group_by(EstReport.category)).all())
    by_band = dict(session.exec(select(EstReport.time_band, func.count()).where(*where).group_by(EstReport.time_band)).all())
    zones = session.exec(select(EstReportZone.zone, func.count()).join(EstReport, EstReport.id == EstReportZone.report_id)
                         .where(*where).group_by(EstReportZone.zone).order_by(func.count().desc()).limit(15)).all()
    names = zone_names(session, [z for z, _n in zones])
    # Months from the week keys' Mondays keeps this one query on both backends.
    months = [0] * 12
    for k, n in by_week.items():
        months[weeks.monday(*weeks.split(k)).month - 1] += int(n)
    week_list = []
    cursor = start.date()
    seen = set()
    while cursor < end.date():
        k = weeks.key(*cursor.isocalendar()[:2])
        if k not in seen:
            seen.add(k)
            week_list.append((f"v{k % 100}", int(by_week.get(k, 0))))
        cursor += timedelta(days=7)
    previous = session.exec(select(func.count()).select_from(EstReport).where(
        EstReport.municipality == municipality, EstReport.status.in_(COUNTED),
        EstReport.occurred_at >= start.replace(year=year - 1), EstReport.occurred_at < end.replace(year=end.year - 1))).one()
    return {"year": year, "period": period, "total": sum(int(v) for v in by_week.values()), "previous_year": int(previous),
            "weeks": week_list, "heat": heat, "categories": sorted(((c, int(n)) for c, n in by_category.items()), key=lambda r: -r[1]),
            "bands": {b: int(n) for b, n in by_band.items()},
            "zones": [(names.get(z, z), int(n)) for z, n in zones], "months": months}
