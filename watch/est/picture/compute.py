"""The weekly picture as aggregates: a few grouped queries, never rows of reports.

The same dict is shown live (before the freeze) and stored in a snapshot, so a
frozen "Lägesbild v.NN" renders exactly as it looked when frozen.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func
from sqlmodel import Session, select

from watch.areas.models import Area
from watch.est.models import COUNTED, SUBMITTED, EstAction, EstDecision, EstDistrict, EstMeeting, EstPlace, EstReport, EstReportZone
from watch.est.picture.feed import feed
from watch.est.places import cell_for
from watch.est.rules import weeks
from watch.organisations.models import Organisation

NO_ZONE = "-"


def _counted(municipality: str):
    return (EstReport.municipality == municipality, EstReport.status.in_(COUNTED))


def zone_names(session: Session, zones) -> dict[str, str]:
    """'a12' -> the watch area's name, 'd3' -> the district's name."""
    zones = set(zones)
    a_ids = [int(z[1:]) for z in zones if z.startswith("a")]
    d_ids = [int(z[1:]) for z in zones if z.startswith("d")]
    names = {}
    for i in range(0, len(a_ids), 500):
        names.update({f"a{i_}": n for i_, n in session.exec(select(Area.id, Area.name).where(Area.id.in_(a_ids[i:i + 500])))})
    for i in range(0, len(d_ids), 500):
        names.update({f"d{i_}": n for i_, n in session.exec(select(EstDistrict.id, EstDistrict.name).where(EstDistrict.id.in_(d_ids[i:i + 500])))})
    return names


def category_totals(session: Session, municipality: str, keys: list[int]) -> dict[int, dict[str, int]]:
    """week key -> category -> count."""
    out: dict[int, dict[str, int]] = {k: {} for k in keys}
    rows = session.exec(select(EstReport.week_key, EstReport.category, func.count())
                        .where(*_counted(municipality), EstReport.week_key.in_(keys))
                        .group_by(EstReport.week_key, EstReport.category)).all()
    for k, c, n in rows:
        out[k][c] = int(n)
    return out


def action_effect(session: Session, action: EstAction) -> tuple[int, int]:
    """(before, after): counted reports at the action's cell or place in the period before it and during it."""
    cell = action.cell
    if cell is None and action.place_id is not None:
        place = session.get(EstPlace, action.place_id)
        if place is not None:
            cell = cell_for(place.lon, place.lat)
    if cell is None:
        return 0, 0
    days = (action.ends_on - action.starts_on).days + 1
    start = weeks.local_midnight(action.starts_on)
    end = weeks.local_midnight(action.ends_on + timedelta(days=1))
    before_start = start - timedelta(days=days)

    def count(a, b) -> int:
        return int(session.exec(select(func.count()).select_from(EstReport).where(
            *_counted(action.municipality), EstReport.cell == cell, EstReport.occurred_at >= a, EstReport.occurred_at < b)).one())

    return count(before_start, start), count(start, end)


def open_actions(session: Session, municipality: str, on: date) -> list[dict]:
    """Actions not done yet (planned or ongoing), with their owners and before/after counts."""
    rows = session.exec(select(EstAction, Organisation.name).join(Organisation, Organisation.id == EstAction.owner_organisation_id)
                        .where(EstAction.municipality == municipality, EstAction.status.in_(("planned", "ongoing")))
                        .order_by(EstAction.starts_on)).all()
    out = []
    for action, owner in rows:
        before, after = action_effect(session, action)
        out.append({"id": action.id, "title": action.title, "owner": owner, "status": action.status,
                    "starts_on": action.starts_on.isoformat(), "ends_on": action.ends_on.isoformat(),
                    "cell": action.cell, "before": before, "after": after})
    return out


def last_decisions(session: Session, municipality: str, before_key: int) -> dict:
    """The decisions of the latest meeting that discussed a week up to `before_key`."""
    meeting = session.exec(select(EstMeeting).where(EstMeeting.municipality == municipality, EstMeeting.week_key <= before_key)
                           .order_by(EstMeeting.held_on.desc(), EstMeeting.id.desc())).first()
    if meeting is None:
        return {"meeting": None, "items": []}
    rows = session.exec(select(EstDecision, Organisation.name, EstPlace.name)
                        .join(Organisation, Organisation.id == EstDecision.organisation_id, isouter=True)
                        .join(EstPlace, EstPlace.id == EstDecision.place_id, isouter=True)
                        .where(EstDecision.meeting_id == meeting.id).order_by(EstDecision.id)).all()
    return {"meeting": {"id": meeting.id, "held_on": meeting.held_on.isoformat()},
            "items": [{"text": d.text, "organisation": o, "place": p} for d, o, p in rows]}


def picture(session: Session, municipality: str, year: int, week: int) -> dict:
    """The aggregates of one ISO week: category × area, change vs last week and the 4-week average,
    hot-spot cells, top places, the alerts feed, open actions, the last meeting's decisions."""
    key = weeks.key(year, week)
    rows = session.exec(
        select(EstReport.category, EstReportZone.zone, func.count())
        .select_from(EstReport).join(EstReportZone, EstReportZone.report_id == EstReport.id, isouter=True)
        .where(*_counted(municipality), EstReport.week_key == key)
        .group_by(EstReport.category, EstReportZone.zone)).all()
    counts = sorted(([c, z or NO_ZONE, int(n)] for c, z, n in rows), key=lambda r: (-r[2], r[0], r[1]))
    prev_keys = [weeks.key(*w) for w in weeks.previous(year, week, 4)]
    totals_by_week = category_totals(session, municipality, [key] + prev_keys)
    totals = totals_by_week[key]
    last = totals_by_week[prev_keys[0]]
    cats = sorted(set(totals) | set(last) | {c for k in prev_keys for c in totals_by_week[k]})
    avg4 = {c: round(sum(totals_by_week[k].get(c, 0) for k in prev_keys) / 4, 2) for c in cats}
    cells = session.exec(select(EstReport.cell, func.count()).where(*_counted(municipality), EstReport.week_key == key,
                                                                    EstReport.cell.is_not(None))
                         .group_by(EstReport.cell).order_by(func.count().desc())).all()
    top_n = int(current_app.config["EST_TOP_PLACES"])
    places = session.exec(select(EstPlace.name, func.count()).join(EstReport, EstReport.place_id == EstPlace.id)
                          .where(*_counted(municipality), EstReport.week_key == key)
                          .group_by(EstPlace.name).order_by(func.count().desc(), EstPlace.name).limit(top_n)).all()
    unreviewed = session.exec(select(func.count()).select_from(EstReport).where(
        EstReport.municipality == municipality, EstReport.week_key == key, EstReport.status == SUBMITTED)).one()
    feed_rows = feed(session, municipality, year, week)
    feed_by_zone: dict[str, int] = defaultdict(int)
    for r in feed_rows:
        feed_by_zone[r["zone"]] += r["count"]
    names = zone_names(session, {z for _c, z, _n in counts if z != NO_ZONE} | set(feed_by_zone))
    sunday = weeks.monday(year, week) + timedelta(days=6)
    return {
        "municipality": municipality, "week_key": key, "year": year, "week": week,
        "counts": counts, "totals": totals, "total": sum(totals.values()),
        "previous": last, "previous_total": sum(last.values()),
        "avg4": avg4, "avg4_total": round(sum(sum(totals_by_week[k].values()) for k in prev_keys) / 4, 2),
        "categories": cats,
        "cells": [[c, int(n)] for c, n in cells], "grid_metres": int(current_app.config["EST_GRID_METRES"]),
        "top_places": [[p, int(n)] for p, n in places],
        "feed": sorted(([z, n] for z, n in feed_by_zone.items()), key=lambda r: -r[1]),
        "feed_total": sum(feed_by_zone.values()),
        "zones": names, "unreviewed": int(unreviewed),
        "open_actions": open_actions(session, municipality, sunday),
        "decisions": last_decisions(session, municipality, key),
    }
