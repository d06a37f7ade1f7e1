"""Forms for training sessions and attendance."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from watch.training.models import KIND_LABELS


class SessionForm(FlaskForm):
    """A new session, or a change to one (times in Swedish local time)."""

    municipality = StringField(_l("Municipality"), validators=[DataRequired(), Length(max=80)])
    kind = SelectField(_l("Kind of session"), choices=[(k.value, v) for k, v in KIND_LABELS.items()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)])
    starts_at = DateTimeLocalField(_l("Starts"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Ends"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    place = StringField(_l("Place"), validators=[DataRequired(), Length(max=200)])
    capacity = IntegerField(_l("Places"), validators=[InputRequired()])  # the range is the service's rule
    trainers = StringField(_l("Trainers (as shown to participants)"), validators=[Optional(), Length(max=300)])
    trainer_emails = StringField(_l("E-mail addresses of trainers who take attendance"), validators=[Optional(), Length(max=1000)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)])


