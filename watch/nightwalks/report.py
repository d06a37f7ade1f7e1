"""The monthly report per group for the municipality's grant: walks held and volunteer hours, from the debriefs."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlmodel import Session, select

from watch.nightwalks.models import EVENTS, NightShift, NightWalkGroup, ShiftDebrief
from watch.core.time import TZ, aware


@dataclass
class Row:
    """One walk of the month."""

    day: date
    adults: int
    hours: float
    volunteer_hours: float
    events: dict[str, int]
    needs_followup: bool


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The month in Swedish local time, as aware instants."""
    start = datetime(year, month, 1, tzinfo=TZ)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=TZ)
    return start, end


def monthly(session: Session, group: NightWalkGroup, year: int, month: int) -> dict:
    """Walks (shifts with a debrief) in the month, their volunteer hours (adults x hours) and event totals."""
    start, end = month_bounds(year, month)
    rows = []
    for shift, d in session.exec(select(NightShift, ShiftDebrief).join(ShiftDebrief, ShiftDebrief.shift_id == NightShift.id)
                                 .where(NightShift.group_id == group.id, NightShift.starts_at >= start, NightShift.starts_at < end)
                                 .order_by(NightShift.starts_at, NightShift.id)).all():
        rows.append(Row(day=aware(shift.starts_at).astimezone(TZ).date(), adults=d.adults, hours=d.hours,
                        volunteer_hours=round(d.adults * d.hours, 2), events={k: getattr(d, k) for k in EVENTS},
                        needs_followup=d.needs_followup))
    return {
        "group": group, "year": year, "month": month, "rows": rows, "walks": len(rows),
        "adults": sum(r.adults for r in rows), "volunteer_hours": round(sum(r.volunteer_hours for r in rows), 2),
        "events": {k: sum(r.events[k] for r in rows) for k in EVENTS},
        "followups": sum(1 for r in rows if r.needs_followup),
    }


def to_csv(report: dict) -> str:
    """One line per walk and a total line (semicolons and decimal commas, as Swedish spreadsheets expect)."""
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\r\n")
    num = lambda v: f"{v:.2f}".replace(".", ",")  # noqa: E731
    w.writerow([_("Date"), _("Adults"), _("Hours"), _("Volunteer hours"), *[str(v) for v in EVENTS.values()],
                _("Follow-up by field workers")])
    for r in report["rows"]:
        w.writerow([r.day.isoformat(), r.adults, num(r.hours), num(r.volunteer_hours), *r.events.values(),
                    _("yes") if r.needs_followup else _("no")])
    w.writerow([_("Total: %(n)d walks", n=report["walks"]), report["adults"], "", num(report["volunteer_hours"]),
                *report["events"].values(), report["followups"]])
    return out.getvalue()


def walks_held(session: Session, municipality: str, start: date, end: date) -> int:
    """Night walks held in the municipality in the period (local dates, both included): shifts with a debrief.
    The citizens' promises count this (watch.promises.indicators, 'nightwalks_held')."""
    from sqlalchemy import func

    lo = datetime.combine(start, datetime.min.time(), TZ)
    hi = datetime.combine(end, datetime.min.time(), TZ) + timedelta(days=1)
    return int(session.exec(select(func.count()).select_from(NightShift)
                            .join(ShiftDebrief, ShiftDebrief.shift_id == NightShift.id)
                            .join(NightWalkGroup, NightWalkGroup.id == NightShift.group_id)
                            .where(NightWalkGroup.municipality == municipality, NightShift.starts_at >= lo,
                                   NightShift.starts_at < hi)).one() or 0)
