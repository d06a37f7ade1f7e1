"""Night-watch forms (Flask-WTF for CSRF; the service does the checking)."""
from __future__ import annotations

from datetime import time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import Optional

from watch.boats.rota.models import LogKind

LOG_KINDS = [(LogKind.vehicle.value, _l("Vehicle (note the registration number)")),
             (LogKind.boat_from_water.value, _l("Boat approaching from the water")),
             (LogKind.mooring.value, _l("Moorings and boats")), (LogKind.fire_risk.value, _l("Fire risk")),
             (LogKind.other.value, _l("Other"))]


class SeasonForm(FlaskForm):
    """Plan a season."""

    name = StringField(_l("Name of the season"))
    starts_on = DateField(_l("First night"), validators=[Optional()])
    ends_on = DateField(_l("Last night"), validators=[Optional()])
    start_time = TimeField(_l("Watch starts"), default=time(22, 0), validators=[Optional()])
    end_time = TimeField(_l("Watch ends"), default=time(6, 0), validators=[Optional()])
    split_time = TimeField(_l("Split into two shifts at (empty: one shift a night)"), default=time(2, 0), validators=[Optional()])
    team_size = IntegerField(_l("People per shift"), default=2, validators=[Optional()])
    obligation = IntegerField(_l("Watches per boat and season"), default=3, validators=[Optional()])
    rounds_per_night = IntegerField(_l("Rounds per shift"), default=3, validators=[Optional()])


class CheckpointForm(FlaskForm):
    """Place a checkpoint."""

    name = StringField(_l("Checkpoint, e.g. Brygga C or the fuel pier"))


class SwapForm(FlaskForm):
    """Ask a member to take the watch, or name an adult substitute."""

    to_user_id = SelectField(_l("Ask a member"), validate_choice=False, validators=[Optional()])
    substitute_name = StringField(_l("Or an adult substitute: name"))
    substitute_born_on = DateField(_l("The substitute's date of birth"), validators=[Optional()])


class MissedForm(FlaskForm):
    """A checkpoint the team could not reach."""

    checkpoint_id = SelectField(_l("Checkpoint"), coerce=int, validate_choice=False)
    reason = TextAreaField(_l("Why was it missed?"))


class LogForm(FlaskForm):
    """A line in the watch log."""

    kind = SelectField(_l("What"), choices=LOG_KINDS)
    text = TextAreaField(_l("What did you see?"))
    registration = StringField(_l("Registration number (optional)"))


class ChiefForm(FlaskForm):
    """Name the watch chief of a week."""

    week_start = DateField(_l("Week starting (any day of the week)"), validators=[Optional()])
    user_id = SelectField(_l("Watch chief"), coerce=int, validate_choice=False)
