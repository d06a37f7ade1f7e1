"""E-mail preference forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlmodel import Session
from wtforms import BooleanField, RadioField

from watch.mail.preferences import preferences


class MailPreferencesForm(FlaskForm):
    """What a member gets by e-mail."""

    outcomes = BooleanField(_l("E-mail me how my alerts ended when the police close them"))
    digest = RadioField(_l("Summary of my areas' alerts by e-mail"), choices=[
        ("off", _l("No summary")), ("daily", _l("Daily")), ("weekly", _l("Weekly"))], default="off")


def preferences_form(session: Session, user) -> MailPreferencesForm:
    """The e-mail choices form filled with the user's saved choices (for templates/mail/_preferences.html)."""
    pref = preferences(session, user)
    return MailPreferencesForm(formdata=None, outcomes=pref.outcomes, digest=pref.digest)
