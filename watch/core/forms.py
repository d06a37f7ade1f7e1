"""Shared form pieces: a form that is only its CSRF token, what a view does when a service refuses a form,
a number field for typed decimals, several choices as checkboxes."""
from __future__ import annotations

from flask import flash
from flask_wtf import FlaskForm
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from wtforms import FloatField, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from watch.core.db import get_session
from watch.core.errors import ServiceError


class PlainForm(FlaskForm):
    """Only the CSRF token: a button that posts (log out, remove, sign up, freeze...)."""


def show_refusal(form, exc: ServiceError, *, raise_not_found: bool = False) -> None:
    """Undo what the refused call left in the session; show why next to its field, else as a flash.

    With raise_not_found a 404 goes on to the error page instead: the user may
    not even know that the thing exists.
    """
    get_session().rollback()
    if raise_not_found and exc.status == 404:
        raise exc
    field = getattr(form, exc.details.get("field") or "", None) if form is not None else None
    if field is not None:
        field.errors = list(field.errors) + [str(exc.message)]
    else:
        flash(str(exc.message), "error")


class LocalFloatField(FloatField):
    """A decimal number as people type it: "4,9" (Swedish decimal comma), "4.9" or "1 200";
    shown again in the user's locale ("4,9" in Swedish). Use with inputmode="decimal"."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = str(valuelist[0]).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
        if not text:
            self.data = None
            return
        try:
            self.data = float(text.replace(",", "."))
        except ValueError:
            self.data = None
            raise ValueError(_l("Write a number (for example 4.5).")) from None
        if self.data != self.data or self.data in (float("inf"), float("-inf")):  # nan, inf
            self.data = None
            raise ValueError(_l("Write a number (for example 4.5)."))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return format_decimal(self.data, format="0.######")


class Checkboxes(SelectMultipleField):
    """Several choices as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
