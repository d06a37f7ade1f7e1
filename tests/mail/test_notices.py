"""The poster of an alert hears its outcome by e-mail when the police close it (issue 11)."""
from __future__ import annotations

from sqlalchemy import delete

from tests.alerts.conftest import join, post, world  # noqa: F401  (fixtures)
from tests.mail.conftest import body, links
from watch.mail.models import OutboxMessage
from watch.mail.sender import send_due


def _clear(session):
    session.exec(delete(OutboxMessage))
    session.commit()


def test_the_poster_gets_the_outcome_when_police_close(app, world, post, client, auth, session, smtp):
    alert = post("member")
    _clear(session)
    auth.as_user(world.user("police"))
    assert client.post(f"/alerts/{alert.id}/close", data={"outcome": "handled", "note": "Vi har pratat med personen"}).status_code == 302
    send_due(app)
    [message] = smtp.messages
    assert world.user("member").email in message["To"]
    assert message["Subject"] == "Ditt larm är avslutat: Åtgärdat"
    assert f"https://tryggranne.test/alerts/{alert.id}" in links(message)
    assert "Vi har pratat med personen" not in body(message)  # the thread stays in the app
    assert "En man som provar" not in body(message)


def test_no_mail_when_the_poster_closes_or_is_unconfirmed(app, world, post, client, auth, session, smtp):
    from watch.alerts import lifecycle
    from watch.alerts.access import get_alert_for

    own = post("police")
    _clear(session)
    police = world.user("police")
    lifecycle.close(session, get_alert_for(session, police, own.id), police, outcome="handled")
    member = world.user("member")
    member.email_verified_at = None
    session.add(member)
    session.commit()
    theirs = post("member")
    lifecycle.close(session, get_alert_for(session, police, theirs.id), police, outcome="false_alarm")
    assert send_due(app)["sent"] == 0 and smtp.messages == []
