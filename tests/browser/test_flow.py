"""The whole story on phones: register, draw an area, police approve, a neighbour joins
and reports with the phone's position; the alert is on the map and in the list."""
from __future__ import annotations

import re
import uuid

import pytest

from tests.browser.conftest import PASSWORD, login, screenshot, wait_js

pytestmark = pytest.mark.browser
HOME = {"latitude": 58.7502, "longitude": 17.0003}


def test_register_draw_approve_join_report(live_app, new_context, make_user, base_url, db):
    tag = uuid.uuid4().hex[:6]

    # 1. Kontaktombud registers and draws her street.
    rep_ctx = new_context(geolocation=HOME, permissions=["geolocation"])
    rep = rep_ctx.new_page()
    rep.goto("/account/register")
    screenshot(rep, "register")
    email = f"ombud-{tag}@example.se"
    rep.fill("#email", email)
    rep.fill("#display_name", "Karin Ombud")
    rep.fill("#password", PASSWORD)
    rep.fill("#confirm", PASSWORD)
    rep.click("form.form button[type=submit]")
    rep.wait_for_load_state()
    assert "/account/register" not in rep.url
    # Roles need a confirmed address: follow the link of the welcome mail (in the outbox).
    from sqlmodel import select

    from watch.mail.models import OutboxMessage

    text = db(lambda s: s.exec(select(OutboxMessage.body_text).where(OutboxMessage.to_address == email,
                                                                     OutboxMessage.kind == "confirm_email")).one())
    rep.goto(re.search(r"https?://[^/\s]+(/account/confirm/\S+)", text).group(1))
    rep.click("main form button[type=submit]")
    rep.wait_for_load_state()
    assert "/account/profile" in rep.url
    rep.goto("/areas/new")
    rep.check("input[name=kind][value=grannsamverkan]")
    rep.fill("#name", f"Brandkärr {tag}")
    rep.select_option("#municipality", "Nyköping")
    rep.wait_for_selector("#area-draw-map.leaflet-container")
    rep.locator("#area-draw-map").scroll_into_view_if_needed()
    box = rep.locator("#area-draw-map").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for dx, dy in ((-25, -20), (25, -20), (25, 20), (-25, 20)):
        rep.mouse.click(cx + dx, cy + dy)
        rep.wait_for_timeout(350)  # Leaflet tells a click from a double click
    assert rep.input_value("#geometry").startswith('{"type":"Polygon"')
    screenshot(rep, "area-draw")
    rep.click("#area-save")
    rep.wait_for_url(re.compile(r"/areas/\d+$"))
    area_path = re.search(r"/areas/\d+$", rep.url).group(0)

    # 2. The municipality's police officer records the training and approves.
    police = make_user(name="Polisen Nyköping", police=True, municipality="Nyköping")
    pol_ctx = new_context()
    pol = pol_ctx.new_page()
    login(pol, police)
    pol.goto(area_path)
    if pol.locator("#trained-form").count():
        pol.click("#area-mark-trained-open")  # each police decision has a confirmation step
        pol.click("#area-mark-trained")
        pol.wait_for_load_state()
    pol.click("#area-approve-open")
    pol.click("#area-approve")
    pol.wait_for_load_state()
    screenshot(pol, "area-approved-police")

    # 3. A neighbour asks to join; the kontaktombud approves.
    neighbour = make_user(name="Olle Granne")
    nb_ctx = new_context(geolocation=HOME, permissions=["geolocation"])
    nb = nb_ctx.new_page()
    login(nb, neighbour)
    nb.goto(area_path)
    nb.click("#area-join")
    nb.wait_for_load_state()
    rep.goto(area_path + "/members")
    rep.locator("#join-requests button.button--primary").first.click()
    rep.wait_for_load_state()

    # 4. The neighbour reports with the phone's position.
    nb.goto("/alerts/new")
    nb.check("input[name=category][value=suspicious_person]")
    text = f"Person som provar bildörrar {tag}"
    nb.fill("#text", text)
    wait_js(nb, "() => document.getElementById('alert-lat').value !== ''")
    screenshot(nb, "alert-new")
    nb.click("#alert-submit")
    nb.wait_for_url(re.compile(r"/alerts/\d+$"))
    assert text in nb.inner_text("main")
    screenshot(nb, "alert-detail")

    # 5. On the map (and its list alternative) and in the list, for the kontaktombud too.
    rep.goto("/alerts/map")
    wait_js(rep, "() => document.querySelectorAll('.leaflet-marker-icon').length > 0")
    wait_js(rep, f"() => document.getElementById('map-alert-list').textContent.includes({text!r})")
    screenshot(rep, "alert-map")
    rep.goto("/alerts")
    assert text in rep.inner_text("main")
    screenshot(rep, "alert-list")
