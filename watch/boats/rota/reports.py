"""The end-of-season compliance list (CSV, for the club's fees) and the police coverage calendar (no names)."""
from __future__ import annotations

import csv
import io
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlmodel import Session, select

from watch.accounts.models import User
from watch.areas.models import AreaKind
from watch.areas.service import get_area_for, is_municipality_police, membership_of
from watch.boats.models import Boat
from watch.boats.rota import service
from watch.boats.rota.models import CheckIn, WatchAssignment, WatchSeason
from watch.core.errors import NotFound


def compliance(session: Session, user, season_id: int, *, now: datetime | None = None) -> list[dict]:
    """Per member with boats: watches owed, assigned, stood (past, with a check-in by the team), still missing."""
    season, _area = service.get_season_for(session, user, season_id, manage=True)
    now = now or service.local_now()
    boats = dict(session.exec(select(Boat.owner_id, func.count()).where(Boat.area_id == season.area_id).group_by(Boat.owner_id)).all())
    shifts = {s.id: s for s in service.shifts_of(session, season.id)}
    checked = set(session.exec(select(CheckIn.shift_id).where(CheckIn.shift_id.in_(list(shifts) or [-1]),
                                                              CheckIn.missed_reason.is_(None))))
    rows: dict[int, dict] = {}
    for owner, n in boats.items():
        rows[owner] = {"user_id": owner, "boats": n, "owed": season.obligation * n, "assigned": 0, "stood": 0, "upcoming": 0}
    for a in session.exec(select(WatchAssignment).where(WatchAssignment.shift_id.in_(list(shifts) or [-1]))):
        row = rows.setdefault(a.user_id, {"user_id": a.user_id, "boats": 0, "owed": 0, "assigned": 0, "stood": 0, "upcoming": 0})
        row["assigned"] += 1
        shift = shifts[a.shift_id]
        if service.window(season, shift)[1] > now:
            row["upcoming"] += 1
        elif shift.id in checked:
            row["stood"] += 1
    names = {u.id: u.display_name for u in session.exec(select(User).where(User.id.in_(list(rows) or [-1])))}
    out = []
    for uid, row in sorted(rows.items(), key=lambda kv: (names.get(kv[0], ""), kv[0])):
        row["name"] = names.get(uid, "")
        row["missing"] = max(0, row["owed"] - row["stood"] - row["upcoming"])
        out.append(row)
    return out


def compliance_csv(rows: list[dict]) -> str:
    """The compliance list as CSV (semicolons and a BOM, as Swedish spreadsheets expect)."""
    out = io.StringIO()
    out.write("\ufeff")
    w = csv.writer(out, delimiter=";", lineterminator="\r\n")
    w.writerow([_("Member"), _("Boats"), _("Watches owed"), _("Assigned"), _("Stood"), _("Upcoming"), _("Missing")])
    for r in rows:
        name = r["name"]
        if name[:1] in ("=", "+", "-", "@"):
            name = "'" + name  # never a formula in someone's spreadsheet
        w.writerow([name, r["boats"], r["owed"], r["assigned"], r["stood"], r["upcoming"], r["missing"]])
    return out.getvalue()


def coverage(session: Session, user, season_id: int, *, now: datetime | None = None) -> tuple[WatchSeason, list[dict]]:
    """Night by night: watched (someone checked in), planned (a team is assigned), or open. No names.

    For the area's members and contacts, its police contacts and the municipality's police, and admins.
    """
    season = session.get(WatchSeason, season_id) if isinstance(season_id, int) else None
    if season is None:
        raise NotFound("season_not_found", _l("That watch season does not exist."))
    area = get_area_for(session, user, season.area_id)
    m = membership_of(session, user, area.id)
    if area.kind != AreaKind.batsamverkan or not (user.is_admin or m is not None or is_municipality_police(user, area)):
        raise NotFound("season_not_found", _l("That watch season does not exist."))
    now = now or service.local_now()
    shifts = service.shifts_of(session, season.id)
    staffed = dict(session.exec(select(WatchAssignment.shift_id, func.count()).where(
        WatchAssignment.shift_id.in_([s.id for s in shifts] or [-1])).group_by(WatchAssignment.shift_id)).all())
    checked = set(session.exec(select(CheckIn.shift_id).where(CheckIn.shift_id.in_([s.id for s in shifts] or [-1]),
                                                              CheckIn.missed_reason.is_(None))))
    nights: dict = {}
    for s in shifts:
        begin, end = service.window(season, s)
        state = "watched" if s.id in checked else ("planned" if staffed.get(s.id) and end > now else "open")
        nights.setdefault(s.night, []).append({"part": s.part, "begin": begin, "end": end, "state": state})
    return season, [{"night": n, "parts": parts} for n, parts in nights.items()]


