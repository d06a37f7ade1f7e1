"""Trygghetspunkt forms (Flask-WTF: CSRF on every one). Organisation choices are filled by the views."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.widgets import TextInput
from wtforms.validators import Length, NumberRange, Optional

from watch.crisis.models import BUILDING_TYPES, OFFERS
from watch.core.forms import Checkboxes, LocalFloatField


class PointForm(FlaskForm):
    """What a point is, where, what it can offer and who staffs it (an organisation and a role, not a person)."""

    name = StringField(_l("Name"), validators=[Length(max=120)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=200)])
    # Text, not type="number": a number input cannot show the Swedish decimal comma LocalFloatField writes back.
    lat = LocalFloatField(_l("Latitude"), validators=[Optional()], widget=TextInput())
    lon = LocalFloatField(_l("Longitude"), validators=[Optional()], widget=TextInput())
    building_type = SelectField(_l("Kind of building"), choices=list(BUILDING_TYPES.items()))
    offers = Checkboxes(_l("What it can offer"), choices=list(OFFERS.items()), validate_choice=False)
    accessibility = StringField(_l("Accessibility"), validators=[Optional(), Length(max=300)])
    capacity = IntegerField(_l("Capacity (people)"), validators=[Optional(), NumberRange(1, 100000)])
    backup_power = BooleanField(_l("Backup power"))
    radio = BooleanField(_l("Radio (RAKEL or other)"))
    organisation_id = SelectField(_l("Staffed by (organisation)"), coerce=int, default=0)
    staff_role = StringField(_l("Staffed by (role)"), validators=[Optional(), Length(max=120)])
    last_checked = DateField(_l("Last checked"), validators=[Optional()])


class ActivateForm(FlaskForm):
    """Open a point now."""

    opening_hours = StringField(_l("Opening hours"), validators=[Length(max=120)])
    offered_now = Checkboxes(_l("Offered now"), choices=list(OFFERS.items()), validate_choice=False)


class MailChoiceForm(FlaskForm):
    """A member's choice of e-mail when a point opens."""

    email = BooleanField(_l("E-mail me when a trygghetspunkt opens in the municipality of my areas"))
