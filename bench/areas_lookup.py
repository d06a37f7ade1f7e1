"""Benchmark: which active areas contain a point, with 20,000 areas.

Run: .venv/bin/python bench/areas_lookup.py [--areas 20000] [--points 20000] [--smoke]

Measures, in one process and on the same synthetic data:
- the pure spatial index path (watch.areas.geometry.spatial.AreaIndex.containing: STRtree + prepared polygons),
- a naive scan over all polygons (vectorised shapely over the whole array, and a plain Python loop),
- the session-level function watch.areas.service.areas_containing on a SQLite database
  (index cached per app; loads the matching Area rows), with and without a 200 m buffer,
and prints p50/p99 per lookup and the ratios. Results are checked to agree.
"""
from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from benchkit import count, parse  # noqa: E402  (bench/, this script's folder)
import shapely  # noqa: E402

from watch.areas.geometry.spatial import AreaIndex  # noqa: E402

# Swedish towns (lon, lat): areas cluster around them as real ones do.
TOWNS = [(18.07, 59.33), (11.97, 57.71), (13.00, 55.60), (17.64, 59.86), (16.55, 59.61), (15.62, 58.41), (16.18, 58.59),
         (17.01, 58.75), (17.10, 58.66), (17.94, 58.90), (17.79, 59.16), (14.16, 57.78), (13.19, 55.70), (20.26, 63.83),
         (22.15, 65.58), (17.31, 62.39), (15.21, 59.27), (16.32, 56.66), (14.81, 56.88), (12.69, 56.05), (18.30, 57.64)]


def synthetic_areas(n: int, rng: random.Random) -> list[tuple[int, str]]:
    """n irregular polygons (6–40 corners, 150–1,500 m across) around the towns."""
    rows = []
    for i in range(1, n + 1):
        lon0, lat0 = rng.choice(TOWNS)
        lat = lat0 + rng.gauss(0, 0.15)
        lon = lon0 + rng.gauss(0, 0.15 / math.cos(math.radians(lat0)))
        radius_m = rng.uniform(150, 1500)
        k = rng.randint(6, 40)
        angles = sorted(rng.uniform(0, 2 * math.pi) for _ in range(k))
        ring = []
        for a in angles:
            r = radius_m * rng.uniform(0.6, 1.0)
            ring.append([round(lon + r * math.cos(a) / (111_320 * math.cos(math.radians(lat))), 7),
                         round(lat + r * math.sin(a) / 111_320, 7)])
        ring.append(ring[0])
        rows.append((i, json.dumps({"type": "Polygon", "coordinates": [ring]})))
    return rows


def points(n: int, index: AreaIndex, rng: random.Random) -> list[tuple[float, float]]:
    """Half near area centres (mostly hits), half anywhere near the towns (mostly misses)."""
    centres = shapely.get_coordinates(shapely.centroid(index.geoms))
    out = []
    for _ in range(n // 2):
        x, y = centres[rng.randrange(len(centres))]
        out.append((x + rng.gauss(0, 0.004), y + rng.gauss(0, 0.002)))
    for _ in range(n - n // 2):
        lon0, lat0 = rng.choice(TOWNS)
        out.append((lon0 + rng.uniform(-0.8, 0.8), lat0 + rng.uniform(-0.5, 0.5)))
    return out


def timed(fn, pts) -> tuple[list[float], list]:
    """Per-call times in µs, and the results."""
    times, results = [], []
    clock = time.perf_counter_ns
    for lon, lat in pts:
        t0 = clock()
        r = fn(lon, lat)
        times.append((clock() - t0) / 1000)
        results.append(r)
    return times, results


def pct(values: list[float], p: float) -> float:
    """The p-th percentile."""
    return float(np.percentile(values, p))


def report(name: str, times: list[float], base: list[float] | None = None) -> None:
    """One line of figures."""
    line = f"{name:<44} p50 {pct(times, 50):9.1f} µs   p99 {pct(times, 99):9.1f} µs   mean {statistics.fmean(times):9.1f} µs"
    if base is not None:
        line += f"   naive/this p50 ×{pct(base, 50) / pct(times, 50):,.0f}  p99 ×{pct(base, 99) / pct(times, 99):,.0f}"
    print(line)


def session_level(rows, pts) -> None:
    """The same lookups through watch.areas.service.areas_containing on SQLite."""
    from sqlalchemy import insert
    from sqlmodel import SQLModel

    from watch import create_app

    from watch.core import db
    from watch.core.time import utcnow
    from watch.areas import service
    from watch.areas.geometry import spatial
    from watch.areas.models import Area, AreaKind, AreaStatus

    tmp = tempfile.mkdtemp(prefix="watch-bench-")
    app = create_app({"ENV": "testing", "DATABASE_URL": f"sqlite:///{tmp}/bench.db", "SECRET_KEY": "b" * 40,
                      "INSTANCE_PATH": tmp, "AREA_INDEX_CHECK_SECONDS": 5})
    SQLModel.metadata.create_all(db.engine(app))
    shapes = shapely.from_geojson([g for _, g in rows])
    bounds = shapely.bounds(shapes)
    now = utcnow()
    values = [dict(id=i, kind=AreaKind.grannsamverkan, name=f"Område {i}", description="", municipality="Bench",
                   geometry=g, min_lon=b[0], min_lat=b[1], max_lon=b[2], max_lat=b[3], status=AreaStatus.active,
                   created_at=now, updated_at=now, area_m2=None)
              for (i, g), b in zip(rows, bounds)]
    with db.engine(app).begin() as conn:
        conn.execute(insert(Area), values)
    with app.app_context():
        t0 = time.perf_counter()
        spatial.get_index()
        print(f"index build from the database ({len(rows):,} rows read + parsed): {(time.perf_counter() - t0) * 1000:,.0f} ms")
        session = db.get_session()
        sample = pts[:5000]
        times, _ = timed(lambda lon, lat: service.areas_containing(session, lon, lat), sample)
        report("areas_containing(session, …) SQLite", times)
        times, _ = timed(lambda lon, lat: service.areas_containing(session, lon, lat, buffer_m=200), sample)
        report("areas_containing(…, buffer_m=200) SQLite", times)
        hits = [p for p in sample if spatial.get_index().containing(*p)]
        times, _ = timed(lambda lon, lat: service.areas_containing(session, lon, lat), hits[:2000])
        report("areas_containing, hits only", times)
    db.engine(app).dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--areas", type=count, default=20_000)
    parser.add_argument("--points", type=count, default=20_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--no-session", action="store_true", help="skip the session-level run")
    args = parse(parser, {"areas": 500, "points": 1000})
    rng = random.Random(args.seed)

    rows = synthetic_areas(args.areas, rng)
    t0 = time.perf_counter()
    index = AreaIndex.from_rows(rows)
    build_ms = (time.perf_counter() - t0) * 1000
    pts = points(args.points, index, rng)
    print(f"{len(index):,} areas, {len(pts):,} random points; index built in {build_ms:,.0f} ms "
          f"({sum(len(json.loads(g)['coordinates'][0]) - 1 for _, g in rows) / len(rows):.1f} corners per area on average)")

    for lon, lat in pts[:200]:  # warm up
        index.containing(lon, lat)
    idx_times, idx_results = timed(index.containing, pts)

    geoms, ids = index.geoms, index.ids
    naive_vec = lambda lon, lat: ids[shapely.intersects_xy(geoms, lon, lat)].tolist()  # noqa: E731
    naive_sample = pts[: max(200, args.points // 20)]
    vec_times, vec_results = timed(naive_vec, naive_sample)

    py_geoms = [(int(i), g) for i, g in zip(ids, geoms)]

    def naive_loop(lon, lat):
        p = shapely.Point(lon, lat)
        return [i for i, g in py_geoms if g.intersects(p)]

    loop_times, loop_results = timed(naive_loop, pts[:50])

    assert all(sorted(a) == sorted(b) for a, b in zip(idx_results, vec_results)), "index and naive scan disagree"
    assert all(sorted(a) == sorted(b) for a, b in zip(idx_results, loop_results)), "index and naive loop disagree"
    hit_rate = sum(1 for r in idx_results if r) / len(idx_results)
    print(f"hit rate {hit_rate:.0%}; results identical to the naive scans\n")
    report("index: AreaIndex.containing (STRtree)", idx_times)
    report("naive: shapely.intersects_xy over all", vec_times)
    report("naive: Python loop over all polygons", loop_times)
    print()
    report("index vs vectorised naive scan", idx_times, vec_times)
    report("index vs Python-loop naive scan", idx_times, loop_times)
    print(f"\ntarget p99 < 1 ms: {'MET' if pct(idx_times, 99) < 1000 else 'NOT MET'} ({pct(idx_times, 99):.1f} µs)\n")
    if not args.no_session:
        session_level(rows, pts)


if __name__ == "__main__":
    main()
