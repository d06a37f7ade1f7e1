"""Push delivered to the service worker through the DevTools protocol; clicking opens the alert."""
from __future__ import annotations

import json

import pytest

from tests.browser.conftest import wait_js, login, wait_for_worker

pytestmark = pytest.mark.browser


def registration_id(ctx, page, base_url) -> str:
    """The worker's registration id, as the DevTools protocol names it."""
    cdp = ctx.new_cdp_session(page)
    regs: list[dict] = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda e: regs.extend(e["registrations"]))
    cdp.send("ServiceWorker.enable")
    for _ in range(50):
        found = [r for r in regs if r["scopeURL"] == base_url + "/" and not r.get("isDeleted")]
        if found:
            return cdp, found[-1]["registrationId"]
        page.wait_for_timeout(100)
    raise AssertionError(f"no registration for {base_url}/ in {regs}")


def notifications(page) -> list[dict]:
    return page.evaluate("""navigator.serviceWorker.ready.then(r => r.getNotifications()).then(ns =>
        ns.map(n => ({ title: n.title, body: n.body, tag: n.tag, data: n.data })))""")


def click_notification(ctx) -> None:
    """What the OS does on a tap: a notificationclick event in the worker."""
    worker = ctx.service_workers[0]
    worker.evaluate("""async () => {
        const [n] = await self.registration.getNotifications();
        self.dispatchEvent(new NotificationEvent('notificationclick', { notification: n }));
    }""")


@pytest.fixture
def pushed(new_context, base_url):
    """A context with notification permission, its page, and a deliver(payload) function."""
    ctx = new_context()
    ctx.grant_permissions(["notifications"], origin=base_url)
    page = ctx.new_page()
    page.goto("/")
    wait_for_worker(page)
    cdp, reg = registration_id(ctx, page, base_url)

    def deliver(payload: dict | str) -> None:
        data = payload if isinstance(payload, str) else json.dumps(payload)
        cdp.send("ServiceWorker.deliverPushMessage", {"origin": base_url, "registrationId": reg, "data": data})
        wait_js(page, "() => navigator.serviceWorker.ready.then(r => r.getNotifications()).then(ns => ns.length > 0)")

    return ctx, page, deliver


def test_push_shows_notification_and_click_opens_the_alert(live_app, pushed, base_url, make_user, make_area, db):
    from watch.alerts.models import Alert, Category
    from watch.core.time import utcnow

    ctx, page, deliver = pushed
    user = make_user()
    make_area(members=[user])
    login(page, user)
    alert_id = db(lambda s: _add_alert(s, Alert, Category, utcnow, user["id"]))
    url = f"/alerts/{alert_id}"
    deliver({"title": "Misstänkt person", "body": "Vid bryggan, Brandkärr", "url": url,
             "alert_id": alert_id, "category": "suspicious_person", "tag": f"alert-{alert_id}"})
    [shown] = notifications(page)
    assert shown["title"] == "Misstänkt person" and shown["body"] == "Vid bryggan, Brandkärr"
    assert shown["tag"] == f"alert-{alert_id}" and shown["data"]["url"] == base_url + url
    page.goto("/")
    click_notification(ctx)
    page.wait_for_url(base_url + url)
    assert "Push-testlarm" in page.content()


def _add_alert(s, Alert, Category, utcnow, author_id):
    from sqlmodel import select

    from watch.areas.models import AreaMembership

    area_id = s.exec(select(AreaMembership.area_id).where(AreaMembership.user_id == author_id)).first()
    alert = Alert(author_id=author_id, category=Category.suspicious_person, text="Push-testlarm", observed_at=utcnow(), lat=58.75, lon=17.0)
    s.add(alert)
    s.flush()
    from watch.alerts.models import AlertArea

    s.add(AlertArea(alert_id=alert.id, area_id=area_id))
    s.commit()
    return alert.id


def test_push_with_a_foreign_url_opens_the_app_instead(pushed, base_url):
    ctx, page, deliver = pushed
    deliver({"title": "<img src=x onerror=alert(1)>", "body": "x", "url": "https://evil.example/phish", "tag": "t1"})
    [shown] = notifications(page)
    assert shown["title"] == "<img src=x onerror=alert(1)>"  # plain text in a notification
    assert shown["data"]["url"] == base_url + "/"
    page.goto("/about-112")
    click_notification(ctx)
    page.wait_for_url(base_url + "/")


def test_push_that_is_not_json_still_shows(pushed):
    ctx, page, deliver = pushed
    deliver("plain text payload")
    [shown] = notifications(page)
    assert shown["body"] == "plain text payload" and shown["title"]
