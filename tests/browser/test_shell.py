"""Installability, the service worker's offline shell, and private data on a shared phone."""
from __future__ import annotations

import json

import pytest

from tests.browser.conftest import wait_js, login, screenshot, wait_for_worker

pytestmark = pytest.mark.browser


def runtime_urls(page) -> list[str]:
    return page.evaluate("""async () => {
        const out = [];
        for (const name of await caches.keys()) {
            if (!name.startsWith('watch-runtime')) continue;
            const cache = await caches.open(name);
            for (const req of await cache.keys()) out.push(new URL(req.url).pathname);
        }
        return out;
    }""")


def wait_cached(page, path: str, present: bool = True) -> None:
    """Until the worker's runtime cache does (or does not) hold `path`."""
    wait_js(
        page, """([path, present]) => caches.keys().then(async (names) => {
            let found = false;
            for (const n of names) {
                if (!n.startsWith('watch-runtime')) continue;
                const keys = await (await caches.open(n)).keys();
                if (keys.some((r) => new URL(r.url).pathname === path)) found = true;
            }
            return found === present;
        })""", arg=[path, present])


def profile_cached_for(worker_phone, user):
    """A phone where `user` logged in and opened the profile page, now in the worker's cache; returns (context, page)."""
    ctx, page = worker_phone(user)
    page.goto("/account/profile")
    wait_cached(page, "/account/profile")
    return ctx, page


def test_manifest_parses_and_worker_activates(page, base_url):
    page.goto("/")
    href = page.get_attribute("link[rel=manifest]", "href")
    manifest = json.loads(page.request.get(base_url + href).text())
    assert manifest["display"] == "standalone" and manifest["short_name"]
    wait_for_worker(page)
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL") == base_url + "/sw.js"
    assert page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)") == base_url + "/"
    names = page.evaluate("caches.keys()")
    shell = [n for n in names if n.startswith("watch-shell-")]
    assert len(shell) == 1
    cached = page.evaluate(f"caches.open('{shell[0]}').then(c => c.keys()).then(ks => ks.map(k => new URL(k.url).pathname))")
    for needed in ("/offline", "/static/css/app.css", "/vendor/leaflet/leaflet.js", "/static/icons/icon-192.png"):
        assert needed in cached


def test_reload_offline_shows_the_app_shell(worker_phone, make_user):
    user = make_user()
    ctx, page = profile_cached_for(worker_phone, user)
    ctx.set_offline(True)
    page.reload()
    # The page this user opened before comes from the phone, styled, with the offline banner.
    assert page.input_value("#display_name") == user["name"]
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).position") == "sticky"
    page.wait_for_selector("#pwa-offline:not([hidden])")
    screenshot(page, "offline-cached-page")
    # A page never opened: the offline page, with the emergency number.
    page.goto("/about-112")
    assert page.locator("a[href='tel:112']").count() >= 1
    assert page.evaluate("document.querySelector('main h1').textContent").strip()
    screenshot(page, "offline-page")
    ctx.set_offline(False)


def test_logout_and_user_change_drop_cached_pages(worker_phone, make_user):
    alice, bob = make_user(name="Alice"), make_user(name="Bob")
    _ctx, page = profile_cached_for(worker_phone, alice)
    page.locator("footer form[action='/account/logout'] button").click()
    page.wait_for_load_state()
    wait_cached(page, "/account/profile", present=False)
    # Another person logs in on the same phone: nothing of Alice's is offline.
    login(page, bob)
    assert "/account/profile" not in runtime_urls(page)
    page.goto("/account/profile")
    assert "Bob" in page.content() and "Alice" not in page.content()


def test_user_change_without_logout_clears_cache(worker_phone, make_user):
    """A session that ends another way (expiry, another tab) still never shows the last user's pages."""
    alice, bob = make_user(name="Alice"), make_user(name="Bob")
    ctx, page = profile_cached_for(worker_phone, alice)
    ctx.clear_cookies()
    login(page, bob)
    wait_cached(page, "/account/profile", present=False)
