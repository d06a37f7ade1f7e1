"""EST forms (Flask-WTF: CSRF on every one). Choices are filled per municipality by the views."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, DateTimeLocalField, FloatField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from watch.est.rules.categories import PEOPLE_BANDS, SETTINGS, SOURCES


class ReportForm(FlaskForm):
    """A report: when, where, what, how many (a band, never who)."""

    organisation_id = SelectField(_l("Reporting organisation"), coerce=int)
    occurred_at = DateTimeLocalField(_l("When"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"], validators=[DataRequired()])
    what = SelectField(_l("What"), validators=[DataRequired()])
    place_id = SelectField(_l("Named place"), coerce=int, default=0)
    lat = FloatField(_l("Latitude"), validators=[Optional()])
    lon = FloatField(_l("Longitude"), validators=[Optional()])
    setting = SelectField(_l("Kind of place"), choices=list(SETTINGS.items()), default="outdoor")
    people_band = SelectField(_l("How many people"), choices=[("", _l("No people involved"))] + list(PEOPLE_BANDS.items()), default="")
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    police_reported = BooleanField(_l("Reported to the police"))
    police_ref = StringField(_l("Police reference number (optional)"), validators=[Optional(), Length(max=40)])
    source = SelectField(_l("Source"), choices=list(SOURCES.items()), default="rapportor")
    photos = FileField(_l("Photos (optional)"), render_kw={"multiple": True})
    confirm_personal_data = BooleanField(_l("I have checked: the description holds no personal data"))
    client_key = HiddenField()


class ReviewForm(FlaskForm):
    """Accept, reject with a reason, or merge into another report."""

    decision = SelectField(_l("Decision"), choices=[("accept", _l("Accept")), ("reject", _l("Reject")), ("merge", _l("Merge as duplicate"))])
    reason = StringField(_l("Reason for rejecting"), validators=[Optional(), Length(max=500)])
    into_id = SelectField(_l("Duplicate of report"), coerce=int, default=0)


class MeetingForm(FlaskForm):
    """A meeting: date, agenda, which organisations attended."""

    held_on = DateField(_l("Date"), validators=[DataRequired()])
    agenda = TextAreaField(_l("Agenda"), validators=[Optional(), Length(max=5000)])
    attendance = SelectMultipleField(_l("Organisations present"), coerce=int)


class DecisionForm(FlaskForm):
    """A line in the decision log."""

    text = StringField(_l("Decision"), validators=[DataRequired(), Length(max=500)])
    organisation_id = SelectField(_l("Organisation"), coerce=int, default=0)
    place_id = SelectField(_l("Focus place"), coerce=int, default=0)


class ActionForm(FlaskForm):
    """An action (insats)."""

    title = StringField(_l("Action"), validators=[DataRequired(), Length(max=200)])
    owner_organisation_id = SelectField(_l("Responsible organisation"), coerce=int)
    place_id = SelectField(_l("Place"), coerce=int, default=0)
    cell = SelectField(_l("Or hot-spot cell"), default="")
    starts_on = DateField(_l("From"), validators=[DataRequired()])
    ends_on = DateField(_l("Until"), validators=[DataRequired()])


class ActionUpdateForm(FlaskForm):
    """Move an action on and note its effect."""

    status = SelectField(_l("Status"), choices=[("planned", _l("Planned")), ("ongoing", _l("Ongoing")), ("done", _l("Done")),
                                                ("evaluated", _l("Evaluated"))])
    effect_note = TextAreaField(_l("Effect"), validators=[Optional(), Length(max=5000)])


