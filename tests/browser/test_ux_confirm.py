"""Issue 15 items 5 and 9 on a 390x844 phone: the police decisions on a pending area each have a
confirmation step that works without JavaScript and has roomy targets; the one notifications page.
Light and dark, axe (0 serious/critical). Screenshots: test-artifacts/screenshots/ux-confirm-*, ux-notifications-*."""
from __future__ import annotations

import pytest

from tests.browser.conftest import login, screenshot
from tests.browser.test_ux import serious

pytestmark = pytest.mark.browser


@pytest.fixture
def pending(make_user, make_area, db):
    """A pending area with its contact representative, and the municipality's police officer."""
    from watch.areas.models import Area, AreaStatus

    contact, police = make_user(name="Karin Ombud"), make_user(name="Polis Pål", police=True)
    area_id = make_area(name="Väntebo", contacts=[contact])

    def make_pending(s):
        area = s.get(Area, area_id)
        area.status = AreaStatus.pending
        s.add(area)
        s.commit()

    db(make_pending)
    return {"area": area_id, "police": police}


DECISIONS = (("#area-mark-trained-open", "#area-mark-trained"), ("#area-approve-open", "#area-approve"),
             ("#area-reject-open", "#area-reject"))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_police_decisions_need_a_confirmation_and_are_not_cramped(new_context, pending, scheme):
    page = new_context(color_scheme=scheme).new_page()
    login(page, pending["police"])
    page.goto(f"/areas/{pending['area']}")
    boxes = []
    for opener, submit in DECISIONS:
        assert page.locator(submit).is_hidden(), f"{submit} is shown before its confirmation step"
        box = page.locator(opener).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, (opener, box)
        boxes.append(box)
    # Spacing: the three openers do not touch (at least 8 px between them).
    for above, below in zip(boxes, boxes[1:]):
        assert below["y"] - (above["y"] + above["height"]) >= 8, (above, below)
    screenshot(page, f"ux-confirm-closed-{scheme}")
    for opener, submit in DECISIONS:
        page.click(opener)
        box = page.locator(submit).bounding_box()
        assert page.locator(submit).is_visible() and box["height"] >= 44 and box["width"] >= 44, (submit, box)
    assert serious(page) == []
    screenshot(page, f"ux-confirm-open-{scheme}", full_page=True)


def test_confirmation_works_without_javascript(new_context, pending, db):
    from watch.areas.models import Area, AreaStatus

    page = new_context(java_script_enabled=False).new_page()
    login(page, pending["police"])
    page.goto(f"/areas/{pending['area']}")
    page.click("#area-approve-open")
    page.click("#area-approve")
    page.wait_for_load_state()
    assert db(lambda s: s.get(Area, pending["area"]).status) == AreaStatus.active


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_one_notifications_page_has_all_four_parts(new_context, make_user, make_area, scheme):
    member = make_user(name="Maja Medlem")
    make_area(name="Brandkärr", members=[member])
    page = new_context(color_scheme=scheme).new_page()
    login(page, member)
    for old in ("/notifications", "/mail/preferences"):
        page.goto(old)
        assert page.url.split("#")[0].endswith("/account/notifications"), old
    parts = {"#push-panel": "Den här telefonen", "#push-preferences": "Brandkärr", "#quiet-hours": "Tysta timmar",
             "#mail-preferences": "E-post"}
    for part, text in parts.items():
        assert page.locator(part).is_visible() and text in page.locator(part).inner_text(), part
    # The e-mail form saves on its own endpoint and comes back to the one page.
    page.check("input[name=digest][value=weekly]")
    page.click("#mail-preferences button[type=submit]")
    page.wait_for_load_state()
    assert page.url.split("#")[0].endswith("/account/notifications")
    assert page.is_checked("input[name=digest][value=weekly]") and page.locator("#push-panel").is_visible()
    assert serious(page) == []
    screenshot(page, f"ux-notifications-{scheme}", full_page=True)
