"""The coordinator's settings page: cut-off, open weeks, the public page, named places, districts."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlmodel import select
from wtforms import BooleanField, FloatField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from watch.core.forms import PlainForm
from watch.core.db import get_session
from watch.core.errors import ServiceError
from watch.est import access
from watch.est.models import EstDistrict, EstPlace
from watch.est.setup import service
from watch.core.forms import show_refusal

bp = Blueprint("est_setup", __name__, url_prefix="/est/<municipality>/settings")

WEEKDAYS = [(0, _l("Monday")), (1, _l("Tuesday")), (2, _l("Wednesday")), (3, _l("Thursday")), (4, _l("Friday")),
            (5, _l("Saturday")), (6, _l("Sunday"))]


class ConfigForm(FlaskForm):
    """The weekly cycle and the public page."""

    cutoff_weekday = SelectField(_l("Cut-off day (the week after)"), coerce=int, choices=WEEKDAYS)
    cutoff_time = TimeField(_l("Cut-off time"), validators=[DataRequired()])
    open_weeks = IntegerField(_l("Past weeks still open for reports"), validators=[NumberRange(0, 8)])
    publish_public = BooleanField(_l("Publish an aggregated weekly page for the public"))
    categories = TextAreaField(_l("Own categories (JSON; empty: the default list)"), validators=[Optional(), Length(max=20000)])


class PlaceForm(FlaskForm):
    """A named place."""

    name = StringField(_l("Name of the place"), validators=[DataRequired(), Length(max=120)])
    lat = FloatField(_l("Latitude"), validators=[DataRequired()])
    lon = FloatField(_l("Longitude"), validators=[DataRequired()])


class DistrictForm(FlaskForm):
    """A district from GeoJSON."""

    name = StringField(_l("Name of the district"), validators=[DataRequired(), Length(max=120)])
    geojson = TextAreaField(_l("Outline (GeoJSON Polygon)"), validators=[DataRequired()])



@bp.before_request
@login_required
def _coordinators_only():
    access.require(get_session(), current_user, request.view_args["municipality"], access.COORDINATOR)


@bp.route("/", methods=["GET", "POST"])
def settings(municipality: str):
    """Show and save the settings; add places and districts."""
    session = get_session()
    cfg = access.config_of(session, municipality)
    form = ConfigForm(prefix="c")
    place_form, district_form = PlaceForm(prefix="p"), DistrictForm(prefix="d")
    if request.method == "GET":
        from datetime import time

        form.cutoff_weekday.data, form.open_weeks.data, form.publish_public.data = cfg.cutoff_weekday, cfg.open_weeks, cfg.publish_public
        form.cutoff_time.data = time(cfg.cutoff_minutes // 60, cfg.cutoff_minutes % 60)
        form.categories.data = cfg.categories or ""
    which = request.form.get("which")
    try:
        if which == "config" and form.validate_on_submit():
            t = form.cutoff_time.data
            service.save_config(session, user=current_user, municipality=municipality, cutoff_weekday=form.cutoff_weekday.data,
                                cutoff_minutes=t.hour * 60 + t.minute, open_weeks=form.open_weeks.data,
                                publish_public=form.publish_public.data, categories=form.categories.data)
            flash(_("The settings are saved."), "success")
            return redirect(url_for(".settings", municipality=municipality))
        if which == "place" and place_form.validate_on_submit():
            service.add_place(session, user=current_user, municipality=municipality, name=place_form.name.data,
                              lon=place_form.lon.data, lat=place_form.lat.data)
            flash(_("The place is added."), "success")
            return redirect(url_for(".settings", municipality=municipality))
        if which == "district" and district_form.validate_on_submit():
            service.add_district(session, user=current_user, municipality=municipality, name=district_form.name.data,
                                 geojson=district_form.geojson.data)
            flash(_("The district is added."), "success")
            return redirect(url_for(".settings", municipality=municipality))
    except ServiceError as exc:
        show_refusal({"config": form, "place": place_form, "district": district_form}[which], exc)
    places = session.exec(select(EstPlace).where(EstPlace.municipality == municipality).order_by(EstPlace.name)).all()
    districts = session.exec(select(EstDistrict).where(EstDistrict.municipality == municipality).order_by(EstDistrict.name)).all()
    return render_template("est/settings.html", municipality=municipality, form=form, place_form=place_form,
                           district_form=district_form, places=places, districts=districts)


@bp.post("/places/<int:place_id>")
def toggle_place(municipality: str, place_id: int):
    """Hide a place from the report form, or show it again."""
    if PlainForm().validate_on_submit():
        place = get_session().get(EstPlace, place_id)
        active = True if place is None else not place.active
        service.set_place_active(get_session(), user=current_user, place_id=place_id, active=active)
    return redirect(url_for(".settings", municipality=municipality))
