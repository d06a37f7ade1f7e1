"""What users write renders inert everywhere: lists, detail pages, map popups.

The CSP would block inline scripts anyway, so the checks look at the DOM: no
element made from the payload exists, the text shows literally, and no CSP
violation was even attempted.
"""
from __future__ import annotations

import pytest

from tests.browser.conftest import PASSWORD, login, wait_js

pytestmark = pytest.mark.browser

PAYLOADS = [
    '<script id="xss-script">window.__xss = 1</script>',
    '<img id="xss-img" src="x" onerror="window.__xss = 2">',
    '"><svg id="xss-svg" onload="window.__xss = 3">',
    "<a id=\"xss-link\" href=\"javascript:window.__xss = 4\">klicka</a>",
    "javascript:window.__xss=5",
    "{{ 7*7 }} ${7*7} <b id=\"xss-b\">fet</b>",
]
TEXT = " ".join(PAYLOADS)
WATCH = """() => {
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective));
}"""


def assert_inert(page, where: str) -> None:
    made = page.evaluate("""() => ['xss-script', 'xss-img', 'xss-svg', 'xss-link', 'xss-b']
        .filter((id) => document.getElementById(id))""")
    assert made == [], f"{where}: payload became markup: {made}"
    assert page.evaluate("window.__xss") is None, where
    assert page.evaluate("document.querySelectorAll('a[href^=\"javascript:\" i]').length") == 0, where
    assert page.evaluate("window.__violations") == [], f"{where}: CSP had to block something"


@pytest.fixture(scope="module")
def hostile(live_app):
    """An area, a user and an alert whose names and text are all XSS payloads."""
    from watch.accounts import service
    from tests.factories import create_area
    from watch.core.db import session_scope
    from watch.core.time import utcnow

    with live_app.app_context(), session_scope() as s:
        user = service.register(s, email="xss@example.se", display_name=PAYLOADS[1][:80], password=PASSWORD)
        user.email_verified_at = utcnow()
        # Away from the other tests' areas (they share the live database), so a click finds this one.
        area = create_area(s, name=PAYLOADS[2][:120], description=TEXT, box=(17.03, 58.75, 17.05, 58.77), contact=user)
        from watch.alerts.models import Alert, AlertArea, Category

        alert = Alert(author_id=user.id, category=Category.other, text=TEXT, observed_at=utcnow(), lat=58.76, lon=17.04)
        s.add(alert)
        s.flush()
        s.add(AlertArea(alert_id=alert.id, area_id=area.id))
        alert_id = alert.id
        s.commit()
        return {"email": user.email, "area": area.id, "alert": alert_id}


@pytest.fixture
def victim(new_context, hostile):
    ctx = new_context()
    ctx.add_init_script(f"({WATCH})()")
    page = ctx.new_page()
    page.on("dialog", lambda d: (_ for _ in ()).throw(AssertionError(f"dialog opened: {d.message}")))
    login(page, hostile)
    return page


def test_alert_text_and_author_in_list_and_detail(live_app, victim, hostile):
    for path in ("/alerts", f"/alerts/{hostile['alert']}"):
        victim.goto(path)
        assert "<script" in victim.inner_text("main") or "&lt;script" in victim.inner_text("main")
        if "/alerts/" in path:  # the list shortens long texts
            assert "javascript:window.__xss=5" in victim.inner_text("main")
        assert_inert(victim, path)


def test_alert_map_popup(live_app, victim, hostile):
    victim.goto("/alerts/map")
    wait_js(victim, "() => document.querySelectorAll('.leaflet-marker-icon').length > 0")
    markers = victim.locator(".leaflet-marker-icon:not(.marker-cluster)")
    texts = []
    for i in range(markers.count()):  # other tests' alerts may be on the map too
        markers.nth(i).click(force=True)
        victim.wait_for_selector(".leaflet-popup-content")
        texts.append(victim.inner_text(".leaflet-popup-content"))
        if "onerror" in texts[-1]:
            break
    assert any("onerror" in t for t in texts), texts
    assert_inert(victim, "alert map popup")
    assert "<img" in victim.inner_text("#map-alert-list")  # the list alternative, as text
    assert_inert(victim, "alert map list")


def test_area_name_on_map_list_and_detail(live_app, victim, hostile):
    for path in ("/areas/list", f"/areas/{hostile['area']}"):
        victim.goto(path)
        assert "<svg" in victim.inner_text("main"), path
        assert_inert(victim, path)
    victim.goto("/areas/")
    wait_js(victim, "() => document.querySelectorAll('.leaflet-interactive').length > 0")
    paths = victim.locator("path.leaflet-interactive")
    texts = []
    for i in range(paths.count()):  # other tests' areas may be on the map too
        paths.nth(i).click(force=True)
        victim.wait_for_selector(".leaflet-popup-content")
        texts.append(victim.inner_text(".leaflet-popup-content"))
        if "<svg" in texts[-1]:
            break
    assert any("<svg" in t for t in texts), texts
    assert_inert(victim, "area map popup")
