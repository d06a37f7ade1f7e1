"""Alert forms (Flask-WTF for CSRF; the service does the checking, so messages live in one place)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, HiddenField, MultipleFileField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from watch.alerts.lifecycle import CHOOSABLE_OUTCOMES
from watch.alerts.models import CATEGORY_LABELS, OUTCOME_LABELS, Category

STATUS_FILTERS = [
    ("open", _l("Not yet acknowledged")),
    ("active", _l("Open or acknowledged")),
    ("acknowledged", _l("Acknowledged")),
    ("closed", _l("Closed")),
    ("all", _l("All statuses")),
]


class AlertForm(FlaskForm):
    """Post an alert; lat/lon are filled by the page's script, else the chosen area's centre is used."""

    category = RadioField(_l("What did you see?"), validate_choice=False)
    text = TextAreaField(_l("Describe what you saw"))
    observed_at = DateTimeLocalField(_l("When (leave empty if it is happening now)"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    lat = HiddenField()
    lon = HiddenField()
    area_id = SelectField(_l("Area"), validate_choice=False, validators=[Optional()])
    registration = StringField(_l("Registration number (optional)"))
    boat_id = HiddenField()  # the picker (templates/boats/_alert_picker.html) renders these two as selects
    engine_id = HiddenField()
    photos = MultipleFileField(_l("Photos (optional)"))
    # A suspicious person (watch.alerts.person): what they did first, appearance last.
    person_did = TextAreaField(_l("What did the person do?"))
    person_clothing = StringField(_l("Clothing"))
    person_direction = StringField(_l("Direction"))
    person_vehicle = StringField(_l("Vehicle"))
    person_appearance = StringField(_l("Appearance (only after two of the above)"))

    def person(self) -> dict:
        """The suspicious-person fields as the service takes them."""
        return {name: getattr(self, "person_" + name).data for name in ("did", "clothing", "direction", "vehicle", "appearance")}

    def set_choices(self, *, information: bool, areas) -> None:
        """Categories the user may use, and their areas."""
        self.category.choices = [(c.value, CATEGORY_LABELS[c]) for c in Category if information or c is not Category.information]
        self.area_id.choices = [("", _l("The area at my position"))] + [(str(a.id), a.name) for a in areas]

    def prefill(self, args) -> None:
        """Start from a link (e.g. "Report theft" on a boat's page): category, area, boat, engine, text."""
        for name in ("category", "area_id", "boat_id", "engine_id", "text"):
            if args.get(name):
                getattr(self, name).data = args.get(name)[:2000]


class UpdateForm(FlaskForm):
    """A message for the thread, with an optional photo."""

    text = TextAreaField(_l("Add an update"))
    photo = MultipleFileField(_l("Photo (optional)"))


class CloseForm(FlaskForm):
    """Close with an outcome."""

    outcome = RadioField(_l("Outcome"), choices=[(o.value, OUTCOME_LABELS[o]) for o in CHOOSABLE_OUTCOMES], validate_choice=False)
    note = TextAreaField(_l("Note (optional)"))


class HideForm(FlaskForm):
    """Hide with a reason."""

    reason = TextAreaField(_l("Why is the alert hidden? The person who posted it sees this."))


class FilterForm(FlaskForm):
    """List and map filters (GET, no CSRF)."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), validate_choice=False)
    category = SelectField(_l("Category"), validate_choice=False)
    span = SelectField(_l("Time"), validate_choice=False)
