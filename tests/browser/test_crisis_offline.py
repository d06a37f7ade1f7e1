"""Trygghetspunkter on a phone: after one visit the list, the map and a point page load with the network off;
'nearest to me' works offline (great-circle, Swedish format); axe (0 serious/critical) light and dark, online
and offline. Screenshots in test-artifacts/screenshots/."""
from __future__ import annotations

import json
import os

import pytest

from tests.browser.conftest import screenshot, serious, wait_for_worker, wait_js

pytestmark = pytest.mark.browser
# One real municipality per colour scheme (the live database lives for the whole run).
MUNIS = {"light": ("Flen", "0482", (16.55, 59.04, 16.62, 59.08)), "dark": ("Katrineholm", "0483", (16.18, 58.98, 16.25, 59.01))}
ADMIN_MUNIS = {"light": ("Eskilstuna", "0484", (16.48, 59.35, 16.55, 59.39)), "dark": ("Strängnäs", "0486", (17.00, 59.36, 17.05, 59.39))}
_runs = iter(range(1, 10**6))


@pytest.fixture
def crisis_world(db, make_user):
    """Per scheme: the municipality's outline (an EST district), and two points, one of them open."""
    from watch.accounts.models import User
    from watch.crisis import service
    from watch.est.models import EstDistrict

    admin = make_user(name="Ada Admin", admin=True)
    tag = os.getpid()

    def create(scheme, munis=MUNIS, points=True):
        muni, code, box = munis[scheme]

        def run(s):
            ring = [[box[0], box[1]], [box[2], box[1]], [box[2], box[3]], [box[0], box[3]], [box[0], box[1]]]
            s.add(EstDistrict(municipality=muni, name=f"Centrum {tag}-{next(_runs)}", geometry=json.dumps({"type": "Polygon", "coordinates": [ring]}),
                              min_lon=box[0], min_lat=box[1], max_lon=box[2], max_lat=box[3]))
            s.commit()
            if not points:
                return {"code": code}
            user = s.get(User, admin["id"])
            near = service.create(s, user=user, municipality=muni, data=service.PointIn(
                name=f"Biblioteket {scheme} {tag}", lon=box[0] + 0.01, lat=box[1] + 0.01, building_type="library",
                offers=["heat", "water", "charging"], address="Storgatan 1", backup_power=True, staff_role="FRG"))
            far = service.create(s, user=user, municipality=muni, data=service.PointIn(
                name=f"Skolan {scheme} {tag}", lon=box[2] - 0.005, lat=box[3] - 0.005, building_type="school",
                offers=["rest", "first_aid"], address="Skolvägen 9"))
            service.activate(s, user=user, point_id=near.id, opening_hours="Dygnet runt", offered_now=["heat", "water"])
            return {"code": code, "near": near.id, "far": far.id, "near_name": near.name, "far_name": far.name,
                    "here": {"latitude": box[1] + 0.012, "longitude": box[0] + 0.012}}

        return db(run)

    return create


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_crisis_points_work_offline_after_one_visit(live_app, crisis_world, new_context, scheme):
    from axe_playwright_python.sync_playwright import Axe

    w = crisis_world(scheme)
    axe = Axe()
    problems = {}
    ctx = new_context(color_scheme=scheme, geolocation=w["here"], permissions=["geolocation"])
    page = ctx.new_page()

    def check(name):
        found = serious(axe.run(page))
        if found:
            problems[name] = found
        screenshot(page, f"crisis-{scheme}-{name}", full_page=True)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > 390:
            problems[name + " width"] = width

    # One visit with the network on.
    page.goto(f"/crisis/{w['code']}")
    wait_for_worker(page)
    wait_js(page, "() => document.documentElement.dataset.crisisCached === 'yes'")
    wait_js(page, "() => Number(document.documentElement.dataset.crisisMap || 0) >= 2")
    page.wait_for_load_state("networkidle")
    check("online")

    # The network is gone: the list, the map (from the GeoJSON copy) and the nearest points still work.
    ctx.set_offline(True)
    page.reload()
    assert w["near_name"] in page.inner_text("#crisis-points") and w["far_name"] in page.inner_text("#crisis-points")
    wait_js(page, "() => Number(document.documentElement.dataset.crisisMap || 0) >= 2")
    assert page.locator("#crisis-map .leaflet-marker-icon").count() >= 2
    page.click("#crisis-nearest")
    first = page.locator("#crisis-points > li").first
    first.locator(".crisis-distance:not([hidden])").wait_for()
    assert w["near_name"] in first.inner_text()
    label = first.locator(".crisis-distance").inner_text()
    assert label.startswith("fågelvägen ca ") and label.endswith(" m"), label
    far_label = page.locator("#crisis-points > li").nth(1).locator(".crisis-distance").inner_text()
    assert "," in far_label and far_label.endswith(" km"), far_label  # Swedish decimal comma
    assert "inte gångvägen" in page.inner_text("#crisis-status")
    check("offline")

    # A point page kept from the same visit, and the public index.
    page.goto(f"/crisis/points/{w['near']}")
    assert page.inner_text("main h1") == w["near_name"]
    assert "Öppen nu" in page.inner_text("#crisis-point-status")
    check("point-offline")
    page.goto("/crisis/")
    assert page.locator(f"a[href='/crisis/{w['code']}']").count() == 1
    ctx.set_offline(False)
    assert not problems, "\n".join(f"{k}:\n  " + "\n  ".join(map(str, v)) if isinstance(v, list) else f"{k}: {v}"
                                   for k, v in problems.items())


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_coordinator_places_and_opens_a_point(live_app, crisis_world, new_context, make_user, db, scheme):
    from axe_playwright_python.sync_playwright import Axe
    from sqlmodel import select

    from watch.crisis.models import CrisisPoint
    from tests.browser.conftest import login

    w = crisis_world(scheme, ADMIN_MUNIS, points=False)
    admin = make_user(name="Adam Admin", admin=True)
    axe = Axe()
    problems = {}
    page = new_context(color_scheme=scheme).new_page()
    login(page, admin)
    page.goto(f"/crisis/{w['code']}/new")
    page.wait_for_selector("#crisis-pick-map.leaflet-container")
    found = serious(axe.run(page))
    if found:
        problems["new"] = found
    name = f"Kyrkan {scheme} {os.getpid()}"
    page.fill("#name", name)
    page.select_option("#building_type", "church")
    page.check("#offers-heat")
    page.check("#offers-rest")
    page.locator("#crisis-pick-map").scroll_into_view_if_needed()
    box = page.locator("#crisis-pick-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_js(page, "() => document.getElementById('lat').value !== ''")
    assert "," in page.input_value("#lat")  # the Swedish decimal comma, read back by the server
    page.click("#crisis-save")
    page.wait_for_selector("#crisis-activate-form")
    point = db(lambda s: s.exec(select(CrisisPoint).where(CrisisPoint.name == name)).one())
    assert point.offers == "heat,rest"
    box = ADMIN_MUNIS[scheme][2]
    assert box[0] < point.lon < box[2] and box[1] < point.lat < box[3]  # the map opened on the municipality
    page.fill("#opening_hours", "08–20")
    page.check("#offered_now-heat")
    page.click("#crisis-activate")
    page.wait_for_selector("#crisis-deactivate")
    # The form shows the stored point again: the position in Swedish format, the offers ticked.
    assert page.input_value("#lat").replace(",", ".") == f"{point.lat:.6f}".rstrip("0").rstrip(".")
    assert page.is_checked("#offers-heat") and page.is_checked("#offers-rest") and not page.is_checked("#offers-water")
    screenshot(page, f"crisis-{scheme}-edit", full_page=True)
    found = serious(axe.run(page))
    if found:
        problems["edit"] = found
    assert db(lambda s: s.get(CrisisPoint, point.id).status) == "activated"
    assert not problems, problems
