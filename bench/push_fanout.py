"""Benchmark: one alert to 10,000 devices, end to end, against tests/pushservice.py on loopback.

Prints the POST /api/v1/alerts time (p95, 100 vs 10,000 devices: it must not grow
with the audience), the time until the last push is accepted, messages per
second, and in the same run the naive baseline (a sequential pywebpush.webpush()
loop over a sample, extrapolated) and the encryption-only floor.

With --realistic it instead starts three push services, each over TLS and answering
after --rtt seconds (50 ms: a round trip to a real push service): FCM-like (45 % of the
devices), Apple-like (45 %) and Mozilla-like (10 %), plus one police contact's phone, and
prints in one run the time until every push is accepted, the time from the POST's answer
until the police contact's push is accepted, messages/s, the worker's CPU per message, and
the sequential pywebpush.webpush() loop over a sample at the same round trip (extrapolated).

    .venv/bin/python bench/push_fanout.py [--devices 10000] [--database-url postgresql+psycopg://...] [--smoke]
    .venv/bin/python bench/push_fanout.py --realistic [--rtt 0.05] [--per-host N] [--batch N] [--workers N]
                                                     [--decrypt-every N] [--database-url ...] [--smoke]

On PostgreSQL (--database-url) it works in a schema of its own, dropped at the end.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchkit import at_least, count, non_negative, own_schema, parse  # noqa: E402  (bench/, this script's folder)
from sqlalchemy import delete, insert, select  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

from tests.login import log_in  # noqa: E402
from tests.push.procs import ServiceProcess  # noqa: E402
from watch import create_app  # noqa: E402
from watch.core import db as wdb  # noqa: E402

BOX = (17.000, 58.750, 17.010, 58.755)
SMALL_BOX = (17.030, 58.750, 17.040, 58.755)


def polygon(b) -> str:
    ring = [[b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]], [b[0], b[1]]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def populate(session, svc, n: int, area, prefix: str) -> list[dict]:
    from watch.accounts.models import User
    from watch.areas.models import AreaMembership, AreaRole
    from watch.push.models import PushSubscription

    subs = []
    while len(subs) < n:
        subs += svc.subscriptions(min(2000, n - len(subs)))
    session.execute(insert(User), [{"email": f"{prefix}{i}@example.se", "display_name": f"{prefix} {i}", "password_hash": "x",
                                    "is_admin": False, "is_police": False, "session_version": 1} for i in range(n)])
    ids = session.execute(select(User.id).where(User.email.like(f"{prefix}%")).order_by(User.id)).scalars().all()
    session.execute(insert(AreaMembership), [{"area_id": area.id, "user_id": u, "role": AreaRole.member} for u in ids])
    session.execute(insert(PushSubscription), [
        {"user_id": u, "endpoint": s["endpoint"], "p256dh": s["keys"]["p256dh"], "auth": s["keys"]["auth"],
         "host": "127.0.0.1", "label": "Telefon"} for u, s in zip(ids, subs)])
    session.commit()
    return subs


def cpu_seconds(pid: int | None = None) -> float:
    """User + system CPU time of this process, or of another one (from /proc)."""
    if pid is None:
        t = os.times()
        return t.user + t.system
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def post_alert(client, lon: float, lat: float) -> float:
    """POST one burglary alert through the API at (lon, lat); returns the seconds it took (201 checked)."""
    start = time.perf_counter()
    r = client.post("/api/v1/alerts", json={"category": "burglary", "text": "Inbrott pågår, två personer vid garagen.",
                                            "lon": lon, "lat": lat})
    took = time.perf_counter() - start
    assert r.status_code == 201, r.get_data(as_text=True)
    return took


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--devices", type=count, default=10_000)
    parser.add_argument("--repeats", type=count, default=20)
    parser.add_argument("--naive-sample", type=count, default=500)
    parser.add_argument("--database-url", default=None, help="PostgreSQL instead of SQLite (a schema of its own)")
    parser.add_argument("--realistic", action="store_true", help="three TLS push services answering after --rtt")
    parser.add_argument("--rtt", type=non_negative, default=0.05)
    parser.add_argument("--per-host", type=count, default=None,
                        help="requests in flight per push service (realistic; default: PUSH_PER_HOST_CONCURRENCY)")
    parser.add_argument("--batch", type=count, default=None, help="PUSH_BATCH_SIZE (realistic; default: the setting's)")
    parser.add_argument("--decrypt-every", type=count, default=1,
                        help="realistic: the push services decrypt every n-th body only (they stand in for other "
                             "machines; 1 = every body, as in the tests)")
    parser.add_argument("--workers", type=at_least(0), default=0,
                        help="realistic: this many `python -m watch.push` worker processes instead of one worker in "
                             "this process (as production runs them; use a PostgreSQL --database-url)")
    opts = parse(parser, {"devices": 200, "repeats": 3, "naive_sample": 20})
    import runpy

    defaults = runpy.run_path(str(ROOT / "config" / "default.py"))  # the settings production starts from
    opts.per_host = opts.per_host or defaults["PUSH_PER_HOST_CONCURRENCY"]
    opts.batch = opts.batch or defaults["PUSH_BATCH_SIZE"]
    if opts.realistic:
        realistic(opts)
        return

    if opts.database_url:
        with own_schema(opts.database_url, "pushfanout") as url:
            plain(opts, url)
    else:
        plain(opts, None)


def plain(opts, url: str | None) -> None:
    """One alert to opts.devices devices on one plain-HTTP push service on loopback, with the baselines."""
    svc = ServiceProcess()
    tmp = Path(tempfile.mkdtemp(prefix="push-bench-"))
    url = url or f"sqlite:///{tmp / 'bench.db'}"
    app = create_app({
        "ENV": "testing", "DATABASE_URL": url, "SECRET_KEY": "bench-secret-key-that-is-long-enough",
        "INSTANCE_PATH": str(tmp / "instance"), "WTF_CSRF_ENABLED": False, "PUSH_WORKER_INPROCESS": False,
        "PUSH_ALLOW_INSECURE_HOSTS": [svc.hostport], "VAPID_SUBJECT": "mailto:trygghet@nykoping.se",
        "ALERTS_RATE_PER_USER": 10**6, "ALERTS_RATE_PER_AREA": 10**6, "RATELIMIT_ENABLED": False,
        "PUSH_BATCH_SIZE": 1000,
    })
    engine = wdb.engine(app)
    SQLModel.metadata.create_all(engine)
    try:
        run(app, svc, opts)
    finally:
        svc.stop()
        engine.dispose()


def run(app, svc, opts) -> None:
    from watch.accounts.models import User
    from watch.areas.models import Area, AreaKind, AreaMembership, AreaRole, AreaStatus
    from watch.push.models import Delivery, FanoutJob
    from watch.push.webpush.ece import encrypt_payload
    from watch.push.webpush.message import PushMessage
    from watch.push.delivery.worker import Worker, state

    n = opts.devices
    with app.app_context():
        session = wdb.get_session()
        big = Area(kind=AreaKind.grannsamverkan, name="Storområdet", municipality="Nyköping", geometry=polygon(BOX),
                   min_lon=BOX[0], min_lat=BOX[1], max_lon=BOX[2], max_lat=BOX[3], status=AreaStatus.active)
        small = Area(kind=AreaKind.grannsamverkan, name="Lillområdet", municipality="Nyköping", geometry=polygon(SMALL_BOX),
                     min_lon=SMALL_BOX[0], min_lat=SMALL_BOX[1], max_lon=SMALL_BOX[2], max_lat=SMALL_BOX[3], status=AreaStatus.active)
        poster = User(email="polis@example.se", display_name="Polis", password_hash="x", is_police=True)
        session.add_all([big, small, poster])
        session.commit()
        session.add_all([AreaMembership(area_id=a.id, user_id=poster.id, role=AreaRole.police) for a in (big, small)])
        session.commit()
        t0 = time.perf_counter()
        subs = populate(session, svc, n, big, "m")
        populate(session, svc, 100, small, "s")
        print(f"setup: {n + 100} devices subscribed in {time.perf_counter() - t0:.1f} s")

        client = app.test_client()
        log_in(client, poster)

        def post(where) -> float:
            return post_alert(client, (where[0] + where[2]) / 2, (where[1] + where[3]) / 2)

        # Time the deliveries written inside each POST too: every one for a small audience, only the
        # police contacts' (plus one FanoutJob row) above PUSH_FANOUT_INLINE_MAX.
        from watch.push.delivery import fanout

        inner, fan_times = {name: getattr(fanout, name) for name in ("fan_out", "fan_out_police")}, []

        def timed(fn):
            def wrapper(*args, **kwargs):
                start = time.perf_counter()
                try:
                    return fn(*args, **kwargs)
                finally:
                    fan_times.append(time.perf_counter() - start)
            return wrapper

        for name, fn in inner.items():
            setattr(fanout, name, timed(fn))
        post(SMALL_BOX)  # warm-up
        fan_times.clear()
        small_t = [post(SMALL_BOX) for _ in range(opts.repeats)]
        small_f, fan_times[:] = list(fan_times), []
        big_t = [post(BOX) for _ in range(opts.repeats)]
        big_f = list(fan_times)
        for name, fn in inner.items():
            setattr(fanout, name, fn)
        with wdb.session_scope(app) as s:
            s.execute(delete(Delivery))
            s.execute(delete(FanoutJob))
        print(f"POST /api/v1/alerts p95: {p95(small_t) * 1000:.1f} ms with 100 devices, "
              f"{p95(big_t) * 1000:.1f} ms with {n:,} devices (median {statistics.median(small_t) * 1000:.1f} / "
              f"{statistics.median(big_t) * 1000:.1f} ms, {opts.repeats} posts each)")
        print(f"  of which the deliveries written in the POST: p95 {p95(small_f) * 1000:.1f} ms (100 devices, all inline), "
              f"{p95(big_f) * 1000:.1f} ms ({n:,} devices: the police contacts' and one fan-out job)")

        # End to end: the POST, then one worker (in this process) until the last push is accepted.
        # The push-worker command freezes its start-up objects out of the collector; do the same.
        gc.collect()
        gc.freeze()
        worker = Worker(app, name="bench")
        before = svc.stats()["total_received"]
        cpu_app, cpu_svc = cpu_seconds(), cpu_seconds(svc.proc.pid)
        start = time.perf_counter()
        post(BOX)
        worker.drain(120)
        elapsed = time.perf_counter() - start
        cpu_app, cpu_svc = cpu_seconds() - cpu_app, cpu_seconds(svc.proc.pid) - cpu_svc
        worker.close()
        stats = svc.stats()
        got = stats["total_received"] - before
        assert got == n, f"only {got} of {n} accepted"
        assert not stats["rejections"], stats["rejections"][:3]
        rate = n / elapsed
        print(f"end to end: {n:,} pushes accepted {elapsed:.2f} s after the POST started: {rate:,.0f} messages/s")
        # CPU per message does not depend on what else the machine runs; wall-clock rates do.
        per_msg = (cpu_app + cpu_svc) / n
        print(f"  CPU per message: app + worker {cpu_app / n * 1e3:.3f} ms, push service {cpu_svc / n * 1e3:.3f} ms, "
              f"sum {per_msg * 1e3:.3f} ms: at most {2 / per_msg:,.0f} messages/s on 2 idle cores")

        # Encryption-only floor: what RFC 8291 alone costs per message on one core.
        payload = PushMessage(subs[0]["endpoint"], subs[0]["keys"]["p256dh"], subs[0]["keys"]["auth"],
                              {"title": "Inbrott i Storområdet", "body": "Inbrott pågår, två personer vid garagen.",
                               "url": "/alerts/1", "alert_id": 1, "category": "burglary", "tag": "alert-1"}).encoded()
        sample = subs[:2000]
        start = time.perf_counter()
        for s in sample:
            encrypt_payload(payload, s["keys"]["p256dh"], s["keys"]["auth"])
        enc_rate = len(sample) / (time.perf_counter() - start)
        print(f"encryption only (one thread): {enc_rate:,.0f} messages/s; {n:,} would take {n / enc_rate:.2f} s")

        # Naive baseline: pywebpush.webpush() in a sequential loop, as a first version would do.
        from pywebpush import webpush

        pem = state(app).vapid.private_key
        from cryptography.hazmat.primitives import serialization

        pem_text = pem.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption()).decode()
        from py_vapid import Vapid02

        vapid = Vapid02.from_pem(pem_text.encode())
        sample = subs[: opts.naive_sample]
        body = payload.decode()
        start = time.perf_counter()
        for s in sample:
            webpush(s, data=body, vapid_private_key=vapid, vapid_claims={"sub": "mailto:trygghet@nykoping.se"}, ttl=3600)
        naive = (time.perf_counter() - start) / len(sample)
        print(f"naive pywebpush loop: {1 / naive:,.0f} messages/s (timed {len(sample)}, extrapolated: "
              f"{n:,} would take {naive * n:.1f} s)")
        print(f"speed-up over the naive loop: {rate * naive:.1f}x")

        # The sender alone over the same devices: what the worker's claim/record adds on top.
        from watch.push.delivery.worker import make_sender

        sender = make_sender(app)
        messages = [PushMessage(s["endpoint"], s["keys"]["p256dh"], s["keys"]["auth"], json.loads(payload), ttl=3600,
                                urgency="high", topic="alert-1") for s in subs]
        start = time.perf_counter()
        results = sender.send_many(messages)
        raw = n / (time.perf_counter() - start)
        sender.close()
        assert all(r.ok for r in results)
        print(f"PushSender.send_many alone: {raw:,.0f} messages/s (the worker reaches {rate / raw:.0%} of it)")


SHARES = (("FCM-like", 0.45), ("Apple-like", 0.45), ("Mozilla-like", 0.10))


def realistic(opts) -> None:
    """Three TLS push services answering after opts.rtt; one alert to opts.devices phones and a police contact."""
    if opts.database_url:
        with own_schema(opts.database_url, "pushfanout") as url:
            realistic_on(opts, url)
    else:
        realistic_on(opts, None)


def realistic_on(opts, url: str | None) -> None:
    """realistic() on the database at `url` (None: a new SQLite file)."""
    services = [ServiceProcess(tls=True, delay=opts.rtt, decrypt_every=opts.decrypt_every) for _ in SHARES]
    tmp = Path(tempfile.mkdtemp(prefix="push-bench-"))
    bundle = tmp / "test-cas.pem"
    bundle.write_bytes(b"".join(Path(s.ca_file).read_bytes() for s in services))
    url = url or f"sqlite:///{tmp / 'bench.db'}"
    app = create_app({
        "ENV": "testing", "DATABASE_URL": url, "SECRET_KEY": "bench-secret-key-that-is-long-enough",
        "INSTANCE_PATH": str(tmp / "instance"), "WTF_CSRF_ENABLED": False, "PUSH_WORKER_INPROCESS": False,
        "PUSH_ALLOW_INSECURE_HOSTS": [s.hostport for s in services], "PUSH_TEST_CA_FILE": str(bundle),
        "VAPID_SUBJECT": "mailto:trygghet@nykoping.se",
        "ALERTS_RATE_PER_USER": 10**6, "ALERTS_RATE_PER_AREA": 10**6, "RATELIMIT_ENABLED": False,
        "PUSH_BATCH_SIZE": opts.batch, "PUSH_PER_HOST_CONCURRENCY": opts.per_host,
        "PUSH_CONNECTIONS": opts.per_host * len(services),
    })
    engine = wdb.engine(app)
    SQLModel.metadata.create_all(engine)
    try:
        run_realistic(app, services, bundle, opts, url=url, instance=tmp / "instance")
    finally:
        for svc in services:
            svc.stop()
        engine.dispose()


def run_realistic(app, services, bundle: Path, opts, *, url: str, instance: Path) -> None:
    from watch.accounts.models import User
    from watch.areas.models import Area, AreaKind, AreaMembership, AreaRole, AreaStatus
    from watch.push.models import PushSubscription
    from watch.push.delivery.worker import state

    n = opts.devices
    print(f"realistic: {n:,} devices on three TLS push services answering after {opts.rtt * 1000:.0f} ms "
          f"({', '.join(f'{name} {share:.0%}' for name, share in SHARES)}), {opts.per_host} requests in flight per "
          f"service, batches of {opts.batch}, the services decrypt {'every body' if opts.decrypt_every == 1 else f'every {opts.decrypt_every}th body'}; "
          f"load average {os.getloadavg()[0]:.1f}")
    with app.app_context():
        session = wdb.get_session()
        area = Area(kind=AreaKind.grannsamverkan, name="Storområdet", municipality="Nyköping", geometry=polygon(BOX),
                    min_lon=BOX[0], min_lat=BOX[1], max_lon=BOX[2], max_lat=BOX[3], status=AreaStatus.active)
        small = Area(kind=AreaKind.grannsamverkan, name="Lillområdet", municipality="Nyköping", geometry=polygon(SMALL_BOX),
                     min_lon=SMALL_BOX[0], min_lat=SMALL_BOX[1], max_lon=SMALL_BOX[2], max_lat=SMALL_BOX[3],
                     status=AreaStatus.active)
        poster = User(email="postare@example.se", display_name="Postare", password_hash="x")
        police = User(email="polis@example.se", display_name="Polis Kontakt", password_hash="x", is_police=True)
        session.add_all([area, small, poster, police])
        session.commit()
        session.add_all([AreaMembership(area_id=a.id, user_id=poster.id, role=AreaRole.member) for a in (area, small)]
                        + [AreaMembership(area_id=area.id, user_id=police.id, role=AreaRole.police)])
        session.commit()
        # A running worker has open connections to each push service: an earlier alert in a
        # small area (20 phones per service) opens them before the measured one.
        warm = [s for svc in services for s in svc.subscriptions(20)]
        session.execute(insert(User), [{"email": f"w{i}@example.se", "display_name": f"w {i}", "password_hash": "x",
                                        "is_admin": False, "is_police": False, "session_version": 1} for i in range(len(warm))])
        wids = session.execute(select(User.id).where(User.email.like("w%@example.se")).order_by(User.id)).scalars().all()
        session.execute(insert(AreaMembership), [{"area_id": small.id, "user_id": u, "role": AreaRole.member} for u in wids])
        session.execute(insert(PushSubscription), [
            {"user_id": u, "endpoint": s["endpoint"], "p256dh": s["keys"]["p256dh"], "auth": s["keys"]["auth"],
             "host": "localhost", "label": "Telefon"} for u, s in zip(wids, warm)])
        session.commit()
        subs: list[dict] = []
        for (name, share), svc in zip(SHARES, services):
            want = round(n * share)
            while want > 0:
                got = svc.subscriptions(min(2000, want))
                subs += got
                want -= len(got)
        subs = subs[:n]
        session.execute(insert(User), [{"email": f"m{i}@example.se", "display_name": f"m {i}", "password_hash": "x",
                                        "is_admin": False, "is_police": False, "session_version": 1} for i in range(n)])
        ids = session.execute(select(User.id).where(User.email.like("m%@example.se")).order_by(User.id)).scalars().all()
        session.execute(insert(AreaMembership), [{"area_id": area.id, "user_id": u, "role": AreaRole.member} for u in ids])
        police_sub = services[1].subscriptions(1)[0]  # the police contact has an iPhone
        session.execute(insert(PushSubscription), [
            {"user_id": u, "endpoint": s["endpoint"], "p256dh": s["keys"]["p256dh"], "auth": s["keys"]["auth"],
             "host": "localhost", "label": "Telefon"} for u, s in [*zip(ids, subs), (police.id, police_sub)]])
        session.commit()

        client = app.test_client()
        log_in(client, poster)
        gc.collect()
        gc.freeze()
        pool = WorkerPool(app, opts, url=url, instance=instance, services=services, bundle=bundle)
        lon, lat = (SMALL_BOX[0] + SMALL_BOX[2]) / 2, (SMALL_BOX[1] + SMALL_BOX[3]) / 2
        post_alert(client, lon, lat)
        pool.drain(60)
        before = sum(s.stats()["total_received"] for s in services)
        lon, lat = (BOX[0] + BOX[2]) / 2, (BOX[1] + BOX[3]) / 2
        start = time.perf_counter()
        r = client.post("/api/v1/alerts", json={"category": "burglary", "text": "Inbrott pågår, två personer vid garagen.",
                                                "lon": lon, "lat": lat})
        answered, answered_wall = time.perf_counter(), time.time()
        assert r.status_code == 201, r.get_data(as_text=True)
        cpu, svc_cpu = pool.cpu(), sum(cpu_seconds(s.proc.pid) for s in services)
        pool.drain(300)
        elapsed = time.perf_counter() - start
        cpu, svc_cpu = pool.cpu() - cpu, sum(cpu_seconds(s.proc.pid) for s in services) - svc_cpu
        pool.close()
        got = sum(s.stats()["total_received"] for s in services) - before
        attempts = sum(s.stats()["total_attempts"] for s in services) - before
        rejections = [x for s in services for x in s.stats()["rejections"]]
        dupes = sum(c - 1 for svc in services for c in svc.stats()["received"].values() if c > 1)
        assert got - dupes == n + 1, f"only {got} of {n + 1} accepted"
        assert not rejections, rejections[:3]
        police_at = services[1].received_times(police_sub["endpoint"].rsplit("/", 1)[1])[0]
        print(f"POST answered in {(answered - start) * 1000:.0f} ms; {attempts - got} retried requests, "
              f"{dupes} pushes accepted twice")
        print(f"all {n + 1:,} pushes accepted {elapsed:.2f} s after the POST started: {(n + 1) / elapsed:,.0f} messages/s")
        print(f"police contact's push accepted {(police_at - answered_wall) * 1000:.0f} ms after the POST answered")
        print(f"worker CPU per message: {cpu / (n + 1) * 1e3:.3f} ms ({pool.describe()}, from the POST's answer until "
              f"the last push was recorded); the three push services used {svc_cpu / (n + 1) * 1e3:.3f} ms per message "
              f"of the same two cores")

        # Baseline: the configuration before this benchmark's settings (HTTP/1.1, 32 requests in flight
        # per push service, batches of 500), one worker in this process, the same alert again.
        from watch.push.delivery.worker import Worker

        saved = {k: app.config[k] for k in ("PUSH_PER_HOST_CONCURRENCY", "PUSH_CONNECTIONS", "PUSH_BATCH_SIZE")}
        app.config.update(PUSH_PER_HOST_CONCURRENCY=32, PUSH_CONNECTIONS=64, PUSH_BATCH_SIZE=500)
        baseline = Worker(app, name="bench-baseline")
        app.config.update(saved)
        before = sum(s.stats()["total_received"] for s in services)
        t = time.perf_counter()
        post_alert(client, lon, lat)
        baseline.drain(300)
        took = time.perf_counter() - t
        baseline.close()
        got = sum(s.stats()["total_received"] for s in services) - before
        print(f"baseline, 32 in flight per service, batches of 500, one worker: {got:,} pushes accepted in {took:.2f} s "
              f"({got / took:,.0f} messages/s)")

        # Baseline: pywebpush.webpush() in a sequential loop over a sample, same services and round trip.
        import requests
        from cryptography.hazmat.primitives import serialization
        from py_vapid import Vapid02
        from pywebpush import webpush

        pem = state(app).vapid.private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                         serialization.NoEncryption())
        vapid = Vapid02.from_pem(pem)
        http = requests.Session()
        http.trust_env = False  # REQUESTS_CA_BUNDLE would replace the test CAs
        http.verify = str(bundle)
        sample = subs[:: max(1, n // opts.naive_sample)][: opts.naive_sample]
        body = json.dumps({"title": "Inbrott i Storområdet", "body": "Inbrott pågår, två personer vid garagen.",
                           "url": "/alerts/1", "alert_id": 1, "category": "burglary"})
        t = time.perf_counter()
        for s in sample:
            webpush(s, data=body, vapid_private_key=vapid, vapid_claims={"sub": "mailto:trygghet@nykoping.se"}, ttl=3600,
                    requests_session=http)
        naive = (time.perf_counter() - t) / len(sample)
        print(f"naive pywebpush loop: {1 / naive:,.0f} messages/s (timed {len(sample)}, extrapolated: {n:,} would take "
              f"{naive * n:.0f} s); speed-up {naive * (n + 1) / elapsed:.0f}x")
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")


class WorkerPool:
    """The realistic run's workers: one Worker in this process, or `python -m watch.push` processes."""

    def __init__(self, app, opts, *, url: str, instance: Path, services, bundle: Path) -> None:
        from watch.push.delivery.worker import Worker

        self.app, self.procs, self.worker = app, [], None
        if opts.workers <= 0:
            self.worker = Worker(app, name="bench")
            return
        from tests.push.procs import start_worker, worker_env

        env = worker_env(url, str(instance), services[0].hostport, PUSH_ALLOW_INSECURE_HOSTS=[s.hostport for s in services],
                         ca_file=str(bundle), PUSH_BATCH_SIZE=opts.batch,
                         PUSH_PER_HOST_CONCURRENCY=opts.per_host, PUSH_CONNECTIONS=opts.per_host * len(services))
        self.procs = [start_worker(env, instance / f"worker{i}.log") for i in range(opts.workers)]

    def describe(self) -> str:
        return f"{len(self.procs)} worker processes" if self.procs else "this process"

    def cpu(self) -> float:
        return sum(cpu_seconds(p.pid) for p in self.procs) if self.procs else cpu_seconds()

    def drain(self, timeout: float) -> None:
        if self.worker is not None:
            self.worker.drain(timeout)
            return
        from sqlalchemy import func

        from watch.push.models import OPEN_STATUSES, Delivery, FanoutJob, JOB_OPEN

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with wdb.session_scope(self.app) as s:
                left = s.execute(select(func.count()).select_from(Delivery).where(Delivery.status.in_(OPEN_STATUSES))).scalar_one()
                left += s.execute(select(func.count()).select_from(FanoutJob).where(FanoutJob.status == JOB_OPEN)).scalar_one()
            if not left:
                return
            time.sleep(0.02)
        raise RuntimeError("the workers did not finish in time")

    def close(self) -> None:
        if self.worker is not None:
            self.worker.close()
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            p.wait(30)


if __name__ == "__main__":
    main()
