"""Browser tests: the real app on loopback, driven by Debian's Chromium through Playwright.

No Chromium: the tests skip with the install command, except under CI (env CI
set), where they fail. Map tiles come from a local stub route, never the network.
"""
from __future__ import annotations

import base64
import os
import re
import logging
import threading
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("WATCH_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
PASSWORD = "korv med bröd och senap"
# A 1x1 grey PNG stands in for every map tile.
TILE = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mO8/w8AAn8B/2VHYxkAAAAASUVORK5CYII=")


def _missing(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so browser tests must run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run."""
    if not Path(CHROMIUM).exists():
        _missing(f"Chromium not found at {CHROMIUM}: sudo apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright is not installed: .venv/bin/pip install -e '.[test]'")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The app on a fresh SQLite file, CSRF on, served on 127.0.0.1 in a thread."""
    from sqlmodel import SQLModel
    from werkzeug.serving import make_server

    from watch import create_app
    from watch.core import db as wdb

    base = tmp_path_factory.mktemp("live")
    app = create_app({
        "ENV": "testing",
        "DATABASE_URL": f"sqlite:///{base / 'live.db'}",
        "SECRET_KEY": "browser-test-secret-key-that-is-long-enough",
        "INSTANCE_PATH": str(base / "instance"),
        "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024, "ARGON2_PARALLELISM": 1,
        "RATELIMIT_ENABLED": False,
        "PUSH_WORKER_INPROCESS": False,
        "MAP_TILE_URL": "/_test/tiles/{z}/{x}/{y}.png",
        "MAP_TILE_ATTRIBUTION": "test tiles",
    })

    def tile(z, x, y):
        from flask import Response

        return Response(TILE, mimetype="image/png")

    app.add_url_rule("/_test/tiles/<int:z>/<int:x>/<int:y>.png", "test_tile", tile)
    SQLModel.metadata.create_all(wdb.engine(app))
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["LIVE_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield app
    server.shutdown()
    wdb.engine(app).dispose()


@pytest.fixture
def base_url(live_app) -> str:
    """http://127.0.0.1:<port> of the live app."""
    return live_app.config["LIVE_URL"]


@pytest.fixture
def db(live_app):
    """Run a function with a database session of the live app: db(lambda s: ...)."""
    from watch.core.db import session_scope

    def run(fn):
        with live_app.app_context(), session_scope() as s:
            return fn(s)

    return run


_n = iter(range(1, 10**6))


@pytest.fixture
def make_user(db):
    """Create a user in the live app's database; returns (email, id)."""
    from watch.accounts import service

    def make(name=None, police=False, admin=False, municipality="Nyköping", email=None):
        n = next(_n)
        email = email or f"b{n}-{os.getpid()}@example.se"

        def create(s):
            # A confirmed address, as the unit factory makes: roles need one.
            user = service.register(s, email=email, display_name=name or f"Person {n}", password=PASSWORD, verified=True)
            user.is_police, user.is_admin, user.municipality = police, admin, municipality
            s.add(user)
            s.commit()
            return user.id

        return {"email": email, "id": db(create), "name": name or f"Person {n}"}

    return make


@pytest.fixture
def new_context(browser, base_url):
    """Factory for browser contexts at phone size; all closed after the test."""
    made = []

    def make(**kwargs):
        options = {"viewport": PHONE, "base_url": base_url, "locale": "sv-SE", "device_scale_factor": 1, "has_touch": True}
        options.update(kwargs)
        ctx = browser.new_context(**options)
        ctx.set_default_timeout(10_000)
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.close()


@pytest.fixture
def phone_as(new_context):
    """A page in a fresh phone-sized context, logged in: phone_as(user, color_scheme="dark")."""

    def make(user: dict, **options):
        page = new_context(**options).new_page()
        login(page, user)
        return page

    return make


@pytest.fixture
def worker_phone(new_context):
    """A phone-sized page the service worker controls, then logged in: worker_phone(user, **context options) -> (context, page)."""

    def make(user: dict, **options):
        ctx = new_context(**options)
        page = ctx.new_page()
        page.goto("/")
        wait_for_worker(page)
        login(page, user)
        return ctx, page

    return make


@pytest.fixture
def page(new_context):
    """A page in a fresh phone-sized context."""
    return new_context().new_page()


def login(page, user: dict) -> None:
    """Log in through the real form."""
    page.goto("/account/login")
    page.fill("#email", user["email"])
    page.fill("#password", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    assert "/account/login" not in page.url, page.content()[:2000]


def screenshot(page, name: str, full_page: bool = False) -> Path:
    """Save a screenshot under test-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^a-z0-9_-]+', '-', name.lower())}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def serious(results) -> list[str]:
    """The serious and critical axe violations in `results`, one line each."""
    out = []
    for v in results.response["violations"]:
        if v.get("impact") in ("serious", "critical"):
            nodes = "; ".join(n["target"][0] if n.get("target") else "?" for n in v["nodes"][:3])
            out.append(f"{v['id']} ({v['impact']}): {v['help']} at {nodes}")
    return out


class PhoneCheck:
    """check(page, name): axe (0 serious/critical), no sideways scroll, a full-page screenshot.

    Problems are collected in .problems, so one test sees every page's findings; assert it empty at the end.
    The screenshot is saved as prefix + name + suffix.
    """

    def __init__(self, prefix: str = "", suffix: str = ""):
        from axe_playwright_python.sync_playwright import Axe

        self.axe, self.problems, self.prefix, self.suffix = Axe(), {}, prefix, suffix

    def __call__(self, page, name: str) -> None:
        page.wait_for_load_state("networkidle")
        found = serious(self.axe.run(page))
        if found:
            self.problems[name] = found
        screenshot(page, f"{self.prefix}{name}{self.suffix}", full_page=True)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            self.problems[name + " width"] = width


def wait_js(page, expression: str, arg=None, timeout: int = 10_000):
    """Poll a JS function until it returns something truthy.

    page.wait_for_function evaluates strings in the page, which our CSP (no
    unsafe-eval) forbids; page.evaluate goes through DevTools and is allowed.
    """
    import time

    deadline = time.monotonic() + timeout / 1000
    while True:
        value = page.evaluate(expression, arg)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {expression[:200]}")
        page.wait_for_timeout(100)


def wait_for_worker(page, timeout: int = 10_000) -> None:
    """Until the service worker is active and controls the page."""
    wait_js(page, "() => navigator.serviceWorker.ready.then(() => !!navigator.serviceWorker.controller)", timeout=timeout)


def queued_offline_then_stored_once(ctx, page, *, submit: str, queued: str, name: str, stored) -> None:
    """Submit with the network off: the phone keeps it (nothing stored, screenshot `name`); back online it is
    stored once, and a second flush and a reload store nothing more. stored() counts it in the database."""
    ctx.set_offline(True)
    page.click(submit)
    page.wait_for_selector(f"text={queued}")
    page.wait_for_selector(".pwa-queue")
    screenshot(page, name)
    assert stored() == 0
    ctx.set_offline(False)
    page.wait_for_selector(".pwa-queue", state="detached", timeout=15_000)
    assert stored() == 1
    page.evaluate("navigator.serviceWorker.controller.postMessage({type: 'flush'})")
    page.reload()
    assert stored() == 1


@pytest.fixture
def make_area(db):
    """An approved area (square around lon/lat, through the areas service) with the given members; returns its id."""
    from tests.factories import create_area
    from watch.accounts.models import User
    from watch.areas.models import AreaMembership, AreaRole

    def make(name="Brandkärr", members=(), contacts=(), police=(), kind="grannsamverkan", lon=17.0, lat=58.75, d=0.01):
        def create(s):
            contact = s.get(User, contacts[0]["id"]) if contacts else None
            area = create_area(s, name=name, kind=kind, box=(lon - d, lat - d, lon + d, lat + d), contact=contact)
            for role, users in ((AreaRole.member, members), (AreaRole.contact, contacts[1:]), (AreaRole.police, police)):
                for u in users:
                    s.add(AreaMembership(area_id=area.id, user_id=u["id"], role=role))
            s.commit()
            return area.id

        return db(create)

    return make


def alerts_with_text(db, text: str) -> list:
    """Alerts in the live database whose text is exactly `text`."""
    from sqlmodel import select

    from watch.alerts.models import Alert

    return db(lambda s: list(s.exec(select(Alert).where(Alert.text == text)).all()))
