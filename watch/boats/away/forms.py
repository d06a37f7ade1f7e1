"""The away-notice form (Flask-WTF for CSRF; the service does the checking)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

AUDIENCE_CHOICES = [("neighbours", _l("Neighbours I choose")), ("contacts", _l("The area's contact representatives")),
                    ("area", _l("Everyone in the area"))]


class AwayForm(FlaskForm):
    """I am away from - to; who may read it; how to reach me; what I ask for."""

    starts_on = DateField(_l("I leave on"), validators=[Optional()])
    ends_on = DateField(_l("I am back on"), validators=[Optional()])
    audience = RadioField(_l("Who may read it"), choices=AUDIENCE_CHOICES, default="neighbours", validate_choice=False)
    readers = SelectMultipleField(_l("Neighbours"), coerce=str, validate_choice=False,
                                  option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False))
    phone = StringField(_l("Phone where you can be reached"))
    key_holder = StringField(_l("Who has a key"))
    expected_activity = TextAreaField(_l("What activity to expect (house-sitter, craftsmen, timer lights)"))
    requests = TextAreaField(_l("Requests to your neighbours, one per line"))
