"""Boat forms (Flask-WTF: CSRF on every one)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional


class BoatForm(FlaskForm):
    """A boat."""

    name = StringField(_l("Boat name"), validators=[DataRequired(), Length(max=80)])
    boat_type = StringField(_l("Type (e.g. motorboat, sailboat)"), validators=[Optional(), Length(max=60)])
    length_m = StringField(_l("Length (m)"), validators=[Optional(), Length(max=10)])
    hull_id = StringField(_l("Hull or registration number"), validators=[Optional(), Length(max=40)])
    mooring = StringField(_l("Mooring place"), validators=[Optional(), Length(max=120)])


class EngineForm(FlaskForm):
    """An engine."""

    make = StringField(_l("Make"), validators=[DataRequired(), Length(max=60)])
    model = StringField(_l("Model"), validators=[Optional(), Length(max=60)])
    power_hp = StringField(_l("Power (hp)"), validators=[Optional(), Length(max=10)])
    serial_number = StringField(_l("Serial number"), validators=[Optional(), Length(max=60)])
    marking = StringField(_l("Marking (e.g. ID or DNA marking)"), validators=[Optional(), Length(max=120)])


class PhotoForm(FlaskForm):
    """A boat photo."""

    photo = FileField(_l("Photo (JPEG, PNG or WebP)"), validators=[DataRequired()])
