"""Graffiti on a phone: the 112 guard, a report with a photo to both routes (the work order e-mailed through the outbox
and the worker to an SMTP server, the police package for the handler); the coordinator draws the owner layer on the map,
publishes, approves a photo; the public page. axe (0 serious/critical) light and dark; screenshots in
test-artifacts/screenshots/."""
from __future__ import annotations

import json
import os

import pytest
from PIL import Image

from tests.browser.conftest import PhoneCheck, screenshot, serious

pytestmark = pytest.mark.browser
MUNI = f"Gnesta-{os.getpid()}"
_runs = iter(range(1, 10**6))
BOX = (17.28, 59.04, 17.33, 59.06)


@pytest.fixture
def graffiti_world(db, make_user):
    """A district, the technical office (handler, coordinator) with a routing rule, and a resident; a municipality per test."""
    from watch.est.models import EstDistrict
    from watch.graffiti.models import RoutingRule
    from watch.organisations.models import Organisation, OrganisationMembership

    muni = f"{MUNI}-{next(_runs)}"
    people = {"handler": make_user(name="Tekla Tekniker"), "resident": make_user(name="Rut Boende", municipality=muni),
              "coord": make_user(name="Sam Samordnare", municipality=muni), "muni": muni}

    def create(s):
        ring = [[BOX[0], BOX[1]], [BOX[2], BOX[1]], [BOX[2], BOX[3]], [BOX[0], BOX[3]], [BOX[0], BOX[1]]]
        s.add(EstDistrict(municipality=muni, name="Centrum", geometry=json.dumps({"type": "Polygon", "coordinates": [ring]}),
                          min_lon=BOX[0], min_lat=BOX[1], max_lon=BOX[2], max_lat=BOX[3]))
        tek = Organisation(municipality=muni, name="Tekniska kontoret", kind="municipal_unit")
        s.add(tek)
        s.flush()
        s.add(OrganisationMembership(organisation_id=tek.id, user_id=people["handler"]["id"], role="rapportor"))
        s.add(OrganisationMembership(organisation_id=tek.id, user_id=people["coord"]["id"], role="samordnare"))
        s.add(RoutingRule(municipality=muni, organisation_id=tek.id, channel="email", address="klotter@gnesta.example.se"))
        s.commit()

    db(create)
    return people


@pytest.fixture
def smtp_for_live_app(live_app):
    """A real SMTP server (aiosmtpd) the live app sends to for this test; the file backend again afterwards."""
    import flask_mail

    from tests.mail.conftest import SMTPServer

    server = SMTPServer()
    server.start()
    keys = ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USE_SSL", "MAIL_DEFAULT_SENDER", "MAIL_TIMEOUT_SECONDS")
    saved = {k: live_app.config.get(k) for k in keys}
    saved_ext = live_app.extensions["mail"]
    live_app.config.update({k: v for k, v in server.config().items() if k in keys})
    flask_mail.Mail(live_app)
    yield server
    live_app.config.update(saved)
    live_app.extensions["mail"] = saved_ext
    server.stop()


def test_graffiti_from_a_phone_to_both_routes(live_app, graffiti_world, phone_as, tmp_path, db, smtp_for_live_app):
    from sqlmodel import select

    from watch.mail.models import OutboxMessage

    check = PhoneCheck()
    photo = tmp_path / "klotter.jpg"
    Image.new("RGB", (80, 60), (200, 40, 90)).save(photo, "JPEG")
    page = phone_as(graffiti_world["resident"], color_scheme="dark")
    page.goto("/graffiti/new")

    def fill():
        page.select_option("#municipality", graffiti_world["muni"])
        page.fill("#lat", "59.0500")
        page.fill("#lon", "17.3000")
        page.fill("#address", "Västra Storgatan 3")
        page.select_option("#object_type", "cabinet")
        page.fill("#area_m2", "1.5")
        page.set_input_files("#photos", str(photo))

    fill()
    page.check("#in_progress")
    page.click("#graffiti-submit")
    page.wait_for_load_state()
    assert page.locator("#graffiti-call-112 a[href='tel:112']").is_visible()
    check(page, "graffiti-112-guard-dark")
    page.uncheck("#in_progress")
    fill()
    check(page, "graffiti-report-dark")
    page.click("#graffiti-submit")
    page.wait_for_load_state()
    assert "Tack!" in page.content() and page.locator("#graffiti-status").inner_text() == "Inskickad"
    report_url = page.url
    orders = db(lambda s: [m.to_address for m in s.exec(select(OutboxMessage).where(OutboxMessage.kind == "graffiti_work_order"))])
    assert "klotter@gnesta.example.se" in orders
    from watch.core import tasks

    tasks.run_all(live_app, only="mail.send")  # the worker's task, as the worker loop runs it
    arrived = [m for m in smtp_for_live_app.messages if m["To"] == "klotter@gnesta.example.se"]
    assert len(arrived) == 1 and arrived[0]["Subject"].startswith("Klotter nr")

    handler = phone_as(graffiti_world["handler"], color_scheme="light")
    handler.goto(report_url)
    check(handler, "graffiti-handler-light")
    handler.click("#graffiti-police")
    handler.wait_for_load_state()
    assert "Västra Storgatan 3" in handler.content()
    check(handler, "graffiti-police-package-light")
    assert not check.problems, check.problems


def test_the_coordinator_draws_the_owner_layer_publishes_and_approves_a_photo(live_app, graffiti_world, new_context, phone_as, tmp_path, db):
    import re

    from axe_playwright_python.sync_playwright import Axe
    from sqlmodel import select

    from watch.graffiti.models import GraffitiReport, OwnerZone

    axe = Axe()
    problems = {}
    photo = tmp_path / "klotter2.jpg"
    Image.new("RGB", (80, 60), (30, 140, 90)).save(photo, "JPEG")
    resident = phone_as(graffiti_world["resident"])
    resident.goto("/graffiti/new")
    resident.select_option("#municipality", graffiti_world["muni"])
    resident.fill("#lat", "59.0450")
    resident.fill("#lon", "17.2900")
    resident.fill("#address", "Östra Storgatan 12")
    resident.select_option("#object_type", "tunnel")
    resident.fill("#area_m2", "4")
    resident.set_input_files("#photos", str(photo))
    resident.click("#graffiti-submit")
    resident.wait_for_url(re.compile(r"/graffiti/\d+$"))
    report_path = re.search(r"/graffiti/\d+$", resident.url).group(0)

    for scheme in ("light", "dark"):
        page = phone_as(graffiti_world["coord"], color_scheme=scheme)
        page.goto(f"/graffiti/setup/{graffiti_world['muni']}")
        page.wait_for_selector("#area-draw-map.leaflet-container")
        page.wait_for_load_state("networkidle")
        found = serious(axe.run(page))
        if found:
            problems[f"setup-{scheme}"] = found
        screenshot(page, f"graffiti-setup-{scheme}", full_page=True)
    # draw a zone on the map: three taps fill the GeoJSON field
    page.fill("#z-name", "Tunneln vid stationen")
    page.select_option("#z-owner_type", "utility")
    page.locator("#area-draw-map").scroll_into_view_if_needed()
    box = page.locator("#area-draw-map").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for dx, dy in ((-30, -20), (30, -20), (0, 25)):
        page.mouse.click(cx + dx, cy + dy)
        page.wait_for_timeout(350)  # Leaflet tells a click from a double click
    assert page.input_value("#z-geometry").startswith('{"type":"Polygon"')
    page.click("#graffiti-zone-form button[type=submit]")
    page.wait_for_load_state()
    assert "Tunneln vid stationen" in page.locator("#graffiti-zones").inner_text()
    assert db(lambda s: s.exec(select(OwnerZone).where(OwnerZone.municipality == graffiti_world["muni"])).one().owner_type) == "utility"
    # publish, then approve the photo
    page.check("#s-public")
    page.click("#graffiti-settings-form button[type=submit]")
    page.wait_for_load_state()
    page.goto(report_path)
    page.click("#graffiti-photos button[type=submit]")
    page.wait_for_load_state()
    public = new_context(color_scheme="dark").new_page()
    public.goto(f"/graffiti/public/{graffiti_world['muni']}")
    public.wait_for_load_state("networkidle")
    text = public.content()
    assert "Tunnel" in text and "Rut Boende" not in text and "Östra Storgatan" not in text
    assert public.locator("#graffiti-public img").count() == 1
    assert public.evaluate("() => [...document.images].every((i) => i.complete && i.naturalWidth > 0)")
    found = serious(axe.run(public))
    if found:
        problems["public"] = found
    screenshot(public, "graffiti-public-dark", full_page=True)
    rid = int(report_path.rsplit("/", 1)[1])
    assert db(lambda s: s.get(GraffitiReport, rid).reporter_id) is not None
    assert not problems, problems
