"""The one notifications page; 'Turn on notifications': subscribe on a tap, list the device, remove it.

PushManager.subscribe needs Google's push service, so only that call is stubbed:
it returns a well-formed subscription (a real P-256 key) on FCM's host.
"""
from __future__ import annotations

import base64
import uuid

import pytest

from tests.browser.conftest import login, screenshot, wait_for_worker, wait_js

pytestmark = pytest.mark.browser


def fake_subscription() -> dict:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()  # noqa: E731
    return {"endpoint": f"https://fcm.googleapis.com/fcm/send/{uuid.uuid4().hex}", "expirationTime": None,
            "keys": {"p256dh": b64(key), "auth": b64(uuid.uuid4().bytes)}}


STUB = """(sub) => {
  PushManager.prototype.subscribe = async function () {
    window.__subscribeCalls = (window.__subscribeCalls || 0) + 1;
    return { endpoint: sub.endpoint, toJSON: () => sub, unsubscribe: async () => true };
  };
}"""


def test_turn_on_list_and_remove(live_app, new_context, make_user, base_url):
    ctx = new_context()
    ctx.grant_permissions(["notifications"], origin=base_url)
    sub = fake_subscription()
    ctx.add_init_script(f"({STUB})({__import__('json').dumps(sub)})")
    page = ctx.new_page()
    user = make_user()
    page.goto("/")
    wait_for_worker(page)
    login(page, user)
    page.goto("/notifications")  # the old address leads to the one notifications page
    assert page.url.endswith("/account/notifications")
    # One page, four parts: this device on/off, which alerts per area, quiet hours, e-mail.
    for part in ("#push-panel", "#push-preferences", "#quiet-hours", "#mail-preferences"):
        assert page.locator(part).is_visible(), part
    enable = page.locator("[data-enable]")
    enable.wait_for(state="visible")
    assert page.evaluate("window.__subscribeCalls || 0") == 0  # nothing before the tap
    box = enable.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    enable.click()
    page.locator("[data-disable]").wait_for(state="visible")
    assert page.evaluate("window.__subscribeCalls") == 1
    items = page.locator("[data-devices] li")
    assert items.count() == 1
    assert "Chrome" in items.first.inner_text() or "Linux" in items.first.inner_text()
    assert page.locator(".pwa-device__mine").count() == 1
    screenshot(page, "notifications-on")
    items.first.locator("button").click()
    wait_js(page, "() => document.querySelectorAll('[data-devices] li').length === 0")
    page.locator("[data-enable]").wait_for(state="visible")


def test_iphone_is_told_to_add_to_home_screen(live_app, new_context, make_user):
    ua = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1")
    ctx = new_context(user_agent=ua)
    page = ctx.new_page()
    login(page, make_user())
    page.goto("/notifications")
    page.locator("[data-ios-hint]").wait_for(state="visible")
    assert page.locator("[data-enable]").is_hidden()
    assert "hemskärmen" in page.inner_text("[data-ios-hint]")
    screenshot(page, "notifications-iphone")
