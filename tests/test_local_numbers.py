"""Issue 15.10: a decimal typed the Swedish way ("4,9", "1 200") in any form's number field, shown back in the user's locale."""
from __future__ import annotations

import pytest
from flask_babel import force_locale
from flask_wtf import FlaskForm
from wtforms.validators import Optional

from watch.core.forms import LocalFloatField
from watch.core.formats import decimal


class _Form(FlaskForm):
    class Meta:
        csrf = False

    size = LocalFloatField("Size", validators=[Optional()])


@pytest.mark.parametrize(("typed", "value"), [("4,9", 4.9), ("4.9", 4.9), (" 1 200,5 ", 1200.5), ("1\u00a0200", 1200.0),
                                              ("0", 0.0), ("", None)])
def test_typed_decimals_are_read(app, typed, value):
    with app.test_request_context(method="POST", data={"size": typed}, headers={"Accept-Language": "sv"}):
        form = _Form()
        assert form.validate(), form.errors
        assert form.size.data == value


@pytest.mark.parametrize("typed", ["4,9,1", "fyra", "nan", "inf", "1e999"])
def test_bad_numbers_are_refused_in_swedish(app, typed):
    with app.test_request_context(method="POST", data={"size": typed}, headers={"Accept-Language": "sv"}):
        form = _Form()
        assert not form.validate()
        assert form.errors["size"] == ["Skriv ett tal (till exempel 4,5)."]
        assert form.size._value() == typed  # what the person typed stays in the field


def test_a_stored_number_is_shown_in_the_users_locale(app):
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        assert _Form(formdata=None, size=4.9).size._value() == "4,9"
        assert decimal(40.0, 1) == "40" and decimal(4.9) == "4,9"
    with app.test_request_context(), force_locale("en"):
        assert _Form(formdata=None, size=4.9).size._value() == "4.9"


def test_graffiti_area_takes_a_decimal_comma(app):
    from watch.graffiti.forms import ReportForm

    with app.test_request_context(method="POST", data={"area_m2": "2,5"}, headers={"Accept-Language": "sv"}):
        form = ReportForm(meta={"csrf": False})
        assert form.area_m2.validate(form) and form.area_m2.data == 2.5
