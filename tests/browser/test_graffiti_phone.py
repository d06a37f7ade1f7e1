"""Graffiti on a phone: the 112 guard, a report with a photo to both routes (the work order in the outbox, the police
package for the handler). axe (0 serious/critical) light and dark; screenshots in test-artifacts/screenshots/."""
from __future__ import annotations

import json
import os

import pytest
from PIL import Image

from tests.browser.conftest import login, screenshot
from tests.browser.test_a11y import serious

pytestmark = pytest.mark.browser
MUNI = f"Gnesta-{os.getpid()}"
BOX = (17.28, 59.04, 17.33, 59.06)


@pytest.fixture
def graffiti_world(db, make_user):
    """A district, the technical office (handler) with a routing rule, and a resident."""
    from watch.est.models import EstDistrict
    from watch.graffiti.models import RoutingRule
    from watch.organisations.models import Organisation, OrganisationMembership

    people = {"handler": make_user(name="Tekla Tekniker"), "resident": make_user(name="Rut Boende", municipality=MUNI)}

    def create(s):
        ring = [[BOX[0], BOX[1]], [BOX[2], BOX[1]], [BOX[2], BOX[3]], [BOX[0], BOX[3]], [BOX[0], BOX[1]]]
        s.add(EstDistrict(municipality=MUNI, name="Centrum", geometry=json.dumps({"type": "Polygon", "coordinates": [ring]}),
                          min_lon=BOX[0], min_lat=BOX[1], max_lon=BOX[2], max_lat=BOX[3]))
        tek = Organisation(municipality=MUNI, name="Tekniska kontoret", kind="municipal_unit")
        s.add(tek)
        s.flush()
        s.add(OrganisationMembership(organisation_id=tek.id, user_id=people["handler"]["id"], role="rapportor"))
        s.add(RoutingRule(municipality=MUNI, organisation_id=tek.id, channel="email", address="klotter@gnesta.example.se"))
        s.commit()

    db(create)
    return people


def test_graffiti_from_a_phone_to_both_routes(live_app, graffiti_world, new_context, tmp_path, db):
    from axe_playwright_python.sync_playwright import Axe
    from sqlmodel import select

    from watch.mail.models import OutboxMessage

    axe = Axe()
    problems = {}

    def check(page, name):
        page.wait_for_load_state("networkidle")
        found = serious(axe.run(page))
        if found:
            problems[name] = found
        screenshot(page, name, full_page=True)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > 390:
            problems[name + " width"] = width

    photo = tmp_path / "klotter.jpg"
    Image.new("RGB", (80, 60), (200, 40, 90)).save(photo, "JPEG")
    page = new_context(color_scheme="dark").new_page()
    login(page, graffiti_world["resident"])
    page.goto("/graffiti/new")

    def fill():
        page.select_option("#municipality", MUNI)
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

    handler = new_context(color_scheme="light").new_page()
    login(handler, graffiti_world["handler"])
    handler.goto(report_url)
    check(handler, "graffiti-handler-light")
    handler.click("#graffiti-police")
    handler.wait_for_load_state()
    assert "Västra Storgatan 3" in handler.content()
    check(handler, "graffiti-police-package-light")
    assert not problems, problems
