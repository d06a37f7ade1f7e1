"""Daily and weekly digests of a member's areas' alerts, with List-Unsubscribe; e-mail choices (issue 11)."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import delete

from tests.alerts.conftest import join, post, world  # noqa: F401  (fixtures)
from tests.mail.conftest import body, links
from watch.core import tasks
from watch.core.time import utcnow
from watch.alerts import digest
from watch.mail import preferences
from watch.mail.models import MailPreference, OutboxMessage
from watch.mail.sender import send_due


def _clear(session):
    session.exec(delete(OutboxMessage))
    session.commit()


def test_choose_a_daily_digest_get_it_and_unsubscribe_from_its_link(app, world, post, client, auth, session, smtp):
    member = world.user("member")
    auth.as_user(member)
    old = client.get("/mail/preferences")  # the old address leads to the one notifications page
    assert old.status_code == 302 and old.headers["Location"].endswith("/account/notifications#mail-preferences")
    page = client.get("/account/notifications")
    assert page.status_code == 200 and 'id="mail-preferences"' in page.text and 'action="/mail/preferences"' in page.text
    saved = client.post("/mail/preferences", data={"outcomes": "y", "digest": "daily"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/account/notifications#mail-preferences")
    pref = session.get(MailPreference, member.id)
    session.refresh(pref)
    assert pref.digest == "daily"
    alert = post("contact")
    _clear(session)
    now = utcnow()
    assert digest.send_digests(app, now=now + timedelta(hours=1)) == 0  # not a day yet
    assert digest.send_digests(app, now=now + timedelta(days=1, minutes=1)) == 1
    assert digest.send_digests(app, now=now + timedelta(days=1, minutes=2)) == 0  # once a day
    send_due(app)
    [message] = smtp.messages
    assert world.user("member").email in message["To"]
    assert message["Subject"] == "Daglig sammanfattning av dina områden"
    assert f"https://tryggranne.test/alerts/{alert.id}" in body(message) and "Gamla stan" in body(message)
    assert "En man som provar" not in body(message)  # the text stays in the app
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("https://tryggranne.test/mail/unsubscribe/") and unsubscribe in links(message)
    browser = app.test_client()  # not logged in: the link alone is enough
    path = urlsplit(unsubscribe).path
    assert browser.get(path).status_code == 200
    session.refresh(pref)
    assert pref.digest == "daily"  # a GET (a mail scanner) changes nothing
    assert browser.post(path).status_code == 200
    session.refresh(pref)
    assert pref.digest == "off"
    assert browser.get(path[:-3] + "xyz").status_code == 400


def test_no_digest_for_unconfirmed_addresses_other_areas_or_when_nothing_happened(app, world, post, session, smtp):
    member, other = world.user("member"), world.user("other_member")
    preferences.save_preferences(session, member, outcomes=True, digest="weekly")
    preferences.save_preferences(session, other, outcomes=True, digest="weekly")
    other.email_verified_at = None
    session.add(other)
    session.commit()
    post("other_contact", at=world.other_inside)  # only in the other area
    _clear(session)
    assert digest.send_digests(app, now=utcnow() + timedelta(days=8)) == 0
    assert "mail.digest" in {t.name for t in tasks.tasks(app)}


def test_turning_off_outcomes_stops_the_outcome_mail(app, world, post, client, auth, session, smtp):
    from watch.alerts import lifecycle
    from watch.alerts.access import get_alert_for

    member, police = world.user("member"), world.user("police")
    auth.as_user(member)
    assert client.post("/mail/preferences", data={"digest": "off"}).status_code == 302  # outcomes unchecked
    alert = post("member")
    _clear(session)
    lifecycle.close(session, get_alert_for(session, police, alert.id), police, outcome="handled")
    assert send_due(app)["sent"] == 0


def test_bad_preferences_are_refused(app, world, client, auth, session, smtp):
    auth.as_user(world.user("member"))
    bad = client.post("/mail/preferences", data={"digest": "hourly"})
    assert bad.status_code == 422
    # The one notifications page again, with the error on the e-mail part and the other parts intact.
    assert 'id="push-preferences"' in bad.text and 'id="mail-preferences"' in bad.text and 'class="error"' in bad.text
    assert session.get(MailPreference, world.user("member").id) is None
    assert client.get("/mail/preferences").status_code == 302
    anonymous = app.test_client()
    assert anonymous.get("/mail/preferences").status_code == 302
