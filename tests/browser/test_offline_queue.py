"""An alert written without network waits on the phone and is stored exactly once."""
from __future__ import annotations

import uuid

import pytest

from tests.browser.conftest import wait_js, alerts_with_text, login, screenshot

pytestmark = pytest.mark.browser


def queued(page) -> list:
    return page.evaluate("""() => new Promise((resolve, reject) => {
        const req = indexedDB.open('watch-pwa', 1);
        req.onsuccess = () => {
            const t = req.result.transaction('queue', 'readonly').objectStore('queue').getAll();
            t.onsuccess = () => { req.result.close(); resolve(t.result); };
            t.onerror = () => reject(t.error);
        };
        req.onerror = () => reject(req.error);
    })""")


@pytest.fixture
def member_page(live_app, worker_phone, make_user, make_area):
    """A logged-in member of an area, on a page the service worker controls."""
    user = make_user()
    area = make_area(members=[user])
    ctx, page = worker_phone(user, geolocation={"latitude": 58.75, "longitude": 17.0}, permissions=["geolocation"])
    return ctx, page, user, area


def post_from_page(page, payload: dict, key: str) -> dict:
    """What the posting page does: a JSON POST with an Idempotency-Key and the CSRF header."""
    return page.evaluate("""async ([payload, key]) => {
        const csrf = document.querySelector('meta[name="csrf-token"]').content;
        try {
            const r = await fetch('/api/v1/alerts', { method: 'POST', credentials: 'same-origin',
                headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key, 'X-CSRFToken': csrf },
                body: JSON.stringify(payload) });
            return { status: r.status, body: await r.json().catch(() => null) };
        } catch (e) { return { status: 0, error: String(e) }; }
    }""", [payload, key])


def test_offline_alert_waits_and_is_stored_once(member_page, db):
    ctx, page, user, area = member_page
    text = f"Två personer vid bryggan {uuid.uuid4().hex[:6]}"
    payload = {"category": "suspicious_person", "text": text, "lat": 58.751, "lon": 17.001, "area_id": area}
    key = str(uuid.uuid4())
    ctx.set_offline(True)
    first = post_from_page(page, payload, key)
    assert first["status"] == 202 and first["body"] == {"queued": True, "idempotency_key": key}
    again = post_from_page(page, payload, key)  # the user taps "send" twice
    assert again["status"] == 202
    assert [e["key"] for e in queued(page)] == [key]
    page.wait_for_selector(".pwa-queue")
    assert text[:40] in page.inner_text(".pwa-queue")
    screenshot(page, "offline-queue-waiting")
    assert alerts_with_text(db, text) == []
    ctx.set_offline(False)
    page.wait_for_selector(".pwa-queue", state="detached", timeout=15_000)
    assert queued(page) == []
    assert len(alerts_with_text(db, text)) == 1
    # A second flush (sync, app start) finds nothing to send; the server would dedupe anyway.
    page.evaluate("navigator.serviceWorker.controller.postMessage({type: 'flush'})")
    page.reload()
    page.wait_for_timeout(500)
    assert len(alerts_with_text(db, text)) == 1


def test_queue_is_sent_on_app_start(member_page, db):
    """Without an `online` event (Safari, Firefox: no Background Sync) the next start sends it."""
    ctx, page, user, area = member_page
    text = f"Okänd bil på gården {uuid.uuid4().hex[:6]}"
    ctx.set_offline(True)
    r = post_from_page(page, {"category": "suspicious_vehicle", "text": text, "lat": 58.749, "lon": 17.002, "area_id": area}, str(uuid.uuid4()))
    assert r["status"] == 202
    page.close()
    ctx.set_offline(False)
    page = ctx.new_page()
    page.goto("/")
    wait_js(page, "() => document.querySelector('.pwa-queue') === null")
    for _ in range(50):
        if alerts_with_text(db, text):
            break
        page.wait_for_timeout(100)
    assert len(alerts_with_text(db, text)) == 1


def test_refused_alert_is_dropped_and_the_user_told(member_page, db):
    """A final 4xx (here: an area the user is not in) is not retried for ever."""
    ctx, page, user, area = member_page
    text = f"Utanför mitt område {uuid.uuid4().hex[:6]}"
    ctx.set_offline(True)
    r = post_from_page(page, {"category": "other", "text": text, "lat": 10.0, "lon": 10.0, "area_id": 999999}, str(uuid.uuid4()))
    assert r["status"] == 202
    ctx.set_offline(False)
    page.wait_for_selector(".pwa-note--error", timeout=15_000)
    assert queued(page) == []
    assert alerts_with_text(db, text) == []


def test_queue_waits_for_its_author(member_page, make_user, db):
    """Logged out (or someone else logged in): the queued alert is not sent in another name."""
    ctx, page, user, area = member_page
    text = f"Väntar på rätt person {uuid.uuid4().hex[:6]}"
    ctx.set_offline(True)
    assert post_from_page(page, {"category": "other", "text": text, "lat": 58.75, "lon": 17.0, "area_id": area}, str(uuid.uuid4()))["status"] == 202
    ctx.clear_cookies()  # the author's session ends before the network is back
    ctx.set_offline(False)
    other = make_user()
    login(page, other)
    page.evaluate("navigator.serviceWorker.controller.postMessage({type: 'flush'})")
    page.wait_for_timeout(700)
    assert alerts_with_text(db, text) == []
    assert len(queued(page)) == 1
    ctx.clear_cookies()
    login(page, user)
    for _ in range(50):
        if alerts_with_text(db, text):
            break
        page.wait_for_timeout(100)
    assert len(alerts_with_text(db, text)) == 1
    author = alerts_with_text(db, text)[0].author_id
    assert author == user["id"]


def test_posting_page_offline_then_online(live_app, member_page, db):
    """Through the real posting page: written offline, sent once when the network is back."""
    ctx, page, user, area = member_page
    page.goto("/alerts/new")
    text = f"Båt utan lanternor vid piren {uuid.uuid4().hex[:6]}"
    page.check("input[name=category][value=suspicious_person]")
    page.fill("#text", text)
    wait_js(page, "() => document.getElementById('alert-lat').value !== ''")
    ctx.set_offline(True)
    page.click("#alert-submit")
    page.wait_for_selector(".pwa-queue")
    assert text[:40] in page.inner_text(".pwa-queue")
    # Waiting, not failed: no error, the form is cleared for the next alert.
    page.wait_for_function("() => document.getElementById('position-status').textContent.includes('sparas i telefonen')")
    assert page.is_hidden("#alert-form-error")
    assert page.input_value("#text") == ""
    screenshot(page, "alert-new-offline")
    assert alerts_with_text(db, text) == []
    ctx.set_offline(False)
    page.wait_for_selector(".pwa-queue", state="detached", timeout=15_000)
    assert len(alerts_with_text(db, text)) == 1
