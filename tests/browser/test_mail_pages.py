"""The e-mail pages on a phone: forgot password, the invite share page (copy, QR flyer), e-mail choices.
axe (0 serious/critical) light and dark; screenshots in test-artifacts/screenshots/."""
from __future__ import annotations

import pytest

from tests.browser.conftest import login, screenshot, serious

pytestmark = pytest.mark.browser


def test_mail_pages_on_a_phone(live_app, new_context, make_user, make_area, db):
    from axe_playwright_python.sync_playwright import Axe

    from watch.areas.invites import service as invites

    contact = make_user(name="Kim Kontakt")
    area_id = make_area(name="Björkgatan", contacts=[contact])

    def invite(s):
        from watch.accounts.models import User

        with live_app.test_request_context():
            inv, _token = invites.create_invite(s, s.get(User, contact["id"]), area_id, days=7)
        return inv.id

    invite_id = db(invite)
    axe, problems = Axe(), {}
    for scheme in ("light", "dark"):
        ctx = new_context(color_scheme=scheme, permissions=["clipboard-read", "clipboard-write"])
        page = ctx.new_page()
        page.goto("/account/forgot")
        problems[f"forgot-{scheme}"] = serious(axe.run(page))
        screenshot(page, f"mail-forgot-{scheme}")
        login(page, contact)
        page.goto(f"/areas/{area_id}/invites/{invite_id}")
        assert page.locator(".invite-qr svg").count() == 1
        page.click("[data-copy]")
        assert page.evaluate("() => navigator.clipboard.readText()") == page.input_value("#invite-link")
        problems[f"share-{scheme}"] = serious(axe.run(page))
        screenshot(page, f"mail-invite-share-{scheme}", full_page=True)
        page.emulate_media(media="print")
        screenshot(page, f"mail-invite-flyer-print-{scheme}", full_page=True)
        assert page.locator("#invite-link").is_hidden()
        page.emulate_media(media="screen")
        page.goto("/mail/preferences")
        problems[f"preferences-{scheme}"] = serious(axe.run(page))
        screenshot(page, f"mail-preferences-{scheme}", full_page=True)
        page.check("input[name=digest][value=weekly]")
        page.click("#mail-preferences button[type=submit]")
        page.wait_for_load_state()
        assert page.is_checked("input[name=digest][value=weekly]")
    assert all(not v for v in problems.values()), problems
