"""Promise forms (Flask-WTF: CSRF on every one). Organisation and EST-week choices are filled by the views."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from watch.promises.indicators import REGISTRY
from watch.promises.models import ACTIVITY_STATUSES, MANUAL


def indicator_choices() -> list[tuple[str, object]]:
    """The counted kinds, then the manual one."""
    return [(k, i.label) for k, i in REGISTRY.items()] + [(MANUAL, _l("Something else (progress entries give the number)"))]


class PromiseForm(FlaskForm):
    """The promise itself: title, period, problem, focus, scope."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    period_start = DateField(_l("Period starts"), validators=[DataRequired()])
    period_end = DateField(_l("Period ends"), validators=[DataRequired()])
    problem = TextAreaField(_l("The problem it answers"), validators=[Optional(), Length(max=5000)])
    est_week_key = SelectField(_l("EST picture it builds on"), coerce=str, validate_choice=False)
    focus_areas = TextAreaField(_l("Focus areas (one per line)"), validators=[Optional(), Length(max=1500)])
    scope = HiddenField(_l("Geographic scope"))
    note = StringField(_l("Why it changes (shown with the revision)"), validators=[Optional(), Length(max=500)])


class SignatoryForm(FlaskForm):
    """A party: organisation, the signing role, the signing date."""

    organisation_id = SelectField(_l("Organisation"), coerce=int, validate_choice=False)
    role_title = StringField(_l("Signing role"), validators=[DataRequired(), Length(max=120)])
    signed_on = DateField(_l("Signed on"), validators=[Optional()])


class ActivityForm(FlaskForm):
    """An activity with its indicator and target."""

    organisation_id = SelectField(_l("Responsible party"), coerce=int, validate_choice=False)
    description = TextAreaField(_l("What will be done"), validators=[DataRequired(), Length(max=500)])
    indicator = SelectField(_l("Indicator"), choices=indicator_choices, default=MANUAL)
    indicator_label = StringField(_l("What is counted (for “something else”)"), validators=[Optional(), Length(max=200)])
    target = IntegerField(_l("Target"), validators=[DataRequired(), NumberRange(1, 100_000)])
    due_on = DateField(_l("Due date"), validators=[DataRequired()])
    status = SelectField(_l("Status"), choices=list(ACTIVITY_STATUSES.items()), default="planned")
    note = StringField(_l("Why it changes (shown with the revision)"), validators=[Optional(), Length(max=500)])


class ProgressForm(FlaskForm):
    """A dated progress entry with evidence."""

    entry_on = DateField(_l("Date"), validators=[DataRequired()])
    amount = IntegerField(_l("How many since the last entry"), validators=[Optional(), NumberRange(0, 100_000)])
    text = TextAreaField(_l("What was done"), validators=[Optional(), Length(max=2000)])
    link = StringField(_l("Link (optional)"), validators=[Optional(), Length(max=500)])
    photos = FileField(_l("Photo (optional)"))


class StatusForm(FlaskForm):
    """Move the promise one step."""

    status = HiddenField(validators=[DataRequired()])


