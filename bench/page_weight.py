"""Page weight of the map page in Chromium: `.venv/bin/python bench/page_weight.py`.

Serves the real app on loopback (SQLite in a temp folder, one member with an
area and a few alerts), counts bytes as the server writes them (gzip applies),
map tiles excluded. Reports:
  0. the same first load without gzip, as the baseline;
  1. first load, service worker blocked: bytes and requests (target <= 150 KB);
  2. the worker's one-off install (precache) cost;
  3. a repeat visit with the worker active: requests that reach the network
     (target: 0 for the app shell; the page itself and its data are network-first).
Exits 1 when a target is missed. --smoke: the areas map only, and the targets are printed
but do not decide the exit status (the run checks that the benchmark still works).
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import threading
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchkit import parse  # noqa: E402  (bench/, this script's folder)

CHROMIUM = os.environ.get("WATCH_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PASSWORD = "korv med bröd och senap"
TARGET_FIRST_LOAD = 150 * 1024


class Meter:
    """WSGI middleware: bytes of status line, headers and body per request, as sent."""

    def __init__(self, app):
        self.app, self.log, self.lock = app, [], threading.Lock()

    def __call__(self, environ, start_response):
        record = {"path": environ.get("PATH_INFO", ""), "bytes": 0, "status": 0}

        def start(status, headers, exc_info=None):
            record["status"] = int(status.split()[0])
            record["bytes"] += len(status) + 11 + sum(len(k) + len(v) + 4 for k, v in headers)
            return start_response(status, headers, exc_info)

        body = self.app(environ, start)
        try:
            for chunk in body:
                record["bytes"] += len(chunk)
                yield chunk
        finally:
            if hasattr(body, "close"):
                body.close()
            with self.lock:
                self.log.append(record)

    def take(self) -> list[dict]:
        with self.lock:
            out, self.log = self.log, []
        return out


def build_app(folder: Path):
    from sqlmodel import SQLModel

    from watch import create_app
    from watch.core import db as wdb

    app = create_app({
        "ENV": "testing", "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}", "INSTANCE_PATH": str(folder / "instance"),
        "SECRET_KEY": "bench-secret-key-that-is-long-enough-12345", "RATELIMIT_ENABLED": False,
        "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024, "ARGON2_PARALLELISM": 1, "PUSH_WORKER_INPROCESS": False,
        "MAP_TILE_URL": "/_bench/tiles/{z}/{x}/{y}.png",
    })
    app.add_url_rule("/_bench/tiles/<int:z>/<int:x>/<int:y>.png", "bench_tile", lambda z, x, y: ("", 204))
    SQLModel.metadata.create_all(wdb.engine(app))
    return app


def seed(app) -> str:
    """One member in one area with a few alerts; returns the member's e-mail."""
    from watch.accounts import service
    from watch.areas.models import Area, AreaKind, AreaMembership, AreaRole, AreaStatus
    from watch.core.db import session_scope
    from watch.core.time import utcnow

    ring = [[16.99, 58.74], [17.01, 58.74], [17.01, 58.76], [16.99, 58.76], [16.99, 58.74]]
    with app.app_context(), session_scope() as s:
        user = service.register(s, email="bench@example.se", display_name="Bench", password=PASSWORD)
        area = Area(kind=AreaKind.grannsamverkan, name="Brandkärr", municipality="Nyköping", status=AreaStatus.active,
                    geometry=json.dumps({"type": "Polygon", "coordinates": [ring]}),
                    min_lon=16.99, min_lat=58.74, max_lon=17.01, max_lat=58.76)
        s.add(area)
        s.flush()
        s.add(AreaMembership(area_id=area.id, user_id=user.id, role=AreaRole.member))
        from watch.alerts.models import Alert, AlertArea, Category

        for i in range(20):
            alert = Alert(author_id=user.id, category=Category.suspicious_person, text=f"Larm {i}",
                          observed_at=utcnow(), lat=58.745 + i * 0.0005, lon=17.0)
            s.add(alert)
            s.flush()
            s.add(AlertArea(alert_id=alert.id, area_id=area.id))
    return "bench@example.se"


def map_paths(app) -> list[str]:
    """The map pages: the areas map and the alerts map."""
    from flask import url_for

    with app.test_request_context():
        return [url_for(e) for e in ("areas.map_page", "alerts.map_page")]


def summarize(records: list[dict]) -> tuple[int, dict]:
    by_kind: dict[str, int] = defaultdict(int)
    for r in records:
        p = r["path"]
        kind = "vendor" if p.startswith("/vendor/") else "static" if p.startswith("/static/") else "api" if p.startswith("/api/") else "page/other"
        by_kind[kind] += r["bytes"]
    return sum(r["bytes"] for r in records), dict(by_kind)


def main() -> int:
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    opts = parse(argparse.ArgumentParser(description=__doc__.splitlines()[0]), {})

    if not Path(CHROMIUM).exists():
        print(f"Chromium not found at {CHROMIUM}: sudo apt-get install chromium")
        return 2
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    folder = Path(tempfile.mkdtemp(prefix="watch-bench-"))
    app = build_app(folder)
    email = seed(app)
    meter = Meter(app.wsgi_app)
    app.wsgi_app = meter
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    not_tiles = lambda r: not r["path"].startswith("/_bench/tiles")  # noqa: E731
    ok = True
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)

        def logged_in(**opts):
            ctx = browser.new_context(base_url=base, viewport={"width": 390, "height": 844}, **opts)
            page = ctx.new_page()
            page.goto("/account/login")
            page.fill("#email", email)
            page.fill("#password", PASSWORD)
            page.click("form.form button[type=submit]")
            page.wait_for_load_state("networkidle")
            return ctx, page

        for target in map_paths(app)[:1] if opts.smoke else map_paths(app):
            # 0. Baseline: the same first load with compression off.
            app.config["STATIC_GZIP"] = False
            ctx, page = logged_in(service_workers="block")
            meter.take()
            page.goto(target, wait_until="networkidle")
            plain_bytes, _ = summarize([r for r in meter.take() if not_tiles(r)])
            ctx.close()
            app.config["STATIC_GZIP"] = True

            # 1. First load, no service worker: what a phone downloads to show the map.
            ctx, page = logged_in(service_workers="block")
            meter.take()
            page.goto(target, wait_until="networkidle")
            first = [r for r in meter.take() if not_tiles(r)]
            first_bytes, first_kinds = summarize(first)
            ctx.close()

            # 2 + 3. With the worker: install once, then a repeat visit in a new tab.
            ctx, page = logged_in()
            page.wait_for_function("navigator.serviceWorker.ready.then(() => !!navigator.serviceWorker.controller)")
            page.goto(target, wait_until="networkidle")
            page.wait_for_timeout(300)
            install = [r for r in meter.take() if not_tiles(r)]
            install_bytes, _ = summarize(install)
            page2 = ctx.new_page()
            page2.goto(target, wait_until="networkidle")
            page2.wait_for_timeout(300)
            repeat = [r for r in meter.take() if not_tiles(r)]
            shell = [r for r in repeat if r["path"].startswith(("/static/", "/vendor/")) or r["path"] in ("/manifest.webmanifest", "/offline")]
            ctx.close()

            print(f"page: {target}")
            print(f"  first load (no service worker, tiles excluded): {first_bytes / 1024:.1f} KB in {len(first)} requests "
                  f"(target <= {TARGET_FIRST_LOAD // 1024} KB: {'OK' if first_bytes <= TARGET_FIRST_LOAD else 'OVER'})")
            print(f"    without gzip {plain_bytes / 1024:.1f} KB: gzip sends {first_bytes / plain_bytes:.0%} of it")
            for kind, n in sorted(first_kinds.items()):
                print(f"    {kind:<11} {n / 1024:7.1f} KB")
            print(f"  login + worker install (precache) + map load: {install_bytes / 1024:.1f} KB in {len(install)} requests")
            print(f"  repeat visit: {len(repeat)} network requests, {len(shell)} of them for the app shell (target 0)")
            for r in repeat:
                print(f"    {r['status']} {r['path']} {r['bytes']} B")
            ok = ok and first_bytes <= TARGET_FIRST_LOAD and not shell
        browser.close()
    server.shutdown()
    return 0 if ok or opts.smoke else 1


if __name__ == "__main__":
    sys.exit(main())
