"""Walk forms (Flask-WTF: CSRF on every one). Organisation choices are filled by the views."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, DateTimeLocalField, FloatField, HiddenField, IntegerField, SelectField, \
    StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from watch.core.forms import Checkboxes
from watch.walks.models import CATEGORIES, DECISIONS, GROUPS, LIGHT, MEASURE_STATUSES, PRIORITIES, RESPONSIBLE


class WalkForm(FlaskForm):
    """Plan a walk: where, when, who organises, who is invited."""

    organiser_id = SelectField(_l("Organiser"), coerce=int)
    name = StringField(_l("Area"), validators=[DataRequired(), Length(max=120)])
    route = TextAreaField(_l("Route (GeoJSON LineString)"), validators=[DataRequired()])
    starts_at = DateTimeLocalField(_l("Date and time"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"], validators=[DataRequired()])
    duration_minutes = IntegerField(_l("Duration (minutes)"), default=90, validators=[DataRequired(), NumberRange(15, 600)])
    light = SelectField(_l("Light"), choices=list(LIGHT.items()), default="dark")
    meeting_point = StringField(_l("Meeting point"), validators=[Optional(), Length(max=200)])
    invited = Checkboxes(_l("Invited organisations"), coerce=int)


class CountsForm(FlaskForm):
    """Participants by group: counts only."""

    children = IntegerField(GROUPS["children"], default=0, validators=[Optional(), NumberRange(0, 10000)])
    youth = IntegerField(GROUPS["youth"], default=0, validators=[Optional(), NumberRange(0, 10000)])
    elderly = IntegerField(GROUPS["elderly"], default=0, validators=[Optional(), NumberRange(0, 10000)])
    women = IntegerField(GROUPS["women"], default=0, validators=[Optional(), NumberRange(0, 10000)])
    men = IntegerField(GROUPS["men"], default=0, validators=[Optional(), NumberRange(0, 10000)])


class ObservationForm(FlaskForm):
    """One observation on the walk, from the phone."""

    category = SelectField(_l("What did you see?"), choices=list(CATEGORIES.items()))
    lat = FloatField(_l("Latitude"), validators=[Optional()])
    lon = FloatField(_l("Longitude"), validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=1000)])
    suggestion = TextAreaField(_l("Suggested measure"), validators=[Optional(), Length(max=500)])
    photo = FileField(_l("Photo (optional)"))
    confirm_personal_data = BooleanField(_l("I have checked: the note holds no personal data"))
    client_key = HiddenField()


class MeasureForm(FlaskForm):
    """A measure for one or more observations."""

    title = StringField(_l("Measure"), validators=[DataRequired(), Length(max=200)])
    observation_ids = Checkboxes(_l("For the observations"), coerce=int)
    responsible_kind = SelectField(_l("Responsible"), choices=list(RESPONSIBLE.items()))
    responsible_org_id = SelectField(_l("Responsible organisation (optional)"), coerce=int, default=0)
    priority = SelectField(_l("Priority"), choices=list(PRIORITIES.items()), coerce=int, default=2)
    due_date = DateField(_l("Due date"), validators=[Optional()])


class DecisionForm(FlaskForm):
    """Accept, or decline with a public reason."""

    decision = SelectField(_l("Decision"), choices=[(k, v) for k, v in DECISIONS.items() if k != "pending"])
    reason = StringField(_l("Reason (shown publicly if declined)"), validators=[Optional(), Length(max=500)])


class MeasureStatusForm(FlaskForm):
    """Follow-up of an accepted measure."""

    status = SelectField(_l("Status"), choices=list(MEASURE_STATUSES.items()))
    after_photo = FileField(_l("Photo after the work"))
