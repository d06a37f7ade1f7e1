"""Boat forms (Flask-WTF: CSRF on every one)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional

from watch.boats.models import (
    BOAT_NAME_MAX, BOAT_TYPE_MAX, ENGINE_MAKE_MAX, ENGINE_MODEL_MAX, HULL_ID_MAX, MARKING_MAX, MOORING_MAX, SERIAL_NUMBER_MAX,
)

# What a person may type for a number ("4,9", "1 200"); the service checks the value's bounds.
NUMBER_TEXT_MAX = 10


class BoatForm(FlaskForm):
    """A boat."""

    name = StringField(_l("Boat name"), validators=[DataRequired(), Length(max=BOAT_NAME_MAX)])
    boat_type = StringField(_l("Type (e.g. motorboat, sailboat)"), validators=[Optional(), Length(max=BOAT_TYPE_MAX)])
    length_m = StringField(_l("Length (m)"), validators=[Optional(), Length(max=NUMBER_TEXT_MAX)])
    hull_id = StringField(_l("Hull or registration number"), validators=[Optional(), Length(max=HULL_ID_MAX)])
    mooring = StringField(_l("Mooring place"), validators=[Optional(), Length(max=MOORING_MAX)])


class EngineForm(FlaskForm):
    """An engine."""

    make = StringField(_l("Make"), validators=[DataRequired(), Length(max=ENGINE_MAKE_MAX)])
    model = StringField(_l("Model"), validators=[Optional(), Length(max=ENGINE_MODEL_MAX)])
    power_hp = StringField(_l("Power (hp)"), validators=[Optional(), Length(max=NUMBER_TEXT_MAX)])
    serial_number = StringField(_l("Serial number"), validators=[Optional(), Length(max=SERIAL_NUMBER_MAX)])
    marking = StringField(_l("Marking (e.g. ID or DNA marking)"), validators=[Optional(), Length(max=MARKING_MAX)])


class PhotoForm(FlaskForm):
    """A boat photo."""

    photo = FileField(_l("Photo (JPEG, PNG or WebP)"), validators=[DataRequired()])
