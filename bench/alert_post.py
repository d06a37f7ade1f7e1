"""Benchmark: where PUSH_FANOUT_INLINE_MAX should be. POST /api/v1/alerts with every delivery written
inline, against the police contacts' deliveries plus one FanoutJob, for audiences of 50 to 10,000 devices.

Each area has a police contact and a contact representative with a phone, and members with one phone
each. For each size the two ways alternate, post after post (so a load spike on the machine hits both),
and the POST's p50/p95 are printed with the size from which the job is cheaper: the line. Both ways run
the audience check at the same limit (the audience's size, or one less), as a threshold near it would.

Inline has a benefit the POST time does not show: every member's delivery exists when the POST answers.
With the job, members wait for a worker to wake (NOTIFY on PostgreSQL; up to PUSH_POLL_SECONDS_SQLITE
on SQLite), send the police batch and expand the job; the last column is that expansion alone (one idle
worker in this process), from the POST's answer until the job is done.

SQLite always (a temporary file); PostgreSQL too with --database-url, in a schema of its own that is dropped
at the end (--smoke: two small areas, a few POSTs, and PostgreSQL too when it answers at benchkit.PG_URL).

    .venv/bin/python bench/alert_post.py [--database-url postgresql+psycopg://...] [--sizes 50,100,...] [--repeats 20] [--smoke]
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from benchkit import PG_URL, count, counts, non_negative, own_schema, parse, postgres_reachable
from push_fanout import p95, polygon, populate, post_alert  # bench/ is this script's directory, so on sys.path

from sqlalchemy import delete, select, text, update  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

from tests.login import log_in  # noqa: E402
from watch import create_app  # noqa: E402
from watch.core import db as wdb  # noqa: E402

SIZES = (50, 100, 200, 300, 500, 1000, 2000, 5000, 10000)


class Devices:
    """Browser-shaped subscriptions without a push service: nothing is sent here."""

    def __init__(self) -> None:
        self.made = 0

    def subscriptions(self, n: int) -> list[dict]:
        """n new subscriptions (unique endpoints)."""
        start, self.made = self.made, self.made + n
        return [{"endpoint": f"https://fcm.googleapis.com/fcm/send/bench-{i}", "keys": {"p256dh": "B" + "x" * 86, "auth": "y" * 22}}
                for i in range(start, self.made)]


def box(i: int) -> tuple[float, float, float, float]:
    return 17.100 + i * 0.02, 58.750, 17.110 + i * 0.02, 58.755


def setup(app, sizes) -> tuple[object, dict[int, tuple[float, float]]]:
    """One area per size, each with `size` devices (police contact, contact representative, members); a poster."""
    from watch.accounts.models import User
    from watch.areas.models import Area, AreaKind, AreaMembership, AreaRole, AreaStatus

    devices, where = Devices(), {}
    with app.app_context():
        session = wdb.get_session()
        # Police may post anywhere; not a member, so the whole audience is others.
        poster = User(email="postare@example.se", display_name="Postare", password_hash="x", is_police=True)
        session.add(poster)
        for i, size in enumerate(sizes):
            b = box(i)
            area = Area(kind=AreaKind.grannsamverkan, name=f"Område {size}", municipality="Nyköping", geometry=polygon(b),
                        min_lon=b[0], min_lat=b[1], max_lon=b[2], max_lat=b[3], status=AreaStatus.active)
            session.add(area)
            session.commit()
            populate(session, devices, size - 2, area, f"a{size}m")
            for role, prefix in ((AreaRole.police, f"a{size}p"), (AreaRole.contact, f"a{size}c")):
                populate(session, devices, 1, area, prefix)
                session.execute(update(AreaMembership).where(
                    AreaMembership.area_id == area.id,
                    AreaMembership.user_id.in_(select(User.id).where(User.email.like(f"{prefix}%")))).values(role=role))
            session.commit()
            where[size] = ((b[0] + b[2]) / 2, (b[1] + b[3]) / 2)
        if session.get_bind().dialect.name == "postgresql":
            # Planner statistics, as autovacuum keeps them: without, a 50-device area's INSERT ... SELECT
            # reads every device in town (a hash join planned for 2,800 rows of 19,000). This schema's
            # tables only (search_path), not every schema in the database.
            session.execute(text("ANALYZE " + ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)))
            session.commit()
        poster_id = poster.id
    return poster_id, where


def measure(app, sizes, repeats: int) -> dict[int, dict[str, list[float]]]:
    """POST times (s) per size, inline and with a job, and the job's expansion time after the POST."""
    from watch.accounts.models import User
    from watch.push.models import Delivery, FanoutJob
    from watch.push.delivery.worker import Worker

    poster_id, where = setup(app, sizes)
    client = app.test_client()
    results = {}
    with app.app_context():
        log_in(client, wdb.get_session().get(User, poster_id))
        worker = Worker(app, name="bench")

        def post(size: int, inline: bool) -> float:
            # The audience check runs in both, at the limit a threshold near this size would use.
            app.config["PUSH_FANOUT_INLINE_MAX"] = size if inline else size - 1
            return post_alert(client, *where[size])

        def clear() -> None:
            with wdb.session_scope(app) as s:
                s.execute(delete(Delivery))
                s.execute(delete(FanoutJob))

        for size in sizes:
            for _ in range(1 if results else 5):  # warm-up (more before the first size: compiled statements, caches)
                post(size, True), post(size, False)
            got = {"inline": [], "job": [], "expand": []}
            for r in range(repeats):
                for inline in ((True, False) if r % 2 else (False, True)):
                    got["inline" if inline else "job"].append(post(size, inline))
            clear()
            for _ in range(3):
                post(size, False)
                start = time.perf_counter()
                while worker.expand_once() is not None:
                    pass
                got["expand"].append(time.perf_counter() - start)
                clear()
            results[size] = got
        worker.close()
    return results


def line(results, margin: float) -> int | None:
    """The smallest size from which inline's median POST stays more than `margin` seconds above the job's, or None."""
    above = None
    for size in sorted(results):
        dearer = statistics.median(results[size]["inline"]) - statistics.median(results[size]["job"]) > margin
        above = (above or size) if dearer else None
    return above


def report(name: str, results, loads, margin: float) -> None:
    ms = 1000
    print(f"\n{name} (load average {loads[0]:.1f} at the start, {loads[1]:.1f} at the end; {len(next(iter(results.values()))['job'])} "
          f"POSTs per size and way, alternating)")
    print("  devices | inline p50    p95 | police+job p50    p95 | job expanded after the POST (median of 3)")
    for size, got in sorted(results.items()):
        print(f"  {size:7,} | {statistics.median(got['inline']) * ms:10.1f} {p95(got['inline']) * ms:6.1f} | "
              f"{statistics.median(got['job']) * ms:14.1f} {p95(got['job']) * ms:6.1f} | {statistics.median(got['expand']) * ms:8.0f} ms")
    at = line(results, margin)
    if at is None:
        print(f"  the line: none; inline costs at most {margin * ms:.1f} ms more than the job at every size measured")
    else:
        below = max((s for s in results if s < at), default=None)
        print(f"  the line: inline's median POST is more than {margin * ms:.1f} ms dearer than the job's from {at:,} devices"
              + (f" on, not up to {below:,}" if below else " (the smallest size measured)"))
    print("  trade-off: below the line inline costs the POST nothing extra and every member's delivery exists when it "
          "answers; above it, members wait for a worker (wake-up + the police batch + the expansion above), while the "
          "POST no longer grows with the audience")


def run(url: str, opts) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="alert-post-bench-"))
    app = create_app({
        "ENV": "testing", "DATABASE_URL": url, "SECRET_KEY": "bench-secret-key-that-is-long-enough",
        "INSTANCE_PATH": str(tmp / "instance"), "WTF_CSRF_ENABLED": False, "PUSH_WORKER_INPROCESS": False,
        "VAPID_SUBJECT": "mailto:trygghet@nykoping.se",
        "ALERTS_RATE_PER_USER": 10**6, "ALERTS_RATE_PER_AREA": 10**6, "RATELIMIT_ENABLED": False,
    })
    engine = wdb.engine(app)
    SQLModel.metadata.create_all(engine)
    try:
        start_load = os.getloadavg()[0]
        results = measure(app, opts.sizes, opts.repeats)
        report("PostgreSQL" if url.startswith("postgresql") else "SQLite", results, (start_load, os.getloadavg()[0]),
               opts.margin / 1000)
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=None, help="also measure on this PostgreSQL database (a schema of its own)")
    # 3 devices at least: the police contact, the contact representative and one member.
    parser.add_argument("--sizes", type=counts(3), default=SIZES, help="devices per area, comma-separated")
    parser.add_argument("--repeats", type=count, default=20)
    parser.add_argument("--margin", type=non_negative, default=1.0,
                        help="ms: inline within this of the job counts as no dearer (its members get theirs at once)")
    opts = parse(parser, {"sizes": (10, 40), "repeats": 3})
    if opts.smoke and not opts.database_url:
        opts.database_url = PG_URL if postgres_reachable() else None
        if not opts.database_url:
            print(f"PostgreSQL: not reachable at {PG_URL}; skipped")
    with tempfile.TemporaryDirectory(prefix="alert-post-sqlite-") as tmp:
        run(f"sqlite:///{tmp}/bench.db", opts)
    if opts.database_url:
        with own_schema(opts.database_url, "alertpost") as url:
            run(url, opts)


if __name__ == "__main__":
    main()
