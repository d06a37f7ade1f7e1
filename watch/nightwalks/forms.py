"""Forms for groups, joining, shifts and debriefs; the ranges are the service's rules (one place)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from watch.nightwalks.models import EVENTS, YOUNG_LABELS

NUMERIC = {"inputmode": "numeric", "autocomplete": "off"}


class GroupForm(FlaskForm):
    """A new group."""

    municipality = StringField(_l("Municipality"), validators=[DataRequired(), Length(max=80)])
    name = StringField(_l("Name of the group"), validators=[DataRequired(), Length(max=120)])
    affiliation = StringField(_l("Affiliation (association, church, club)"), validators=[Optional(), Length(max=120)])
    organisation_id = SelectField(_l("Organisation in the EST picture"), choices=[], validate_choice=False)
    areas = StringField(_l("Areas the group walks"), validators=[Optional(), Length(max=300)])
    meeting_point = StringField(_l("Meeting point"), validators=[DataRequired(), Length(max=200)])
    lon = StringField(_l("Meeting point longitude"), validators=[Optional(), Length(max=20)], render_kw={"inputmode": "decimal"})
    lat = StringField(_l("Meeting point latitude"), validators=[Optional(), Length(max=20)], render_kw={"inputmode": "decimal"})


class JoinForm(FlaskForm):
    """Join a group as a walker: the year of birth shows the person is an adult."""

    birth_year = StringField(_l("Year of birth"), validators=[Optional(), Length(max=20)], render_kw={**NUMERIC, "autocomplete": "bday-year"})


class ShiftForm(FlaskForm):
    """A shift (times in Swedish local time)."""

    starts_at = DateTimeLocalField(_l("Starts"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Ends"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    meeting_point = StringField(_l("Meeting point"), validators=[Optional(), Length(max=200)])
    area = StringField(_l("Area"), validators=[Optional(), Length(max=200)])
    subgroups = StringField(_l("Number of subgroups"), default="1", validators=[Optional(), Length(max=3)], render_kw=NUMERIC)
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])


class DebriefForm(FlaskForm):
    """After the walk: counts only."""

    adults = StringField(_l("Adults who walked"), validators=[Optional(), Length(max=4)], render_kw=NUMERIC)
    hours = StringField(_l("Hours walked"), validators=[Optional(), Length(max=6)], render_kw={"inputmode": "decimal", "autocomplete": "off"})
    young_people = SelectField(_l("Young people met"), choices=[(k.value, v) for k, v in YOUNG_LABELS.items()])
    places_visited = StringField(_l("Number of places visited"), validators=[Optional(), Length(max=4)], render_kw=NUMERIC)
    places = StringField(_l("Places visited (places, never persons)"), validators=[Optional(), Length(max=300)])
    needs_followup = BooleanField(_l("Needs follow-up by the field workers"))
    notes = TextAreaField(_l("Notes (no names of young people)"), validators=[Optional(), Length(max=2000)])
    confirm_personal_data = BooleanField(_l("I confirm that the text names no person"))


for _name, _label in EVENTS.items():
    setattr(DebriefForm, _name, StringField(_label, default="0", validators=[Optional(), Length(max=4)], render_kw=NUMERIC))


