"""The notification settings form: a level per area, quiet hours."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TimeField
from wtforms.validators import Optional

from watch.push.devices.preferences import LEVEL_LABELS


class QuietHoursMixin:
    """Quiet hours in local time."""

    quiet_start = TimeField(_l("Quiet hours from"), validators=[Optional()], format="%H:%M")
    quiet_end = TimeField(_l("Quiet hours until"), validators=[Optional()], format="%H:%M")


def preferences_form(areas, levels: dict[int, str], police_areas: set[int]):
    """A form with one level field per area (police contacts' areas are fixed at all)."""
    fields = {}
    for area in areas:
        if area.id in police_areas:
            continue
        fields[f"area_{area.id}"] = SelectField(area.name, choices=[(k, v) for k, v in LEVEL_LABELS.items()],
                                                default=levels.get(area.id, "all"))
    form_class = type("PreferencesForm", (QuietHoursMixin, FlaskForm), fields)
    return form_class()
