"""Citizens' promises on a phone: the coordinator writes a promise in the editor (scope drawn on the map),
signs it; the public page (no login) shows the count move when an area is approved; progress with evidence;
the half-year report. axe (0 serious/critical) light and dark; no sideways scroll; screenshots."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.browser.conftest import PhoneCheck

pytestmark = pytest.mark.browser
# Each scheme its own municipality: the live app (and its database) is shared by the browser tests.
MUNIS = {"light": "Katrineholm", "dark": "Flen"}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_write_sign_and_follow_a_promise_on_a_phone(live_app, db, make_user, new_context, phone_as, scheme):
    from watch.areas.registration import service as registration
    from watch.organisations.models import Organisation, OrganisationMembership
    from watch.promises import common

    muni = MUNIS[scheme]
    coordinator = make_user(name="Stina Samordnare", municipality=muni)
    police = make_user(name="Polis Pål", police=True, municipality=muni)
    contact = make_user(name="Kim Kontaktombud", municipality=muni)

    def setup(s):
        orgs = {}
        for key, name, kind in (("kommunen", f"{muni} kommun", "municipal_unit"), ("polisen", f"Polisen {muni}", "police")):
            orgs[key] = Organisation(name=name, kind=kind, municipality=muni)
            s.add(orgs[key])
        s.commit()
        s.add(OrganisationMembership(organisation_id=orgs["kommunen"].id, user_id=coordinator["id"], role="samordnare"))
        s.commit()
        return {k: o.id for k, o in orgs.items()}

    orgs = db(setup)
    today = db(lambda s: common.today())
    start, end = today - timedelta(days=20), common.add_years(today - timedelta(days=20), 1) - timedelta(days=1)
    check = PhoneCheck(prefix="promises-", suffix=f"-{scheme}")
    page = phone_as(coordinator, color_scheme=scheme)
    page.goto("/promises/manage/")
    page.click(f"a[href='/promises/manage/new/{muni}']")
    page.wait_for_selector("#area-draw-map .leaflet-tile-pane", state="attached")
    check(page, "new")
    page.fill("#title", "Tryggare bostadsområden")
    page.fill("#period_start", start.isoformat())
    page.fill("#period_end", end.isoformat())
    page.fill("#problem", "Inbrotten i bostadsområdena har ökat.")
    page.fill("#focus_areas", "Grannsamverkan\nBåtsamverkan")
    page.locator("#area-draw-map").scroll_into_view_if_needed()
    for x, y in ((80, 80), (280, 90), (200, 220)):
        page.click("#area-draw-map", position={"x": x, "y": y})
    assert "Polygon" in page.input_value("#geometry")
    page.click("#promise-save")
    page.wait_for_selector("#signatory-form")
    for org, role in (("kommunen", "kommunstyrelsens ordförande"), ("polisen", "lokalpolisområdeschef")):
        page.select_option("#s-organisation_id", str(orgs[org]))
        page.fill("#s-role_title", role)
        page.fill("#s-signed_on", start.isoformat())
        page.click("#signatory-save")
        page.wait_for_selector(f"#promise-parties >> text={role}")
    page.select_option("#a-organisation_id", str(orgs["polisen"]))
    page.fill("#a-description", "Tio nya grannsamverkansområden")
    page.select_option("#a-indicator", "new_areas")
    page.fill("#a-target", "10")
    page.fill("#a-due_on", (end - timedelta(days=30)).isoformat())
    page.click("#activity-save")
    page.wait_for_selector(".promise-activity")
    check(page, "editor")
    page.click("#promise-to-signed")
    page.wait_for_selector("#promise-to-active")
    page.click("#promise-to-active")
    page.wait_for_selector("#promise-public-link")

    public = new_context(color_scheme=scheme).new_page()  # no login
    public.goto(f"/promises/{muni}/")
    bar = public.locator("progress.promise-bar__bar").first
    assert bar.get_attribute("value") == "0"
    check(public, "public")

    def approve(s):
        from watch.accounts.models import User
        ring = [[16.2, 59.0], [16.204, 59.0], [16.204, 59.004], [16.2, 59.004], [16.2, 59.0]]
        area = registration.create_area(s, s.get(User, contact["id"]), kind="grannsamverkan", name="Väster", municipality=muni,
                                        geometry_data={"type": "Polygon", "coordinates": [ring]})
        registration.mark_trained(s, s.get(User, police["id"]), area.id, user_id=contact["id"])
        return registration.approve_area(s, s.get(User, police["id"]), area.id).status.value

    assert db(approve) == "active"
    public.reload()
    assert public.locator("progress.promise-bar__bar").first.get_attribute("value") == "1"
    assert "1 av 10" in public.inner_text("#promise-activities")

    page.click(".promise-activity h3 a")
    page.wait_for_selector("#progress-form")
    assert page.locator("#p-amount").count() == 0  # the app counts this one itself
    page.fill("#p-text", "Informationsmöte om grannsamverkan i Väster")
    page.fill("#p-link", "https://example.se/grannsamverkan")
    page.click("#progress-save")
    page.wait_for_selector("#entries .promise-entry")
    check(page, "activity")

    public.reload()
    assert "Informationsmöte om grannsamverkan i Väster" in public.inner_text("main")
    public.click(".promise-links a[href*='/report/']")
    public.wait_for_selector("#report-table")
    check(public, "report")
    public.emulate_media(media="print")
    assert public.locator(".site-header").is_hidden() and public.locator("#report-print").is_hidden()
    assert not check.problems, check.problems
