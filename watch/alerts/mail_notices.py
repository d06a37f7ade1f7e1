"""E-mail notices to members: the outcome of their alert when the police close it."""
from __future__ import annotations

from flask_babel import gettext as _

from watch import mail
from watch.accounts.models import User
from watch.alerts.models import CATEGORY_LABELS, OUTCOME_LABELS
from watch.mail.preferences import wants_outcomes


def on_alert_closed(alert, *, session, closed_by, **_kw) -> None:
    """Tell the poster how their alert ended, when police (or an admin) closed it; same transaction."""
    if not (getattr(closed_by, "is_police", False) or getattr(closed_by, "is_admin", False)):
        return
    poster = session.get(User, alert.author_id) if alert.author_id else None
    if poster is None or poster.id == closed_by.id or poster.email_verified_at is None:
        return  # unconfirmed addresses get no e-mail notices
    if not wants_outcomes(session, poster):
        return
    with mail.recipient_locale(poster):
        category = str(CATEGORY_LABELS.get(alert.category, alert.category))
        outcome = str(OUTCOME_LABELS.get(alert.outcome, alert.outcome))
        text, html = mail.compose(
            greeting=_("Hello %(name)s,", name=poster.display_name),
            paragraphs=[
                _("The police have closed your alert “%(category)s” of %(date)s.", category=category, date=f"{alert.created_at:%Y-%m-%d}"),
                _("Outcome: %(outcome)s.", outcome=outcome),
                _("Thank you for keeping an eye on your neighbourhood."),
            ],
            action=(_("See the alert"), mail.public_url("alerts.detail", alert_id=alert.id)),
        )
        mail.queue(session, to=poster.email, to_name=poster.display_name, user=poster, kind="alert_outcome",
                   subject=_("Your alert is closed: %(outcome)s", outcome=outcome), text=text, html=html)
