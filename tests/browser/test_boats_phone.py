"""Boat watch on a phone (issue 16): a stolen engine reported from its boat page and seen by the police; a night's
watch with QR check-ins (the QR's URL opened), a missed checkpoint with its reason and a swap; an away notice a
neighbour helps with, gone after the return. axe (0 serious/critical) light and dark; screenshots saved."""
from __future__ import annotations

import os
import re
from datetime import timedelta

import pytest

from tests.browser.conftest import PhoneCheck, login

pytestmark = pytest.mark.browser
LON, LAT = 17.10, 58.70  # a marina of its own, away from the other browser tests' areas


@pytest.fixture
def marina(db, make_user, make_area):
    """A boat-watch area: an owner with a boat and an engine, a neighbour, a contact, the police contact."""
    from watch.boats import service as boats

    people = {k: make_user(name=n) for k, n in (("owner", "Bo Båtägare"), ("neighbour", "Nora Granne"),
                                                ("contact", "Karin Kontaktombud"))}
    people["police"] = make_user(name="Polis Nyköping", police=True)
    area_id = make_area(name=f"Marinan {os.getpid()}", kind="batsamverkan", lon=LON, lat=LAT, members=[people["owner"], people["neighbour"]],
                        contacts=[people["contact"]], police=[people["police"]])

    def create(s):
        from watch.accounts.models import User

        owner = s.get(User, people["owner"]["id"])
        boat = boats.register_boat(s, owner, area_id, name="Vega", boat_type="Segelbåt", hull_id="SE-VEG12345")
        engine = boats.add_engine(s, owner, boat.id, make="Yamaha", model="F9.9", serial_number="6AU-123456", marking="DNA SW-4711")
        neighbour = s.get(User, people["neighbour"]["id"])
        boats.register_boat(s, neighbour, area_id, name="Kajsa")
        return boat.id, engine.id

    boat_id, engine_id = db(create)
    return {"people": people, "area": area_id, "boat": boat_id, "engine": engine_id}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_stolen_engine_from_the_boat_page_and_the_police_view(live_app, marina, new_context, scheme):
    check = PhoneCheck()
    geo = {"geolocation": {"latitude": LAT, "longitude": LON}, "permissions": ["geolocation"], "color_scheme": scheme}
    owner = new_context(**geo).new_page()
    login(owner, marina["people"]["owner"])
    owner.goto(f"/areas/boats/{marina['boat']}")
    check(owner, f"boats-boat-page-{scheme}")
    owner.click(f"#engine-report-theft-{marina['engine']}")
    owner.wait_for_load_state()
    assert owner.locator("#engine_id").input_value() == str(marina["engine"])
    assert owner.locator("#category-boat_theft").is_checked()
    owner.fill("#text", f"Motorn skuren från akterspegeln i natt ({scheme})")
    check(owner, f"boats-theft-form-{scheme}")
    owner.click("#alert-submit")
    owner.wait_for_url(re.compile(r"/alerts/\d+$"))
    alert_path = re.search(r"alerts/\d+$", owner.url).group(0)
    police = new_context(color_scheme=scheme).new_page()
    login(police, marina["people"]["police"])
    police.goto("/" + alert_path)
    card = police.locator("#alert-boat-theft")
    assert card.is_visible()
    text = card.inner_text()
    assert "6AU-123456" in text and "DNA SW-4711" in text and "SE-VEG12345" in text and "Yamaha F9.9" in text
    check(police, f"boats-theft-police-{scheme}")
    police.click("#boat-theft-card")
    police.wait_for_load_state()
    assert "Båtkort" in police.locator("h1").inner_text()
    check(police, f"boats-card-police-{scheme}")
    assert not check.problems, check.problems


def test_a_nights_watch_with_qr_rounds_a_missed_checkpoint_and_a_swap(live_app, marina, db, new_context):
    from sqlmodel import select

    from watch.accounts.models import User
    from watch.boats.rota import rounds, service
    from watch.boats.rota.models import WatchAssignment, WatchShift

    check = PhoneCheck()

    def plan(s):
        with live_app.test_request_context():
            contact = s.get(User, marina["people"]["contact"]["id"])
            now = service.local_now().replace(second=0, microsecond=0)
            begin = now - timedelta(hours=1)
            season = service.create_season(s, contact, marina["area"], name="Sommarvakten", starts_on=begin.date(),
                                           ends_on=begin.date() + timedelta(days=3), start_time=begin.time(),
                                           end_time=(now + timedelta(hours=3)).time(), split_time=None, team_size=2, rounds_per_night=2)
            tonight, later = service.shifts_of(s, season.id)[:2]
            s.add(WatchAssignment(shift_id=tonight.id, user_id=marina["people"]["owner"]["id"]))
            s.add(WatchAssignment(shift_id=later.id, user_id=marina["people"]["owner"]["id"]))
            s.commit()
            a = rounds.add_checkpoint(s, contact, season.id, "Brygga A")
            b = rounds.add_checkpoint(s, contact, season.id, "Bensinbryggan")
            return season.id, tonight.id, later.id, a.token, b.id

    season_id, tonight, later, token, missed_cp = db(plan)
    for scheme in ("light", "dark"):
        contact = new_context(color_scheme=scheme).new_page()
        login(contact, marina["people"]["contact"])
        contact.goto(f"/watch/season/{season_id}/qr")
        assert contact.locator("#qr-sheet svg").count() == 2
        check(contact, f"watch-qr-sheet-{scheme}")
    owner = new_context().new_page()
    login(owner, marina["people"]["owner"])
    owner.goto(f"/watch/c/{token}")  # what the phone's camera opens
    check(owner, "watch-checkin-page")
    owner.click("#checkin-submit")
    owner.wait_for_load_state()
    assert "rond 1" in owner.locator("#checkin-done").inner_text()
    check(owner, "watch-checked-in")
    owner.click("#checkin-night-link")
    owner.wait_for_load_state()
    owner.select_option("#missed-checkpoint_id", str(missed_cp))
    owner.click("#missed-save")  # no reason: refused, in Swedish
    owner.wait_for_load_state()
    assert "behöver en anledning" in owner.locator("#missed-form").inner_text()
    owner.fill("#missed-reason", "Grinden till bensinbryggan var låst")
    owner.click("#missed-save")
    owner.wait_for_load_state()
    assert "Grinden till bensinbryggan var låst" in owner.locator(f"#rounds-{missed_cp}").inner_text()
    owner.select_option("#log-kind", "vehicle")
    owner.fill("#log-text", "Skåpbil utan lyktor vid rampen")
    owner.fill("#log-registration", "abc 123")
    owner.click("#log-save")
    owner.wait_for_load_state()
    assert "ABC 123" in owner.locator("#watch-log").inner_text()
    check(owner, "watch-night")
    # A swap of tomorrow's watch: asked of the neighbour, who accepts.
    owner.goto(f"/watch/season/{season_id}")
    owner.locator(f"#my-watch-{later} summary").click()
    owner.select_option(f"#swap-form-{later} #to_user_id", str(marina["people"]["neighbour"]["id"]))
    owner.locator(f"#swap-form-{later} button[type=submit]").click()
    owner.wait_for_load_state()
    check(owner, "watch-season-swap-asked")
    neighbour = new_context(color_scheme="dark").new_page()
    login(neighbour, marina["people"]["neighbour"])
    neighbour.goto(f"/watch/season/{season_id}")
    check(neighbour, "watch-swap-request-dark")
    neighbour.locator("#swap-requests button.button--primary").click()
    neighbour.wait_for_load_state()
    assert neighbour.locator(f"#my-watch-{later}").count() == 1
    got = db(lambda s: s.exec(select(WatchAssignment.user_id).where(WatchAssignment.shift_id == later)).all())
    assert got == [marina["people"]["neighbour"]["id"]]
    assert db(lambda s: s.get(WatchShift, tonight)) is not None
    assert not check.problems, check.problems


def test_an_away_notice_a_neighbour_helps_with_then_gone_after_the_return(live_app, marina, db, new_context):
    from watch.boats.away import service

    check = PhoneCheck()
    owner = new_context(color_scheme="dark").new_page()
    login(owner, marina["people"]["owner"])
    owner.goto(f"/away/new/{marina['area']}")
    today = db(lambda s: _today(live_app))
    owner.fill("#starts_on", (today - timedelta(days=3)).isoformat())
    owner.fill("#ends_on", (today - timedelta(days=1)).isoformat())
    owner.check(f"#reader-{marina['people']['neighbour']['id']}")
    owner.click("#away-save")  # a return date in the past: refused, nothing stored
    owner.wait_for_load_state()
    assert "Hemkomstdagen har redan passerat" in owner.locator("#away-form").inner_text()
    check(owner, "away-refused-dark")
    owner.fill("#starts_on", today.isoformat())
    owner.fill("#ends_on", (today + timedelta(days=6)).isoformat())
    owner.fill("#phone", "070-123 45 67")
    owner.fill("#key_holder", "Nora på brygga B")
    owner.fill("#requests", "Kolla förtöjningarna efter blåsten\nBåtplatsen får lånas")
    owner.click("#away-save")
    owner.wait_for_load_state()
    assert "070-123 45 67" in owner.locator("#away-facts").inner_text()
    check(owner, "away-notice-dark")
    helper = new_context(color_scheme="light").new_page()
    login(helper, marina["people"]["neighbour"])
    helper.goto("/away/")
    helper.locator("#away-list a").first.click()
    helper.wait_for_load_state()
    helper.locator("#away-requests button").first.click()
    helper.wait_for_load_state()
    assert "Nora Granne tar hand om det" in helper.locator("#away-requests").inner_text()
    check(helper, "away-helper-light")
    contact = new_context().new_page()  # the contact representative is not in this notice's audience
    login(contact, marina["people"]["contact"])
    contact.goto("/away/")
    assert contact.locator("#away-none").is_visible()
    # A few days after the return the periodic task has deleted it.
    keep = live_app.config["AWAY_KEEP_DAYS"]
    assert db(lambda s: _purge(live_app, s, today + timedelta(days=6 + keep + 1))) >= 1
    helper.goto("/away/")
    assert helper.locator("#away-none").is_visible()
    check(helper, "away-gone-light")
    assert not check.problems, check.problems


def _today(app):
    from watch.boats.away import service

    with app.test_request_context():
        return service.today()


def _purge(app, session, on):
    from watch.boats.away import service

    with app.test_request_context():
        return service.purge(session, on=on)
