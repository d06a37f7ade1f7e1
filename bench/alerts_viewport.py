"""Benchmark the alert viewport query: N alerts over a region, viewports of up to 1,000 alerts.

Times two things for an admin (all areas) and for a member of three areas, on
SQLite and on PostgreSQL (a schema of its own, dropped at the end):
- query: the production query, watch.alerts.query.list_alerts;
- endpoint: what the map waits for, GET /api/v1/alerts?bbox=...&limit=1000 through
  the Flask test client (query, access rule, GeoJSON, JSON), minus the network;
first with the indexes the models declare, then with those indexes dropped, and
prints p50/p95, the ratio, and how many full (generation 2) garbage collections
ran during the timed requests.
Run from the project root: .venv/bin/python bench/alerts_viewport.py [--alerts 1000000] [--smoke]
(--smoke: a few thousand alerts and viewports; PostgreSQL only when it answers).
"""
from __future__ import annotations

import argparse
import gc
import io
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchkit import PG_URL, count, own_schema, parse, postgres_reachable  # noqa: E402  (bench/, this script's folder)
from sqlalchemy import text  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

from tests.login import log_in  # noqa: E402
REGION = (15.5, 58.5, 18.5, 59.5)  # Södermanland and around: ~175 x 110 km
GRID = (80, 25)  # 2,000 areas
VIEW = (0.08, 0.04)  # ~4.6 x 4.4 km: about 1,000 alerts at 1M over the region
INDEXES = {"ix_alerts_band_lon": "alerts", "ix_alerts_observed_id": "alerts", "ix_alert_areas_area_alert": "alert_areas"}
CATS = ["suspicious_person", "suspicious_vehicle", "burglary", "theft_from_vehicle", "bicycle_theft", "vandalism"]


def build_app(url: str):
    from watch import create_app

    return create_app({"ENV": "testing", "DATABASE_URL": url, "SECRET_KEY": "b" * 40,
                       "INSTANCE_PATH": tempfile.mkdtemp(prefix="alerts-bench-"), "PUSH_WORKER_INPROCESS": False})


def area_box(i: int) -> tuple[float, float, float, float]:
    cols, rows = GRID
    w, h = (REGION[2] - REGION[0]) / cols, (REGION[3] - REGION[1]) / rows
    c, r = i % cols, i // cols
    return REGION[0] + c * w, REGION[1] + r * h, REGION[0] + (c + 1) * w, REGION[1] + (r + 1) * h


def rows(n: int, seed: int = 7):
    """(alert row, area id) for n alerts spread uniformly, observed over the last year."""
    from watch.alerts.models import lat_band

    rnd = random.Random(seed)
    now = datetime.now(UTC)
    cols, nrows = GRID
    w, h = (REGION[2] - REGION[0]) / cols, (REGION[3] - REGION[1]) / nrows
    for i in range(1, n + 1):
        lon = rnd.uniform(REGION[0], REGION[2])
        lat = rnd.uniform(REGION[1], REGION[3])
        area = 1 + min(cols - 1, int((lon - REGION[0]) / w)) + cols * min(nrows - 1, int((lat - REGION[1]) / h))
        when = now - timedelta(seconds=rnd.uniform(0, 365 * 86400))
        yield (i, 1, rnd.choice(CATS), "Benchmark alert text", when, when, lon, lat, lat_band(lat), "open"), area


def fill(engine, n: int) -> float:
    """Users, areas, memberships and n alerts by bulk insert; returns seconds."""
    import json

    t0 = time.perf_counter()
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO users (id, email, display_name, password_hash, is_admin, is_police, session_version, created_at) "
                          "VALUES (1, 'admin@x.se', 'Admin', 'x', true, false, 1, :t), (2, 'member@x.se', 'Member', 'x', false, false, 1, :t)"), {"t": now})
        areas = []
        for i in range(GRID[0] * GRID[1]):
            b = area_box(i)
            ring = [[b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]], [b[0], b[1]]]
            areas.append({"id": i + 1, "kind": "grannsamverkan", "name": f"Area {i + 1}", "description": "", "municipality": "Bench",
                          "geometry": json.dumps({"type": "Polygon", "coordinates": [ring]}), "min_lon": b[0], "min_lat": b[1],
                          "max_lon": b[2], "max_lat": b[3], "status": "active", "created_at": now})
        from watch.areas.models import Area, AreaMembership

        conn.execute(Area.__table__.insert(), areas)
        middle = GRID[0] * (GRID[1] // 2) + GRID[0] // 2
        conn.execute(AreaMembership.__table__.insert(), [
            {"area_id": a, "user_id": 2, "role": "member", "is_main_contact": False, "created_at": now} for a in (middle, middle + 1, middle + 2)
        ])
    cols = "id, author_id, category, text, observed_at, created_at, lon, lat, lat_band, status"
    if engine.dialect.name == "postgresql":
        raw = engine.raw_connection()
        try:
            with raw.cursor() as cur:
                with cur.copy(f"COPY alerts ({cols}) FROM STDIN") as copy_a:
                    links = io.StringIO()
                    for row, area in rows(n):
                        copy_a.write_row(row)
                        links.write(f"{row[0]}\t{area}\n")
                with cur.copy("COPY alert_areas (alert_id, area_id) FROM STDIN") as copy_l:
                    copy_l.write(links.getvalue())
                cur.execute("SELECT setval(pg_get_serial_sequence('alerts', 'id'), %s)", (n,))
            raw.commit()
        finally:
            raw.close()
    else:
        raw = engine.raw_connection()
        try:
            cur = raw.cursor()
            batch, links = [], []
            for row, area in rows(n):
                batch.append(row[:4] + (row[4].strftime("%Y-%m-%d %H:%M:%S.%f"), row[5].strftime("%Y-%m-%d %H:%M:%S.%f")) + row[6:])
                links.append((row[0], area))
                if len(batch) == 50_000:
                    cur.executemany(f"INSERT INTO alerts ({cols}) VALUES (?,?,?,?,?,?,?,?,?,?)", batch)
                    cur.executemany("INSERT INTO alert_areas (alert_id, area_id) VALUES (?,?)", links)
                    batch, links = [], []
            if batch:
                cur.executemany(f"INSERT INTO alerts ({cols}) VALUES (?,?,?,?,?,?,?,?,?,?)", batch)
                cur.executemany("INSERT INTO alert_areas (alert_id, area_id) VALUES (?,?)", links)
            raw.commit()
        finally:
            raw.close()
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    return time.perf_counter() - t0


def viewports(who: str, count: int, seed: int = 11):
    """Random bboxes: anywhere for the admin, around the member's three areas for the member."""
    rnd = random.Random(seed)
    for _ in range(count):
        if who == "admin":
            lon = rnd.uniform(REGION[0], REGION[2] - VIEW[0])
            lat = rnd.uniform(REGION[1], REGION[3] - VIEW[1])
        else:
            b = area_box(GRID[0] * (GRID[1] // 2) + GRID[0] // 2)
            lon, lat = rnd.uniform(b[0] - VIEW[0] / 2, b[2]), rnd.uniform(b[1] - VIEW[1] / 2, b[3] - VIEW[1] / 2)
        yield (round(lon, 6), round(lat, 6), round(lon + VIEW[0], 6), round(lat + VIEW[1], 6))


# query: list_alerts alone; endpoint: GET /api/v1/alerts; frozen: the same with gc.freeze()
KINDS = ("query", "endpoint", "frozen")


def measure(app, who: str, queries: int, kind: str) -> tuple[float, float, float, int]:
    """(p50 ms, p95 ms, mean rows, full GCs) of the query or the endpoint over random viewports."""
    from watch.accounts.models import User
    from watch.alerts.query import list_alerts
    from watch.core.db import session_scope

    times, counts = [], []
    full_gcs = [0]

    def count_gc(phase, info):
        if phase == "start" and info["generation"] == 2:
            full_gcs[0] += 1

    if kind == "frozen":  # as config/gunicorn.conf.py's post_worker_init does
        gc.collect()
        gc.freeze()
    with app.app_context(), session_scope(app) as session:
        user = session.get(User, 1 if who == "admin" else 2)
        client = app.test_client()
        log_in(client, user)
        for q, bbox in enumerate(viewports(who, queries + 5)):
            if q == 5:  # after the warm-up
                gc.callbacks.append(count_gc)
            t0 = time.perf_counter()
            if kind == "query":
                result = list_alerts(session, user, bbox=bbox, limit=1000)[0]
            else:
                result = client.get("/api/v1/alerts", query_string={"bbox": ",".join(map(str, bbox)), "limit": 1000})
            elapsed = (time.perf_counter() - t0) * 1000
            if kind == "query":
                found = len(result)
            elif result.status_code == 200:
                found = len(result.get_json()["features"])
            else:
                sys.exit(f"HTTP {result.status_code}: {result.get_data(as_text=True)[:200]}")
            del result
            session.expunge_all()
            if q >= 5:
                times.append(elapsed)
                counts.append(found)
        gc.callbacks.remove(count_gc)
    if kind == "frozen":
        gc.unfreeze()
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], statistics.mean(counts), full_gcs[0]


def drop_indexes(engine) -> None:
    with engine.begin() as conn:
        for name in INDEXES:
            conn.execute(text(f"DROP INDEX IF EXISTS {name}"))
        conn.execute(text("ANALYZE"))


def run(label: str, url: str, n: int, queries: int) -> list[str]:
    app = build_app(url)
    from watch.core.db import engine as get_engine

    engine = get_engine(app)
    SQLModel.metadata.create_all(engine)
    secs = fill(engine, n)
    lines = [f"{label}: built {n:,} alerts in {secs:.1f} s; {queries} viewports each"]
    results = {}
    for phase in ("indexed", "no index"):
        if phase == "no index":
            drop_indexes(engine)
        for who in ("admin", "member"):
            for kind in KINDS:
                results[(phase, who, kind)] = measure(app, who, queries, kind)
    for who in ("admin", "member"):
        for kind in KINDS:
            p50, p95, mean, gcs = results[("indexed", who, kind)]
            b50, b95, _, bgcs = results[("no index", who, kind)]
            lines.append(f"  {who:6s} {kind:8s} (~{mean:.0f} rows): p50 {p50:6.1f} ms, p95 {p95:6.1f} ms, full GCs {gcs} | "
                         f"without indexes p50 {b50:7.1f} ms, p95 {b95:7.1f} ms, full GCs {bgcs} | p95 ratio x{b95 / p95:.1f}")
    engine.dispose()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=count, default=1_000_000)
    parser.add_argument("--queries", type=count, default=60)
    parser.add_argument("--pg-url", default=PG_URL)
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parse(parser, {"alerts": 3000, "queries": 3})
    global VIEW
    scale = (1_000_000 / args.alerts) ** 0.5  # keep ~1,000 alerts per viewport at any size
    VIEW = (VIEW[0] * scale, VIEW[1] * scale)
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            print("\n".join(run("SQLite", f"sqlite:///{tmp}/bench.db", args.alerts, args.queries)), flush=True)
    if args.smoke and not args.skip_pg and not postgres_reachable(args.pg_url):
        print(f"PostgreSQL: not reachable at {args.pg_url}; skipped")
        args.skip_pg = True
    if not args.skip_pg:
        with own_schema(args.pg_url, "bench_alerts") as url:
            print("\n".join(run("PostgreSQL", url, args.alerts, args.queries)), flush=True)

if __name__ == "__main__":
    main()
