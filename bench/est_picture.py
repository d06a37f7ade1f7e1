"""Benchmark the EST weekly picture, the freeze of a week and the yearly export.

A municipality with 50,000 reports over three years, 1,000 districts and 1,000
watch areas (2,000 zones), 200 named places, six organisations. Times, in the
same run and on the same data:
- picture page: GET /est/<m>/week/<y>/<w> through the Flask test client (grouped
  queries: category × area, 4-week average, cells, places, feed, actions, decisions),
  against a naive picture built from per-row ORM loading (every report of the five
  weeks as an object, its zones loaded per report);
- freeze: snapshots.freeze of one week, against the naive picture + the same JSON;
- export: GET /est/<m>/export/<year>/reports.csv, streamed, against a naive export
  (every report as an ORM object, its organisation per row, the CSV built in memory);
  and the peak RSS of a fresh process exporting all 50,000 rows each way.
Run from the project root: .venv/bin/python bench/est_picture.py [--reports 50000] [--pg] [--smoke]
"""
from __future__ import annotations

import argparse
import csv
import gc
import io
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchkit import PG_URL, count, own_schema, parse, postgres_reachable  # noqa: E402  (bench/, this script's folder)
from sqlalchemy import insert, text  # noqa: E402
from sqlmodel import Session, SQLModel, select  # noqa: E402

from tests.login import log_in  # noqa: E402
from watch.accounts.models import User  # noqa: E402

MUNI = "Benchköping"
REGION = (16.8, 58.6, 17.3, 58.9)
GRID = (40, 25)  # 1,000 districts; watch areas are the same cells shifted half a cell
CATS = [("skadegorelse", "klotter"), ("skadegorelse", "glaskross"), ("samling", None), ("ordningsstorning", "brak"),
        ("ordningsstorning", "narkotika"), ("otrygg_plats", "belysning"), ("otrygg_plats", "nedskrapning"), ("mot_personal", None)]
START = datetime(2023, 12, 4, tzinfo=UTC)  # a Monday: three years of weeks up to late 2026


def build_app(url: str, instance: str):
    from watch import create_app

    return create_app({"ENV": "testing", "DATABASE_URL": url, "SECRET_KEY": "e" * 40, "INSTANCE_PATH": instance,
                       "PUSH_WORKER_INPROCESS": False, "WTF_CSRF_ENABLED": False, "RATELIMIT_STORAGE_URI": "memory://",
                       "MAIL_DISABLED": True})


def box(i: int, shift: float = 0.0):
    cols, rows = GRID
    w, h = (REGION[2] - REGION[0]) / cols, (REGION[3] - REGION[1]) / rows
    c, r = i % cols, i // cols
    x0, y0 = REGION[0] + (c + shift) * w, REGION[1] + (r + shift) * h
    return x0, y0, x0 + w, y0 + h


def cell_index(lon: float, lat: float, shift: float = 0.0) -> int | None:
    cols, rows = GRID
    w, h = (REGION[2] - REGION[0]) / cols, (REGION[3] - REGION[1]) / rows
    c, r = int((lon - REGION[0]) / w - shift), int((lat - REGION[1]) / h - shift)
    if 0 <= c < cols and 0 <= r < rows:
        return r * cols + c
    return None


def polygon(b) -> str:
    x0, y0, x1, y1 = b
    return json.dumps({"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]})


def populate(app, n_reports: int, seed: int = 11) -> dict:
    """Bulk insert the municipality; returns ids the timings need."""
    from watch.accounts import service as accounts
    from watch.areas.models import Area, AreaKind, AreaStatus
    from watch.core import grid
    from watch.core.db import engine
    from watch.core.time import local
    from watch.est.models import EstDistrict, EstPlace, EstReport, EstReportZone
    from watch.est.rules import categories, weeks
    from watch.organisations.models import Organisation, OrganisationMembership

    rnd = random.Random(seed)
    eng = engine(app)
    with Session(eng) as s:
        coord = accounts.register(s, email="coord@bench.se", display_name="Samordnare", password="korv med bröd och senap")
        orgs = [Organisation(municipality=MUNI, name=f"Org {i}", kind="municipal_unit" if i else "police") for i in range(6)]
        s.add_all(orgs)
        s.commit()
        s.add(OrganisationMembership(organisation_id=orgs[1].id, user_id=coord.id, role="samordnare"))
        s.commit()
        org_ids, coord_id = [o.id for o in orgs], coord.id
    with eng.begin() as conn:
        conn.execute(insert(EstDistrict), [dict(id=i + 1, municipality=MUNI, name=f"Distrikt {i}", geometry=polygon(box(i)),
                                                min_lon=box(i)[0], min_lat=box(i)[1], max_lon=box(i)[2], max_lat=box(i)[3])
                                           for i in range(GRID[0] * GRID[1])])
        conn.execute(insert(Area), [dict(id=i + 1, kind=AreaKind.grannsamverkan, name=f"Område {i}", municipality=MUNI,
                                         geometry=polygon(box(i, 0.5)), min_lon=box(i, 0.5)[0], min_lat=box(i, 0.5)[1],
                                         max_lon=box(i, 0.5)[2], max_lat=box(i, 0.5)[3], status=AreaStatus.active,
                                         description="", created_at=START, updated_at=START)
                                    for i in range(GRID[0] * GRID[1])])
        places = [(rnd.uniform(REGION[0], REGION[2]), rnd.uniform(REGION[1], REGION[3])) for _ in range(200)]
        conn.execute(insert(EstPlace), [dict(id=i + 1, municipality=MUNI, name=f"Plats {i}", lon=lo, lat=la, active=True)
                                        for i, (lo, la) in enumerate(places)])
        span = (datetime(2026, 11, 22, tzinfo=UTC) - START).total_seconds()
        reports, zones = [], []
        hot = [(rnd.uniform(REGION[0], REGION[2]), rnd.uniform(REGION[1], REGION[3])) for _ in range(30)]
        for i in range(1, n_reports + 1):
            when = START + timedelta(seconds=rnd.random() * span)
            place_id = None
            if rnd.random() < 0.3:
                place_id = rnd.randrange(200) + 1
                lon, lat = places[place_id - 1]
            elif rnd.random() < 0.5:
                hx, hy = rnd.choice(hot)
                lon, lat = hx + rnd.gauss(0, 0.004), hy + rnd.gauss(0, 0.002)
            else:
                lon, lat = rnd.uniform(REGION[0], REGION[2]), rnd.uniform(REGION[1], REGION[3])
            loc = local(when)
            cat, sub = rnd.choice(CATS)
            reports.append(dict(id=i, municipality=MUNI, organisation_id=rnd.choice(org_ids), reporter_id=coord_id,
                                occurred_at=when, time_band=categories.time_band(loc.hour), week_key=weeks.key(*weeks.week_of(when)),
                                weekday=loc.weekday(), hour=loc.hour, lon=round(lon, 6), lat=round(lat, 6),
                                cell=grid.cell_of(lon, lat, 250), place_id=place_id, setting="outdoor", category=cat,
                                subcategory=sub, people_band=rnd.choice([None, "1-4", "5-10"]), description="Klotter och glaskross vid entrén",
                                police_reported=False, source="rapportor", status=rnd.choice(["submitted", "accepted", "accepted", "rejected"]),
                                created_at=when))
            for shift, prefix in ((0.0, "d"), (0.5, "a")):
                idx = cell_index(lon, lat, shift)
                if idx is not None:
                    zones.append(dict(report_id=i, zone=f"{prefix}{idx + 1}"))
        for k in range(0, len(reports), 10_000):
            conn.execute(insert(EstReport), reports[k:k + 10_000])
        for k in range(0, len(zones), 20_000):
            conn.execute(insert(EstReportZone), zones[k:k + 20_000])
    if eng.dialect.name == "postgresql":
        with eng.begin() as conn:
            for t in ("est_reports", "est_report_zones", "areas", "est_districts", "organisations"):
                conn.execute(text(f"ANALYZE {t}"))
            for t, col in (("est_reports", "id"), ("areas", "id"), ("est_districts", "id"), ("est_places", "id")):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{t}', '{col}'), (SELECT max({col}) FROM {t}))"))
    return {"coord_id": coord_id}


def naive_picture(session, municipality: str, year: int, week: int) -> dict:
    """The baseline: every report of the five weeks as an ORM object, its zones and place loaded per row."""
    from watch.areas.models import Area
    from watch.est.models import COUNTED, EstDistrict, EstPlace, EstReport, EstReportZone
    from watch.est.rules import weeks

    key = weeks.key(year, week)
    keys = [key] + [weeks.key(*w) for w in weeks.previous(year, week, 4)]
    reports = session.exec(select(EstReport).where(EstReport.municipality == municipality, EstReport.week_key.in_(keys))).all()
    counts, totals, cells, places = {}, {k: {} for k in keys}, {}, {}
    for r in reports:
        if r.status not in COUNTED:
            continue
        totals[r.week_key][r.category] = totals[r.week_key].get(r.category, 0) + 1
        if r.week_key != key:
            continue
        for z in session.exec(select(EstReportZone).where(EstReportZone.report_id == r.id)).all():
            name = (session.get(Area, int(z.zone[1:])) if z.zone[0] == "a" else session.get(EstDistrict, int(z.zone[1:]))).name
            counts[(r.category, name)] = counts.get((r.category, name), 0) + 1
        cells[r.cell] = cells.get(r.cell, 0) + 1
        if r.place_id:
            p = session.get(EstPlace, r.place_id).name
            places[p] = places.get(p, 0) + 1
    return {"counts": [[c, z, n] for (c, z), n in counts.items()], "totals": totals[key],
            "avg4": {c: sum(totals[k].get(c, 0) for k in keys[1:]) / 4 for c in totals[key]},
            "cells": sorted(cells.items(), key=lambda x: -x[1]), "top_places": sorted(places.items(), key=lambda x: -x[1])[:10]}


def naive_export(session, municipality: str, start, end) -> str:
    """The baseline export: ORM objects for every row, the organisation per row, the CSV in memory."""
    from watch.est.models import EstReport
    from watch.organisations.models import Organisation

    buf = io.StringIO()
    w = csv.writer(buf)
    for r in session.exec(select(EstReport).where(EstReport.municipality == municipality, EstReport.occurred_at >= start,
                                                  EstReport.occurred_at < end).order_by(EstReport.occurred_at)).all():
        org = session.get(Organisation, r.organisation_id)
        w.writerow([r.id, org.name, r.occurred_at.isoformat(), r.week_key, r.weekday, r.hour, r.time_band, r.category, r.subcategory,
                    r.setting, r.people_band, r.lon, r.lat, r.cell, r.police_reported, r.police_ref, r.source, r.status, r.description])
    return buf.getvalue()


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def fmt(values) -> str:
    return f"p50 {pct(values, 50) * 1000:8.1f} ms  p95 {pct(values, 95) * 1000:8.1f} ms  (n={len(values)})"


def export_child(url: str, instance: str, how: str) -> None:
    """In a fresh process: export every report (three years) and print the peak RSS."""
    from datetime import datetime as dt

    from watch.core.time import TZ
    from watch.est.picture import exports

    app = build_app(url, instance)
    start, end = dt(2000, 1, 1, tzinfo=TZ), dt(2100, 1, 1, tzinfo=TZ)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    with app.app_context():
        from watch.core.db import engine

        with Session(engine(app)) as s:
            if how == "streamed":
                n = 0
                for chunk in exports.reports_csv(s, MUNI, start, end):
                    n += chunk.count("\n")
            else:
                n = naive_export(s, MUNI, start, end).count("\n")
    elapsed = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"rows": n, "seconds": elapsed, "peak_rss_mb": peak / 1024, "before_mb": base / 1024}))


def run(url: str, label: str, n_reports: int, runs: int) -> None:
    from watch.core.time import TZ
    from watch.est.picture import compute, snapshots
    from watch.est.rules import weeks

    instance = tempfile.mkdtemp(prefix="est-bench-")
    app = build_app(url, instance)
    from watch.core.db import engine

    SQLModel.metadata.create_all(engine(app))
    t0 = time.perf_counter()
    with app.app_context():
        ids = populate(app, n_reports)
    print(f"[{label}] built {n_reports:,} reports, 2,000 zones in {time.perf_counter() - t0:.1f} s")
    rnd = random.Random(5)
    all_weeks = [weeks.shift(2024, 1, i) for i in range(0, 150)]
    client = app.test_client()
    with app.app_context(), Session(engine(app)) as s:
        log_in(client, s.get(User, ids["coord_id"]))
    gc.collect()
    gc.freeze()
    page, fast, naive = [], [], []
    sample = [rnd.choice(all_weeks) for _ in range(runs)]
    for y, w in sample[:3]:
        client.get(f"/est/{quote(MUNI)}/week/{y}/{w}")  # warm up
    for y, w in sample:
        t = time.perf_counter()
        r = client.get(f"/est/{quote(MUNI)}/week/{y}/{w}")
        page.append(time.perf_counter() - t)
        assert r.status_code == 200, r.status_code
    with app.app_context():
        with Session(engine(app)) as s:
            for y, w in sample:
                t = time.perf_counter()
                compute.picture(s, MUNI, y, w)
                fast.append(time.perf_counter() - t)
                s.rollback()
            for y, w in sample[: max(5, runs // 4)]:
                s.expunge_all()
                t = time.perf_counter()
                naive_picture(s, MUNI, y, w)
                naive.append(time.perf_counter() - t)
    print(f"[{label}] picture page   GET /est/<m>/week/y/w   {fmt(page)}")
    print(f"[{label}] picture (compute only)               {fmt(fast)}")
    print(f"[{label}] naive picture (per-row ORM)          {fmt(naive)}   ×{pct(naive, 50) / pct(fast, 50):.0f} slower (p50)")
    freeze, naive_freeze = [], []
    with app.app_context():
        with Session(engine(app)) as s:
            coord = s.get(User, ids["coord_id"])
            coord.is_authenticated  # noqa: B018  (UserMixin property)
            for y, w in all_weeks[:20]:
                t = time.perf_counter()
                snapshots.freeze(s, user=coord, municipality=MUNI, year=y, week=w)
                freeze.append(time.perf_counter() - t)
            for y, w in all_weeks[20:28]:
                s.expunge_all()
                t = time.perf_counter()
                json.dumps(naive_picture(s, MUNI, y, w), default=str)
                naive_freeze.append(time.perf_counter() - t)
    print(f"[{label}] freeze one week                      {fmt(freeze)}")
    print(f"[{label}] naive freeze (per-row ORM + JSON)    {fmt(naive_freeze)}")
    export, naive_exp = [], []
    for _ in range(3):
        t = time.perf_counter()
        r = client.get(f"/est/{quote(MUNI)}/export/2025/reports.csv")
        body = r.get_data()
        export.append(time.perf_counter() - t)
    rows = body.count(b"\n") - 1
    with app.app_context():
        from datetime import datetime as dt

        start, end = dt(2025, 1, 1, tzinfo=TZ), dt(2026, 1, 1, tzinfo=TZ)
        with Session(engine(app)) as s:
            for _ in range(3):
                s.expunge_all()
                t = time.perf_counter()
                naive_export(s, MUNI, start, end)
                naive_exp.append(time.perf_counter() - t)
    print(f"[{label}] yearly export 2025 ({rows:,} rows), streamed CSV  {fmt(export)}")
    print(f"[{label}] naive yearly export (ORM rows, in memory)  {fmt(naive_exp)}")
    for how in ("streamed", "naive"):
        out = subprocess.run([sys.executable, __file__, "--child", how, "--url", url, "--instance", instance],
                             capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
        res = json.loads(out)
        print(f"[{label}] all {res['rows'] - (1 if how == 'streamed' else 0):,} rows, {how:8s}: {res['seconds']:.2f} s, "
              f"peak RSS {res['peak_rss_mb']:.0f} MB (after start-up {res['before_mb']:.0f} MB)")
    engine(app).dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=count, default=50_000)
    parser.add_argument("--runs", type=count, default=40)
    parser.add_argument("--pg", action="store_true", help="also on PostgreSQL (a schema of its own; with --smoke when it answers)")
    parser.add_argument("--child")
    parser.add_argument("--url")
    parser.add_argument("--instance")
    args = parse(parser, {"reports": 500, "runs": 3})
    if args.child:
        export_child(args.url, args.instance, args.child)
        return
    tmp = tempfile.mkdtemp(prefix="est-bench-db-")
    run(f"sqlite:///{tmp}/est.db", "SQLite", args.reports, args.runs)
    if args.smoke and not args.pg:
        args.pg = postgres_reachable()
        if not args.pg:
            print(f"PostgreSQL: not reachable at {PG_URL}; skipped")
    if args.pg:
        with own_schema(PG_URL, "estbench") as url:
            run(url, "PostgreSQL", args.reports, args.runs)

if __name__ == "__main__":
    main()
