"""Area forms (Flask-WTF: CSRF on every one)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from watch.core import municipalities

KIND_CHOICES = [("grannsamverkan", _l("Neighbourhood watch (grannsamverkan)")),
                ("batsamverkan", _l("Boat watch (båtsamverkan)"))]


class AreaForm(FlaskForm):
    """Register an area: draw it on the map or upload a GeoJSON file."""

    kind = RadioField(_l("Kind of watch"), choices=KIND_CHOICES, validators=[DataRequired()], default="grannsamverkan")
    name = StringField(_l("Name of the area"), validators=[DataRequired(), Length(max=120)])
    municipality = SelectField(_l("Municipality"), choices=lambda: [("", _l("Choose…"))] + [(n, n) for n in municipalities.names()],
                               validate_choice=False)
    description = TextAreaField(_l("Description (optional)"), validators=[Optional(), Length(max=4000)])
    geometry = HiddenField(_l("Outline"))
    geojson_file = FileField(_l("…or upload a GeoJSON file"))


class AreaEditForm(FlaskForm):
    """Change an area."""

    name = StringField(_l("Name of the area"), validators=[DataRequired(), Length(max=120)])
    municipality = SelectField(_l("Municipality"), choices=lambda: [("", _l("Choose…"))] + [(n, n) for n in municipalities.names()],
                               validate_choice=False)
    description = TextAreaField(_l("Description (optional)"), validators=[Optional(), Length(max=4000)])
    geometry = HiddenField(_l("Outline"))
    geojson_file = FileField(_l("…or upload a GeoJSON file"))


class RejectForm(FlaskForm):
    """Refuse a pending area."""

    reason = TextAreaField(_l("Reason (the contact representative sees it)"), validators=[DataRequired(), Length(max=500)])


class TrainedForm(FlaskForm):
    """Record a contact representative's training."""

    user_id = SelectField(_l("Contact representative"), coerce=int, validators=[DataRequired()])
    trained_on = DateField(_l("Training date"), validators=[DataRequired()])


class JoinForm(FlaskForm):
    """Ask to join."""

    message = TextAreaField(_l("Message to the contact representative (optional)"), validators=[Optional(), Length(max=500)])


class InviteForm(FlaskForm):
    """A new invite link."""

    days = IntegerField(_l("Valid for (days)"), validators=[DataRequired(), NumberRange(min=1, max=365)], default=14)


class InviteEmailForm(FlaskForm):
    """Invite people by e-mail: one new link, one message per address."""

    addresses = TextAreaField(_l("E-mail addresses"), validators=[DataRequired(), Length(max=6000)], render_kw={"rows": 5})
    days = IntegerField(_l("Valid for (days)"), validators=[DataRequired(), NumberRange(min=1, max=365)], default=14)


class HouseholdForm(FlaskForm):
    """A household on the roster."""

    address = StringField(_l("Address or house number"), validators=[DataRequired(), Length(max=120)])
    participates = BooleanField(_l("The household takes part"), default=True)
    contact_name = StringField(_l("Name (optional)"), validators=[Optional(), Length(max=80)])
    contact_phone = StringField(_l("Phone (optional)"), validators=[Optional(), Length(max=32)])


class PoliceContactForm(FlaskForm):
    """Add a police contact (a police user of the area's municipality)."""

    user_id = SelectField(_l("Police officer"), coerce=int, validators=[DataRequired()])
