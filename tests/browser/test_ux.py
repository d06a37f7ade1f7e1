"""Everyday use on a 390x844 phone (issue 15): each role's home shows its tasks, the police
filter and markers, the one-thumb report, the dark theme's header and map, the offline list,
axe (0 serious/critical) on the changed pages in light and dark. Screenshots: test-artifacts/screenshots/ux-*."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import PHONE, login, screenshot, wait_for_worker, wait_js

pytestmark = pytest.mark.browser

GEO = {"geolocation": {"latitude": 58.75, "longitude": 17.0}, "permissions": ["geolocation"]}


def serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [f"{v['id']}: {v['help']} at {[n['target'][0] for n in v['nodes'][:3]]}" for v in found if v.get("impact") in ("serious", "critical")]


@pytest.fixture
def cast(make_user, make_area, db):
    """An area with a member, a contact (a join request waiting), a police contact and two open alerts; an admin; a newcomer."""
    from datetime import timedelta

    from sqlmodel import select

    from watch.alerts.models import Alert, AlertArea, Category, Status
    from watch.areas.models import AreaJoinRequest, AreaMembership
    from watch.core.time import utcnow

    people = {k: make_user(name=n, police=k == "police", admin=k == "admin") for k, n in (
        ("member", "Maja Medlem"), ("contact", "Karin Ombud"), ("police", "Polis Pål"), ("admin", "Anna Admin"),
        ("newcomer", "Nils Ny"), ("asker", "Åsa Undrar"))}
    area = make_area(name="Brandkärr", members=[people["member"]], contacts=[people["contact"]], police=[people["police"]])

    def setup(s):
        s.add(AreaJoinRequest(area_id=area, user_id=people["asker"]["id"]))
        m = s.exec(select(AreaMembership).where(AreaMembership.user_id == people["contact"]["id"])).one()
        m.trained_on = (utcnow() - timedelta(days=340)).date()
        s.add(m)
        ids = []
        for i, (cat, status) in enumerate(((Category.burglary, Status.open), (Category.suspicious_vehicle, Status.open),
                                           (Category.bicycle_theft, Status.closed))):
            a = Alert(author_id=people["member"]["id"], category=cat, text=f"Larm {i} i Brandkärr", observed_at=utcnow(),
                      lat=58.745 + i * 0.004, lon=16.995 + i * 0.004, status=status)
            s.add(a)
            s.flush()
            s.add(AlertArea(alert_id=a.id, area_id=area))
            ids.append(a.id)
        s.commit()
        return ids

    return {"people": people, "area": area, "alerts": db(setup)}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("who, task", [
    ("police", "#todo-alerts"), ("contact", "[id^=todo-join-]"), ("admin", "#home-admin"), ("newcomer", "#todo-join"),
])
def test_each_role_home_shows_its_tasks(new_context, cast, who, task, scheme):
    page = new_context(color_scheme=scheme).new_page()
    login(page, cast["people"][who])
    page.goto("/")
    page.wait_for_load_state("networkidle")
    box = page.locator(task).first.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"], f"{task} not on the first screen"
    if who == "police":
        assert "2 larm väntar på kvittens" in page.inner_text("#home-todo")
    if who == "contact":
        text = page.inner_text("#home-todo")
        assert "1 förfrågan att gå med i Brandkärr" in text and "Din utbildning går ut om 25 dagar" in text
    screenshot(page, f"ux-home-{who}-{scheme}")
    assert not serious(page)


def test_police_filters_by_status_and_sees_markers_with_a_legend(new_context, cast):
    page = new_context().new_page()
    login(page, cast["people"]["police"])
    page.goto("/alerts")
    assert page.input_value("#filter-status") == "open"
    assert page.locator("#alert-list .alert-item").count() == 2
    assert page.locator("#alert-list .alert-item--closed").count() == 0
    page.select_option("#filter-status", "closed")
    page.click("#filter-apply")
    page.wait_for_load_state()
    assert page.locator("#alert-list .alert-item").count() == 1
    assert page.locator("#alert-list .alert-item--closed").count() == 1
    screenshot(page, "ux-police-list-closed")
    page.goto("/alerts/map?status=all")
    page.wait_for_load_state("networkidle")
    page.click("#map-legend summary")
    wait_js(page, "() => document.querySelectorAll('#alert-map .alert-marker, #alert-map .alert-cluster').length > 0")
    # Status by colour and a sign, category by its icon: never colour alone.
    markers = page.evaluate("""() => [...document.querySelectorAll('#alert-map .alert-marker')].map((m) => [
        m.className, m.querySelector('.alert-marker__sign')?.textContent, !!m.querySelector('use')])""")
    clusters = page.locator("#alert-map .alert-cluster").count()
    assert markers or clusters
    for cls, sign, icon in markers:
        assert icon and sign in ("!", "✓", "–"), (cls, sign)
    assert page.locator("#map-legend li").count() >= 3
    screenshot(page, "ux-police-map-legend", full_page=True)
    page.select_option("#filter-status", "open")
    wait_js(page, "() => document.querySelectorAll('#map-alert-list .alert-item').length === 2")
    assert not serious(page)


@pytest.mark.parametrize("category", ["suspicious_vehicle", "suspicious_person"])
def test_report_with_one_thumb(new_context, cast, db, category):
    from tests.browser.conftest import alerts_with_text

    page = new_context(**GEO).new_page()
    login(page, cast["people"]["member"])
    page.goto("/alerts/new")
    page.wait_for_load_state("networkidle")
    page.tap(f"label[for=category-{category}]")
    button = page.locator("#alert-submit")
    top = page.evaluate("() => document.getElementById('alert-submit').getBoundingClientRect().bottom + window.scrollY")
    assert top <= 2 * PHONE["height"], f"send button ends {top} px down"
    text = f"Tumtest {category}"
    if category == "suspicious_person":
        assert page.is_visible("#alert-person")
        assert page.is_disabled("#person_appearance")
        page.fill("#person_did", text)
        page.fill("#person_clothing", "Grön jacka")
        assert page.is_disabled("#person_appearance")
        page.fill("#person_direction", "Mot hamnen")
        assert page.is_enabled("#person_appearance")
    else:
        assert page.is_hidden("#alert-person")
        page.fill("#text", text)
    screenshot(page, f"ux-report-{category}", full_page=True)
    wait_js(page, "() => document.getElementById('alert-lat').value !== ''")
    button.tap()
    page.wait_for_url(re.compile(r"/alerts/\d+$"))
    expected = f"{text}\nKläder: Grön jacka\nRiktning: Mot hamnen" if category == "suspicious_person" else text
    assert len(alerts_with_text(db, expected)) == 1
    assert "Tack för att du larmade" in page.inner_text("#push-receipt")
    screenshot(page, f"ux-report-{category}-sent")
    assert not serious(page)


def _luminance(rgb: str) -> float:
    parts = [int(float(p)) for p in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]

    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in parts)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_dark_theme_header_and_map_are_dark_and_readable(new_context, cast):
    page = new_context(color_scheme="dark").new_page()
    login(page, cast["people"]["member"])
    page.goto("/alerts/map")
    page.wait_for_load_state("networkidle")
    style = lambda sel, prop: page.evaluate("([s, p]) => getComputedStyle(document.querySelector(s))[p]", [sel, prop])  # noqa: E731
    header_bg, header_fg = style(".site-header", "backgroundColor"), style(".brand", "color")
    assert _luminance(header_bg) < 0.05, header_bg  # no bright bar at night
    assert _contrast(header_bg, header_fg) >= 7, (header_bg, header_fg)
    map_bg = style("#alert-map", "backgroundColor")
    assert _luminance(map_bg) < 0.05, map_bg  # an empty map is not a light-grey panel
    assert "brightness" in style("#alert-map .leaflet-tile-pane", "filter")
    screenshot(page, "ux-dark-map")


def test_alert_list_visited_online_is_there_offline(new_context, cast):
    ctx = new_context()
    page = ctx.new_page()
    page.goto("/")
    wait_for_worker(page)
    login(page, cast["people"]["member"])
    page.goto("/alerts")
    page.wait_for_load_state("networkidle")
    online = page.locator("#alert-list .alert-item").count()
    assert online == 3
    ctx.set_offline(True)
    try:
        page.goto("/alerts")
        assert page.locator("#alert-list .alert-item").count() == online
        screenshot(page, "ux-offline-list")
    finally:
        ctx.set_offline(False)
