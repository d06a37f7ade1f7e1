"""Issue 15.10 on a 390x844 phone: "4,9" typed in a boat's length is kept and shown "4,9 m", engine power
"40 hk"; map popup times are in the server's zone (Europe/Stockholm) even on a phone set to another zone.
Light and dark, axe (0 serious/critical). Screenshots: test-artifacts/screenshots/ux-typed-*."""
from __future__ import annotations

import pytest

from tests.browser.conftest import login, screenshot
from tests.browser.test_ux import serious

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_boat_length_and_power_typed_with_a_decimal_comma(new_context, make_user, make_area, scheme):
    owner = make_user(name="Bo Båtägare")
    area = make_area(name="Gästhamnen", kind="batsamverkan", members=[owner])
    page = new_context(color_scheme=scheme).new_page()
    login(page, owner)
    page.goto(f"/areas/{area}/boats")
    assert page.get_attribute("#length_m", "inputmode") == "decimal"
    page.fill("#name", "Sjöbris")
    page.fill("#length_m", "4,9")
    page.click("#boat-save")
    page.wait_for_load_state()
    assert "4,9\u00a0m" in page.inner_text(".area-facts").replace(" m", "\u00a0m")
    page.fill("#make", "Yamaha")
    page.fill("#power_hp", "40")
    page.click("#engine-save")
    page.wait_for_load_state()
    engines = page.inner_text("#engine-list").replace("\u00a0", " ")
    assert "40 hk" in engines and "40.0" not in engines
    assert serious(page) == []
    screenshot(page, f"ux-typed-boat-{scheme}", full_page=True)


def test_map_popup_times_are_in_the_servers_zone(new_context, make_user):
    page = new_context(timezone_id="America/New_York").new_page()
    login(page, make_user())
    page.goto("/alerts/map")
    assert page.get_attribute("html", "data-time-zone") == "Europe/Stockholm"
    shown = page.evaluate("""async () => {
        const { alertSummary } = await import('/static/js/alerts/layer.js');
        const box = alertSummary({ properties: { category: 'burglary', category_label: 'Inbrott', status: 'open',
            status_label: 'Öppet', text: 'Test', observed_at: '2026-11-30T01:14:00+00:00', author: 'Maja', url: '/alerts/1' } },
            { open: 'Öppna', hidden: '' });
        return [box.querySelector('.hint').textContent, new Date('2026-11-30T01:14:00+00:00').getHours()];
    }""")
    text, browser_hour = shown
    assert browser_hour == 20  # the phone is in New York
    assert "02:14" in text and "20:14" not in text, text  # 01:14 UTC is 02:14 in Stockholm
