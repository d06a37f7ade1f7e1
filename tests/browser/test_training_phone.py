"""Training on a phone: a contact registers, the trainer takes attendance, the area can be approved.
axe (0 serious/critical) light and dark; no sideways scroll; screenshots in test-artifacts/screenshots/."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.browser.conftest import PhoneCheck

pytestmark = pytest.mark.browser
# Each scheme its own municipality: the live app (and its database) is shared by the browser tests.
MUNIS = {"light": "Trosa", "dark": "Vingåker"}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_register_attend_and_approve_on_a_phone(live_app, db, make_user, phone_as, scheme):
    from watch.areas.registration import service as registration
    from watch.core.time import utcnow
    from watch.training import service

    MUNI = MUNIS[scheme]

    police = make_user(name="Polis Pål", police=True, municipality=MUNI)
    contact = make_user(name="Kim Kontaktombud", municipality=MUNI)
    ring = [[17.5, 58.9], [17.504, 58.9], [17.504, 58.904], [17.5, 58.904], [17.5, 58.9]]

    def setup(s):
        from watch.accounts.models import User
        pol, con = s.get(User, police["id"]), s.get(User, contact["id"])
        area = registration.create_area(s, con, kind="grannsamverkan", name="Väster", municipality=MUNI,
                                        geometry_data={"type": "Polygon", "coordinates": [ring]})
        start = (utcnow() + timedelta(days=5)).replace(microsecond=0)
        ts = service.create_session(s, pol, municipality=MUNI, kind="kontaktombud", title="Grundutbildning för kontaktombud",
                                    place="Polisstationen, Trosa", starts_at=start, ends_at=start + timedelta(hours=2),
                                    capacity=12, trainers="Polisen och kommunens trygghetssamordnare")
        return area.id, ts.id

    area_id, session_id = db(setup)
    check = PhoneCheck(prefix="training-", suffix=f"-{scheme}")
    page = phone_as(contact, color_scheme=scheme)
    page.goto(f"/training/?municipality={MUNI}")
    check(page, "index")
    page.click(f"a[href='/training/{session_id}']")
    page.click("#my-registration button[type=submit]")
    page.wait_for_load_state()
    assert "Du har en plats" in page.inner_text("#my-registration")
    check(page, "detail")

    def to_today(s):
        from watch.training.models import TrainingSession
        ts = s.get(TrainingSession, session_id)
        ts.starts_at = utcnow() - timedelta(minutes=30)
        ts.ends_at = ts.starts_at + timedelta(hours=2)
        s.add(ts)
        s.commit()

    db(to_today)
    trainer = phone_as(police, color_scheme=scheme)
    trainer.goto(f"/training/{session_id}/attendance")
    check(trainer, "attendance")
    trainer.check(f"#present-{contact['id']}")
    trainer.click("#attendance-form button[type=submit]")
    trainer.wait_for_load_state()
    assert "1 närvarande" in trainer.content()
    trainer.goto("/training/new")
    check(trainer, "new")

    def approve(s):
        from watch.accounts.models import User
        return registration.approve_area(s, s.get(User, police["id"]), area_id).status.value

    assert db(approve) == "active"  # no one marked training by hand
    assert not check.problems, check.problems
