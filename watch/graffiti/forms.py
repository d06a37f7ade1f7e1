"""Graffiti forms (Flask-WTF: CSRF on every one). Choices per municipality are filled by the views."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateTimeLocalField, FloatField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from watch.core.forms import LocalFloatField
from watch.graffiti.models import CHANNELS, OBJECT_TYPES, OWNER_TYPES, STATUSES


class ReportForm(FlaskForm):
    """A graffiti report from a phone."""

    in_progress = BooleanField(_l("Someone is painting right now"))
    municipality = SelectField(_l("Municipality"))
    lat = FloatField(_l("Latitude"), validators=[Optional()])
    lon = FloatField(_l("Longitude"), validators=[Optional()])
    address = StringField(_l("Address or place"), validators=[Optional(), Length(max=200)])
    object_type = SelectField(_l("What is painted?"), choices=list(OBJECT_TYPES.items()))
    owner_type = SelectField(_l("Owner (if the map does not know)"), choices=list(OWNER_TYPES.items()), default="unknown")
    offensive = BooleanField(_l("Offensive or racist"))
    area_m2 = LocalFloatField(_l("Approximate area (m²)"), validators=[Optional()])
    observed_at = DateTimeLocalField(_l("When did you see it? (empty: now)"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    description = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=1000)])
    photos = FileField(_l("Photos (1 to 3)"), render_kw={"multiple": True})
    same_as = SelectField(_l("Same graffiti as"), coerce=int, default=0)
    not_duplicate = BooleanField(_l("It is new graffiti, not one of these"))
    client_key = HiddenField()


class StatusForm(FlaskForm):
    """A handler moves the report along."""

    status = SelectField(_l("New status"), choices=list(STATUSES.items()))
    note = StringField(_l("Note (shown to the reporter)"), validators=[Optional(), Length(max=500)])
    duplicate_of = StringField(_l("Duplicate of report no."), validators=[Optional(), Length(max=12)])
    after_photo = FileField(_l("Photo after cleaning"))


class CaseNumberForm(FlaskForm):
    """The police case number from the police report."""

    police_case_number = StringField(_l("Police case number"), validators=[DataRequired(), Length(max=40)])


class ZoneForm(FlaskForm):
    """One polygon of the owner layer."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    owner_type = SelectField(_l("Owner"), choices=list(OWNER_TYPES.items()))
    organisation_id = SelectField(_l("Organisation (optional)"), coerce=int, default=0)
    geometry = TextAreaField(_l("Polygon (GeoJSON)"), validators=[DataRequired()])


class RuleForm(FlaskForm):
    """Object type × owner type → organisation and e-mail address."""

    object_type = SelectField(_l("What is painted"), choices=[("*", _l("Anything"))] + list(OBJECT_TYPES.items()))
    owner_type = SelectField(_l("Owner"), choices=[("*", _l("Any owner"))] + list(OWNER_TYPES.items()))
    district_id = SelectField(_l("District"), coerce=int, default=0)
    organisation_id = SelectField(_l("Organisation"), coerce=int)
    channel = SelectField(_l("Work orders go by"), choices=list(CHANNELS.items()), default="email")
    address = StringField(_l("E-mail address (with another channel: a copy)"), validators=[Optional(), Length(max=300)])
    endpoint = StringField(_l("Webhook URL or Open311 GeoReport v2 address"), validators=[Optional(), Length(max=300)])
    secret = StringField(_l("Open311 api_key, or webhook secret (empty: one is made)"), validators=[Optional(), Length(max=128)])
    service_code = StringField(_l("Open311 service_code"), validators=[Optional(), Length(max=60)])


class SettingsForm(FlaskForm):
    """What the municipality publishes and how service targets count."""

    public = BooleanField(_l("Publish graffiti reports (by place; approved photos only; never who reported)"))
    working_days = BooleanField(_l("Count service targets on working days only (not weekends or public holidays)"))
