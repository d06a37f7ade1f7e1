"""A safety walk on a phone: plan it, invite, log an observation with a photo, decide measures (one declined with
its public reason), publish, and read the public protocol without logging in. axe (0 serious/critical) on every
page, light and dark; screenshots in test-artifacts/screenshots/."""
from __future__ import annotations

import io
import json
import os

import pytest
from PIL import Image

from tests.browser.conftest import PhoneCheck, queued_offline_then_stored_once

pytestmark = pytest.mark.browser
_runs = iter(range(1, 1000))
BOX = (17.52, 58.88, 17.56, 58.90)
ROUTE = {"type": "LineString", "coordinates": [[17.53, 58.885], [17.54, 58.889], [17.55, 58.892]]}


@pytest.fixture
def walk_world(db, make_user):
    """A district of the municipality, the technical division (organiser) and a housing company (invited)."""
    from watch.est.models import EstDistrict
    from watch.organisations.models import Organisation, OrganisationMembership

    people = {"organiser": make_user(name="Olga Organisatör"), "walker": make_user(name="Wilma Vandrare")}
    muni = f"Trosa-{os.getpid()}-{next(_runs)}"  # the live database lives for the whole run

    def create(s):
        ring = [[BOX[0], BOX[1]], [BOX[2], BOX[1]], [BOX[2], BOX[3]], [BOX[0], BOX[3]], [BOX[0], BOX[1]]]
        s.add(EstDistrict(municipality=muni, name="Centrum", geometry=json.dumps({"type": "Polygon", "coordinates": [ring]}),
                          min_lon=BOX[0], min_lat=BOX[1], max_lon=BOX[2], max_lat=BOX[3]))
        tek = Organisation(municipality=muni, name="Tekniska kontoret", kind="municipal_unit")
        hem = Organisation(municipality=muni, name="Trosabygden bostäder", kind="housing_company")
        s.add_all([tek, hem])
        s.flush()
        s.add(OrganisationMembership(organisation_id=tek.id, user_id=people["organiser"]["id"], role="rapportor"))
        s.add(OrganisationMembership(organisation_id=hem.id, user_id=people["walker"]["id"], role="lasare"))
        s.commit()
        return {"tek": tek.id, "hem": hem.id}

    return {"people": people, "orgs": db(create)}


def _jpeg(tmp_path):
    path = tmp_path / "lampa.jpg"
    Image.new("RGB", (80, 60), (40, 40, 60)).save(path, "JPEG")
    return path


def test_a_walk_from_plan_to_public_protocol_on_a_phone(live_app, walk_world, new_context, phone_as, tmp_path):
    check = PhoneCheck()
    org = phone_as(walk_world["people"]["organiser"], color_scheme="light")
    org.goto("/walks/new")
    org.select_option("#organiser_id", str(walk_world["orgs"]["tek"]))
    org.fill("#name", "Centrum – stationen")
    org.fill("#starts_at", "2030-11-12T18:30")
    org.fill("#meeting_point", "Busstationen")
    org.fill("#route", json.dumps(ROUTE))
    org.check(f"#invited-{walk_world['orgs']['hem']}")
    check(org, "walk-plan-light")
    org.click("#walk-save")
    org.wait_for_load_state()
    assert "/walks/" in org.url and org.locator("#walk-status").inner_text() == "Planerad"
    walk_url = org.url
    org.click("#walk-advance")  # send the invitations
    org.wait_for_load_state()
    assert org.locator("#walk-status").inner_text() == "Inbjudningar skickade"

    walker = phone_as(walk_world["people"]["walker"], color_scheme="dark")
    walker.goto(walk_url)
    walker.select_option("#o-category", "lighting_broken")
    walker.fill("#o-lat", "58.8860")
    walker.fill("#o-lon", "17.5350")
    walker.fill("#o-note", "Tre lampor släckta längs gångvägen")
    walker.fill("#o-suggestion", "Byt armaturerna")
    walker.set_input_files("#o-photo", str(_jpeg(tmp_path)))
    check(walker, "walk-observation-dark")
    walker.click("#walk-observe")
    walker.wait_for_load_state()
    assert "Iakttagelsen är sparad." in walker.content()
    walker.select_option("#o-category", "vegetation")
    walker.fill("#o-lat", "58.8890")
    walker.fill("#o-lon", "17.5400")
    walker.fill("#o-note", "Häcken skymmer övergångsstället")
    walker.click("#walk-observe")  # no photo: through the JSON API (and the offline queue)
    walker.wait_for_selector("#walk-observations > li:nth-child(2)")
    assert walker.locator("#walk-observations > li").count() == 2

    org.goto(walk_url)
    for title, obs in (("Byt armaturerna", "1."), ("Klipp häcken", "2.")):
        org.fill("#m-title", title)
        org.locator("#m-observation_ids label", has_text=obs).click()
        org.click("#walk-measure-save")
        org.wait_for_load_state()
    measures = org.locator("#walk-measures > li")
    assert measures.count() == 2
    first, second = measures.nth(0), measures.nth(1)
    first.locator("select[name$='-decision']").select_option("accepted")
    first.locator("form", has=org.locator("select[name$='-decision']")).locator("button").click()
    org.wait_for_load_state()
    second = org.locator("#walk-measures > li").nth(1)
    second.locator("select[name$='-decision']").select_option("declined")
    second.locator("input[name$='-reason']").fill("Häcken står på privat mark; ägaren har fått ett brev.")
    second.locator("form", has=org.locator("select[name$='-decision']")).locator("button").click()
    org.wait_for_load_state()
    check(org, "walk-measures-light")
    for _ in range(3):  # walked, protocol draft, protocol published
        org.click("#walk-advance")
        org.wait_for_load_state()
    assert "Protokoll publicerat" in org.locator("#walk-status").inner_text()

    public = new_context(color_scheme="dark").new_page()
    public.goto(walk_url + "/protocol")
    html = public.content()
    assert "Häcken står på privat mark; ägaren har fått ett brev." in html
    assert "Wilma" not in html and "Olga" not in html
    check(public, "walk-protocol-public-dark")
    public.emulate_media(color_scheme="light")
    check(public, "walk-protocol-public-light")
    assert not check.problems, check.problems


def test_an_observation_logged_offline_waits_on_the_phone_and_is_stored_once(live_app, walk_world, worker_phone, db):
    from sqlmodel import select

    from watch.walks import service
    from watch.walks.models import WalkObservation

    def plan(s):
        from watch.accounts.models import User

        user = s.get(User, walk_world["people"]["organiser"]["id"])
        from datetime import datetime, timedelta, UTC

        return service.plan(s, user=user, data=service.WalkIn(
            organiser_id=walk_world["orgs"]["tek"], name="Offline-vandringen", route=json.dumps(ROUTE),
            starts_at=datetime.now(UTC) + timedelta(hours=1), invited=[walk_world["orgs"]["hem"]])).id

    walk_id = db(plan)
    ctx, page = worker_phone(walk_world["people"]["walker"])
    page.goto(f"/walks/{walk_id}")
    note = "Mörk tunnel, skrivet utan nät"
    page.select_option("#o-category", "tunnel")
    page.fill("#o-lat", "58.8870")
    page.fill("#o-lon", "17.5370")
    page.fill("#o-note", note)
    queued_offline_then_stored_once(
        ctx, page, submit="#walk-observe", queued="Inget nätverk: iakttagelsen sparas i telefonen", name="walk-offline-queued",
        stored=lambda: db(lambda s: len(s.exec(select(WalkObservation).where(WalkObservation.note == note)).all())))
