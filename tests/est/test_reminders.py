"""Cut-off reminders go to reporters once per week, by e-mail through the outbox."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from watch.est import reminders
from watch.mail.models import OutboxMessage

# Week 47 ends Sunday 22 November; its cut-off is Tuesday 24 November 12:00 local time.
BEFORE = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)  # Monday afternoon: within 24 h of the cut-off
EARLY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # more than 24 h before
AFTER = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # 13:00 local: past the cut-off


def test_reminders_once_per_week_to_reporters(est, session):
    assert reminders.send_due(session, hours=24, now=EARLY) == 0
    assert reminders.send_due(session, hours=24, now=BEFORE) == 5  # Nyköping: coordinator and 3 reporters; Oxelösund: its coordinator
    assert reminders.send_due(session, hours=24, now=BEFORE) == 0  # claimed already
    assert reminders.send_due(session, hours=24, now=AFTER) == 0
    rows = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "est_reminder")).all()
    to = {r.to_address for r in rows}
    assert est["reporter"].email in to and est["reader"].email not in to and est["police"].email not in to
    msg = next(r for r in rows if r.to_address == est["reporter"].email)
    assert "vecka 47" in msg.subject and "/est/Nyk" in msg.body_text
