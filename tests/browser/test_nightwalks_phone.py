"""Night walks on a phone: join (an under-age year is refused), sign up, check in at the meeting point, debrief
(a personnummer is refused, then saved). axe (0 serious/critical) light and dark; no sideways scroll;
screenshots in test-artifacts/screenshots/."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.browser.conftest import PhoneCheck

pytestmark = pytest.mark.browser
# Each scheme its own municipality: the live app (and its database) is shared by the browser tests.
MUNIS = {"light": "Gnesta", "dark": "Flen"}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_sign_up_check_in_and_debrief_on_a_phone(live_app, db, make_user, phone_as, scheme):
    from watch.core.time import utcnow
    from watch.nightwalks import service

    MUNI = MUNIS[scheme]
    police = make_user(name="Polis Pål", police=True, municipality=MUNI)
    walker = make_user(name="Wilma Vandrare", municipality=MUNI)
    partner = make_user(name="Per Partner", municipality=MUNI)

    def setup(s):
        from watch.accounts.models import User
        pol, par = s.get(User, police["id"]), s.get(User, partner["id"])
        group = service.create_group(s, pol, municipality=MUNI, name=f"Nattvandrarna {MUNI}", affiliation="Föräldraföreningen",
                                     areas="Centrum", meeting_point="Stora torget")
        w = service.join_group(s, par, group.id, birth_year=1975)
        service.set_walker(s, pol, group.id, w.id, trained=True, leader=False)
        start = (utcnow() + timedelta(hours=3)).replace(microsecond=0)
        shift = service.create_shift(s, pol, group.id, starts_at=start, ends_at=start + timedelta(hours=6), area="Centrum")
        return group.id, shift.id

    group_id, shift_id = db(setup)
    check = PhoneCheck(prefix="nightwalks-", suffix=f"-{scheme}")
    page = phone_as(walker, color_scheme=scheme)
    page.goto(f"/nightwalks/?municipality={MUNI}")
    check(page, "index")
    page.click(f"a[href='/nightwalks/groups/{group_id}']")
    page.fill("#birth_year", str(utcnow().year - 16))
    page.click("#join-form button[type=submit]")
    page.wait_for_load_state()
    assert "minst 18 år" in page.inner_text("#join-form")
    check(page, "join-refused")
    page.fill("#birth_year", "1982")
    page.click("#join-form button[type=submit]")
    page.wait_for_load_state()
    assert "Välkommen till gruppen" in page.content()
    check(page, "group")

    page.click(f"#shifts a[href='/nightwalks/shifts/{shift_id}']")
    assert "Underbemannad" in page.inner_text("#staffing")
    page.click("#signup-form button[type=submit]")
    page.wait_for_load_state()
    assert "Du är anmäld i undergrupp 1" in page.inner_text("#my-signup")
    check(page, "signed-up")

    def partner_signs_up_and_time_passes(s):
        from watch.accounts.models import User
        from watch.nightwalks.models import NightShift
        service.sign_up(s, s.get(User, partner["id"]), shift_id)
        sh = s.get(NightShift, shift_id)
        sh.starts_at = utcnow() - timedelta(minutes=5)
        sh.ends_at = sh.starts_at + timedelta(hours=6)
        s.add(sh)
        s.commit()
        service.check_in(s, s.get(User, partner["id"]), shift_id)

    db(partner_signs_up_and_time_passes)
    page.reload()
    page.click("#my-signup button[type=submit]")  # check in at the meeting point
    page.wait_for_load_state()
    assert "redo att gå" in page.content()
    check(page, "checked-in")

    page.click("#debrief-link")
    page.wait_for_load_state()
    assert page.input_value("#adults") == "2"
    check(page, "debrief")
    page.fill("#hours", "5,5")
    page.select_option("#young_people", "11-30")
    page.fill("#places_visited", "3")
    page.fill("#places", "Stora torget, busstationen")
    page.fill("#intoxication", "1")
    page.fill("#notes", "Pratade med 811218-9876 vid kiosken")
    page.click("#debrief-form button[type=submit]")
    page.wait_for_load_state()
    assert "personnummer" in page.inner_text("#notes-error")
    check(page, "debrief-refused")
    page.fill("#notes", "Lugnt vid kiosken.")
    page.check("#needs_followup")
    page.click("#debrief-form button[type=submit]")
    page.wait_for_load_state()
    assert "återrapporten är sparad" in page.content()
    page.click("#debrief-status a")
    page.wait_for_load_state()
    assert "5,5" in page.inner_text("#debrief")
    check(page, "debrief-done")

    def stored(s):
        from sqlmodel import select
        from watch.nightwalks.models import ShiftDebrief
        d = s.exec(select(ShiftDebrief).where(ShiftDebrief.shift_id == shift_id)).one()
        return d.adults, d.hours, d.intoxication, d.needs_followup, d.notes

    assert db(stored) == (2, 5.5, 1, True, "Lugnt vid kiosken.")
    assert not check.problems, check.problems
