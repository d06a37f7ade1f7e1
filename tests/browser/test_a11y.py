"""Accessibility and phone-first layout on every page: axe-core (0 serious or critical),
tap targets, reflow at 200 % zoom, dark mode; screenshots at 390x844."""
from __future__ import annotations

import pytest

from tests.browser.conftest import login, screenshot, serious

pytestmark = pytest.mark.browser

# (endpoint, its URL arguments from the world, who: None = anonymous, "member", "police").
# Every page is listed by endpoint: a renamed or missing endpoint fails the test (BuildError).
PAGES = [
    ("main.index", {}, None),
    ("main.emergency", {}, None),
    ("accounts.login", {}, None),
    ("accounts.register", {}, None),
    ("pwa.offline", {}, None),
    ("main.index", {}, "member"),
    ("accounts.profile", {}, "member"),
    ("push.devices", {}, "member"),
    ("areas.map_page", {}, "member"),
    ("areas.list_page", {}, "member"),
    ("areas.new", {}, "member"),
    ("areas.detail", {"area_id": "area"}, "member"),
    ("areas.members_page", {"area_id": "area"}, "member"),
    ("areas.queue", {}, "police"),
    ("alerts.new", {}, "member"),
    ("alerts.list_page", {}, "member"),
    ("alerts.map_page", {}, "member"),
    ("alerts.detail", {"alert_id": "alert"}, "member"),
]


@pytest.fixture(scope="module")
def world(live_app):
    """A contact representative of an area with one alert, and a police officer."""
    from tests.factories import create_area
    from watch.accounts import service
    from watch.areas.models import AreaKind
    from watch.core.db import session_scope
    from watch.core.time import utcnow
    from tests.browser.conftest import PASSWORD

    with live_app.app_context(), session_scope() as s:
        rep = service.register(s, email="a11y-rep@example.se", display_name="Karin Ombud", password=PASSWORD)
        pol = service.register(s, email="a11y-pol@example.se", display_name="Polis Pål", password=PASSWORD)
        pol.is_police, pol.municipality = True, "Nyköping"
        rep.email_verified_at = pol.email_verified_at = utcnow()
        area = create_area(s, name="Gästhamnen", kind=AreaKind.batsamverkan, box=(16.99, 58.74, 17.01, 58.76), contact=rep)
        from watch.alerts.models import Alert, AlertArea, Category

        alert = Alert(author_id=rep.id, category=Category.marina_activity, text="Två personer på bryggan vid 02-tiden",
                      observed_at=utcnow(), lat=58.75, lon=17.0)
        s.add(alert)
        s.flush()
        s.add(AlertArea(alert_id=alert.id, area_id=area.id))
        alert_id = alert.id
        s.commit()
        return {"member": {"email": rep.email}, "police": {"email": pol.email}, "area": area.id, "alert": alert_id}


def pages_for(live_app, world):
    from flask import url_for

    with live_app.test_request_context():
        return [(url_for(endpoint, **{k: world[v] for k, v in args.items()}), who) for endpoint, args, who in PAGES]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_on_every_page(live_app, world, new_context, scheme):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    contexts = {}
    problems = {}
    for path, who in pages_for(live_app, world):
        if who not in contexts:
            ctx = new_context(color_scheme=scheme, geolocation={"latitude": 58.75, "longitude": 17.0}, permissions=["geolocation"])
            page = ctx.new_page()
            if who:
                login(page, world[who])
            contexts[who] = page
        page = contexts[who]
        page.goto(path)
        page.wait_for_load_state("networkidle")
        found = serious(axe.run(page))
        if found:
            problems[f"{who or 'anonymous'} {path}"] = found
        name = f"{scheme}-{who or 'anon'}-{path.strip('/').replace('/', '-') or 'home'}"
        screenshot(page, name)
    assert not problems, "\n".join(f"{k}:\n  " + "\n  ".join(v) for k, v in problems.items())


def test_tap_targets_and_reflow(live_app, world, new_context):
    """Buttons, menu links and fields are at least 44 px; no sideways scrolling at 200 % zoom."""
    small, wide = {}, {}
    ctx = new_context()
    page = ctx.new_page()
    login(page, world["member"])
    zoomed = new_context(viewport={"width": 195, "height": 422}).new_page()  # 390 px phone at 200 %
    login(zoomed, world["member"])
    for path, who in pages_for(live_app, world):
        if who == "police":
            continue
        page.goto(path)
        page.wait_for_load_state("networkidle")
        bad = page.evaluate("""() => [...document.querySelectorAll(
                'button, .button, .bottom-nav a, input:not([type=hidden]):not([type=radio]):not([type=checkbox]), select, textarea')]
            .filter((el) => el.offsetParent !== null && !el.closest('.leaflet-container'))
            .map((el) => [el.outerHTML.slice(0, 80), el.getBoundingClientRect()])
            .filter(([, r]) => r.height < 44 || r.width < 44)
            .map(([html, r]) => `${html} ${Math.round(r.width)}x${Math.round(r.height)}`)""")
        if bad:
            small[path] = bad
        zoomed.goto(path)
        zoomed.wait_for_load_state("networkidle")
        overflow = zoomed.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 1:
            wide[path] = (overflow, zoomed.evaluate("""() => [...document.querySelectorAll('main *, header *')]
                .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                .filter((e) => !e.closest('.leaflet-container'))
                .slice(0, 3).map((e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + String(e.className).split(' ')[0])"""))
            screenshot(zoomed, f"zoom200-{path.strip('/').replace('/', '-') or 'home'}")
    assert not small, small
    assert not wide, f"sideways scrolling at 200 % zoom (px): {wide}"


def test_keyboard_reaches_main_and_focus_is_visible(page):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.locator("header").count() and page.locator("main").count() and page.locator("nav[aria-label]").count()


def test_keyboard_does_not_jump_the_layout(new_context, world):
    """Focusing a field (the on-screen keyboard opens) keeps the bottom menu in place and the field visible."""
    page = new_context().new_page()
    login(page, world["member"])
    page.goto("/account/profile")
    before = page.locator(".bottom-nav").bounding_box()
    page.focus("#display_name")
    page.set_viewport_size({"width": 390, "height": 500})  # the keyboard takes the lower part
    field = page.locator("#display_name").bounding_box()
    nav = page.locator(".bottom-nav").bounding_box()
    assert nav["y"] + nav["height"] <= 500 + 1 and nav["height"] == before["height"]
    assert field["y"] >= 0 and field["y"] + field["height"] <= nav["y"]
