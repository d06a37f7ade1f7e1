"""Accessibility and phone-first layout on every page: axe-core (0 serious or critical),
tap targets, reflow at 200 % zoom, dark mode; screenshots at 390x844."""
from __future__ import annotations

import pytest

from tests.browser.conftest import login, screenshot

pytestmark = pytest.mark.browser

# (endpoint that must exist, path, who: None = anonymous, "member", "police")
PAGES = [
    ("main.index", "/", None),
    ("main.emergency", "/about-112", None),
    ("accounts.login", "/account/login", None),
    ("accounts.register", "/account/register", None),
    ("pwa.offline", "/offline", None),
    ("main.index", "/", "member"),
    ("accounts.profile", "/account/profile", "member"),
    ("pwa.notifications", "/notifications", "member"),
    ("push.devices", "/account/notifications", "member"),
    ("areas.map_page", "/areas/", "member"),
    ("areas.list_page", "/areas/list", "member"),
    ("areas.new", "/areas/new", "member"),
    ("areas.detail", "/areas/{area}", "member"),
    ("areas.members_page", "/areas/{area}/members", "member"),
    ("areas.queue", "/areas/queue", "police"),
    ("alerts.new", "/alerts/new", "member"),
    ("alerts.list_page", "/alerts", "member"),
    ("alerts.map_page", "/alerts/map", "member"),
    ("alerts.detail", "/alerts/{alert}", "member"),
]


@pytest.fixture(scope="module")
def world(live_app):
    """A contact representative of an area with one alert, and a police officer."""
    import json

    from watch.accounts import service
    from watch.areas.models import Area, AreaKind, AreaMembership, AreaRole, AreaStatus
    from watch.db import session_scope, utcnow
    from tests.browser.conftest import PASSWORD

    with live_app.app_context(), session_scope() as s:
        rep = service.register(s, email="a11y-rep@example.se", display_name="Karin Ombud", password=PASSWORD)
        pol = service.register(s, email="a11y-pol@example.se", display_name="Polis Pål", password=PASSWORD)
        pol.is_police, pol.municipality = True, "Nyköping"
        ring = [[16.99, 58.74], [17.01, 58.74], [17.01, 58.76], [16.99, 58.76], [16.99, 58.74]]
        area = Area(kind=AreaKind.batsamverkan, name="Gästhamnen", municipality="Nyköping", status=AreaStatus.active,
                    geometry=json.dumps({"type": "Polygon", "coordinates": [ring]}),
                    min_lon=16.99, min_lat=58.74, max_lon=17.01, max_lat=58.76)
        s.add(area)
        s.flush()
        s.add(AreaMembership(area_id=area.id, user_id=rep.id, role=AreaRole.contact, is_main_contact=True))
        alert_id = None
        if "alerts.detail" in live_app.view_functions:
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
    for endpoint, path, who in PAGES:
        if endpoint in live_app.view_functions and not ("{alert}" in path and world["alert"] is None):
            yield path.format(area=world["area"], alert=world["alert"]), who


def serious(results) -> list[str]:
    out = []
    for v in results.response["violations"]:
        if v.get("impact") in ("serious", "critical"):
            nodes = "; ".join(n["target"][0] if n.get("target") else "?" for n in v["nodes"][:3])
            out.append(f"{v['id']} ({v['impact']}): {v['help']} at {nodes}")
    return out


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_on_every_page(live_app, world, new_context, scheme):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    contexts = {}
    problems, seen = {}, 0
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
        seen += 1
        name = f"{scheme}-{who or 'anon'}-{path.strip('/').replace('/', '-') or 'home'}"
        screenshot(page, name)
    assert seen >= 8
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
