"""The daily or weekly e-mail digest of a member's areas' alerts, with List-Unsubscribe (the member's choice: watch.mail.preferences)."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask
from flask_babel import gettext as _
from sqlmodel import Session, select

from watch import mail
from watch.accounts.models import User
from watch.alerts.models import CATEGORY_LABELS, Alert, AlertArea
from watch.areas.models import Area
from watch.areas.service import user_area_ids
from watch.core.db import engine
from watch.core.time import utcnow
from watch.mail.models import MailPreference
from watch.mail.preferences import unsubscribe_url

PERIODS = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}
MAX_LISTED = 50


def _alerts_for(session: Session, user, since: datetime):
    area_ids = user_area_ids(session, user)
    if not area_ids:
        return []
    return session.exec(
        select(Alert, Area.name).join(AlertArea, AlertArea.alert_id == Alert.id).join(Area, Area.id == AlertArea.area_id)
        .where(AlertArea.area_id.in_(area_ids), Alert.created_at > since, Alert.hidden_at.is_(None))
        .order_by(Alert.created_at.desc(), Alert.id.desc()).limit(MAX_LISTED * 3)
    ).all()


def send_digests(app: Flask, *, now: datetime | None = None) -> int:
    """Queue the digests that are due (confirmed addresses only); the periodic task. Returns how many."""
    now = now or utcnow()
    sent = 0
    with Session(engine(app), expire_on_commit=False) as session:
        due = session.exec(
            select(MailPreference, User).join(User, User.id == MailPreference.user_id)
            .where(MailPreference.digest.in_(tuple(PERIODS)), User.email_verified_at.is_not(None))
        ).all()
        for pref, user in due:
            period = PERIODS[pref.digest]
            since = pref.last_digest_at or now - period
            if now - since < period:
                continue
            seen, lines = set(), []
            for alert, area_name in _alerts_for(session, user, since):
                if alert.id in seen:
                    continue
                seen.add(alert.id)
                with mail.recipient_locale(user):
                    label = str(CATEGORY_LABELS.get(alert.category, alert.category))
                lines.append((alert, label, area_name))
            pref.last_digest_at = now
            session.add(pref)
            if lines:
                _queue_digest(session, user, pref.digest, lines[:MAX_LISTED], len(lines))
                sent += 1
            session.commit()
    return sent


def _queue_digest(session: Session, user: User, kind: str, lines, total: int) -> None:
    with mail.recipient_locale(user):
        items = [f"{a.created_at:%Y-%m-%d %H:%M} · {label} · {area}: {mail.public_url('alerts.detail', alert_id=a.id)}"
                 for a, label, area in lines]
        paragraphs = [_("New alerts in your areas since the last summary: %(n)s.", n=total), *items,
                      _("An alert is not an emergency call: for a crime in progress, call 112.")]
        text, html = mail.compose(
            greeting=_("Hello %(name)s,", name=user.display_name), paragraphs=paragraphs,
            action=(_("Open the alerts"), mail.public_url("alerts.list_page")),
            footer=_("You get this summary because you chose it. Stop it: %(url)s", url=unsubscribe_url(user)),
        )
        subject = _("Daily summary of your areas") if kind == "daily" else _("Weekly summary of your areas")
        mail.queue(session, to=user.email, to_name=user.display_name, user=user, kind=f"digest_{kind}",
                   subject=subject, text=text, html=html, list_unsubscribe=unsubscribe_url(user))
