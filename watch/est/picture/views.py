"""Picture pages: EST home, the weekly picture (live or frozen), freeze, print, analysis, exports, the public page."""
from __future__ import annotations

from datetime import time

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from sqlmodel import Session

from watch.core import db
from watch.core.db import get_session
from watch.core.time import local, utcnow
from watch.core.errors import NotFound, ServiceError
from watch.est import access
from watch.core.forms import PlainForm
from watch.est.picture import analysis, exports, snapshots, svg
from watch.est.rules import categories, weeks
from watch.core.forms import show_refusal
from watch.organisations.access import organisation_ids_of
from watch.est.meetings.service import actions_of
from watch.est.picture.compute import action_effect

bp = Blueprint("est_picture", __name__, url_prefix="/est")
public_bp = Blueprint("est_public", __name__, url_prefix="/est/public")

WEEKDAYS = (_l("Mon"), _l("Tue"), _l("Wed"), _l("Thu"), _l("Fri"), _l("Sat"), _l("Sun"))


@bp.before_request
@login_required
def _login():
    """Every EST page but the public one needs a logged-in user."""


def _labels(session, municipality: str):
    tax = categories.taxonomy(access.config_of(session, municipality).categories)
    return lambda code: categories.label(tax, code)


@bp.get("/")
def index():
    """The municipalities where the user is in the EST group."""
    munis = access.visible_municipalities(get_session(), current_user)
    if len(munis) == 1:
        return redirect(url_for(".home", municipality=munis[0]))
    return render_template("est/index.html", munis=munis)


@bp.get("/<municipality>/")
def home(municipality: str):
    """This week, last week's picture, the frozen pictures, links to everything."""
    session = get_session()
    role = access.require(session, current_user, municipality)
    now = utcnow()
    this = weeks.week_of(now)
    last = weeks.shift(*this, -1)
    cfg = access.config_of(session, municipality)
    cut = weeks.cutoff(*last, cfg.cutoff_weekday, time(cfg.cutoff_minutes // 60, cfg.cutoff_minutes % 60))
    saved = request.args.get("saved", type=int)
    return render_template("est/home.html", municipality=municipality, role=role, this=this, last=last, cutoff=cut,
                           saved=saved if saved and 1 <= saved <= 53 else None,
                           snaps=snapshots.list_snapshots(session, current_user, municipality, limit=12),
                           may_report=access.orgs.has_role(session, current_user, municipality, access.REPORTER))


@bp.get("/<municipality>/week/<int:year>/<int:week>")
def week(municipality: str, year: int, week: int):
    """The picture of one week: frozen, or live until frozen."""
    session = get_session()
    data, snap = snapshots.view(session, current_user, municipality, year, week)
    coordinator = access.orgs.has_role(session, current_user, municipality, access.COORDINATOR)
    over = weeks.bounds(year, week)[1] <= utcnow()
    return render_template("est/week.html", municipality=municipality, d=data, snap=snap, label=_labels(session, municipality),
                           coordinator=coordinator, over=over, form=PlainForm(), svg=svg,
                           prev=weeks.shift(year, week, -1), next=weeks.shift(year, week, 1))


@bp.post("/<municipality>/week/<int:year>/<int:week>/freeze")
def freeze(municipality: str, year: int, week: int):
    """Freeze the week as "Lägesbild v.NN"."""
    if PlainForm().validate_on_submit():
        try:
            snapshots.freeze(get_session(), user=current_user, municipality=municipality, year=year, week=week)
        except ServiceError as exc:
            show_refusal(None, exc, raise_not_found=True)
        else:
            flash(_("Lägesbild v.%(w)s is frozen.", w=week), "success")
    return redirect(url_for(".week", municipality=municipality, year=year, week=week))


@bp.get("/<municipality>/week/<int:year>/<int:week>/print")
def print_week(municipality: str, year: int, week: int):
    """The printable weekly picture, laid out as lag 2023:196 expects: mapping, extent, analysis, actions."""
    session = get_session()
    data, snap = snapshots.view(session, current_user, municipality, year, week)
    return render_template("est/print_week.html", municipality=municipality, d=data, snap=snap, svg=svg,
                           label=_labels(session, municipality))


@bp.get("/<municipality>/year/<int:year>/print")
def print_year(municipality: str, year: int):
    """The printable yearly report: mapping, extent, analysis, actions."""
    session = get_session()
    access.require(session, current_user, municipality)
    a = analysis.analyse(session, municipality, year, "year")
    acts = [(x, o) for x, o in actions_of(session, current_user, municipality) if x.starts_on.year == year]
    effects = {x.id: action_effect(session, x) for x, _o in acts}
    return render_template("est/print_year.html", municipality=municipality, a=a, svg=svg, label=_labels(session, municipality),
                           actions=acts, effects=effects, weekdays=[str(d) for d in WEEKDAYS])


@bp.get("/<municipality>/analysis")
def analyse(municipality: str):
    """Trends, weekday × hour, season, by area and category for a quarter, tertial or year."""
    session = get_session()
    access.require(session, current_user, municipality)
    now = local(utcnow())
    try:
        year = int(request.args.get("year") or now.year)
    except ValueError:
        year = now.year
    period = request.args.get("period") or "year"
    try:
        a = analysis.analyse(session, municipality, year, period)
    except ServiceError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for(".analyse", municipality=municipality))
    return render_template("est/analysis.html", municipality=municipality, a=a, svg=svg, label=_labels(session, municipality),
                           periods=analysis.PERIOD_LABELS, weekdays=[str(d) for d in WEEKDAYS])


EXPORTS = {
    "reports.csv": ("text/csv", True), "reports.geojson": ("application/geo+json", True),
    "aggregates.csv": ("text/csv", False), "cells.geojson": ("application/geo+json", False),
}


def export_response(session, user, municipality: str, kind: str, year: int):
    """A streamed export of one year: full reports only to those who see them (a housing company: its own)."""
    access.require(session, user, municipality)
    if kind not in EXPORTS:
        raise NotFound("export_unknown", _("That page does not exist, or you cannot see it."))
    start, end = analysis.period_bounds(year, "year")
    mimetype, personal = EXPORTS[kind]
    own = None
    if personal and not access.full_access(session, user, municipality):
        own = organisation_ids_of(session, user, municipality)
    if personal:
        fn, args = (exports.reports_csv if kind.endswith(".csv") else exports.reports_geojson), (own,)
    elif kind.endswith(".csv"):
        fn, args = exports.aggregates_csv, ()
    else:
        fn, args = exports.cells_geojson, (float(current_app.config["EST_GRID_METRES"]),)
    engine = db.engine()

    def body():
        # Its own session: the stream outlives the request's context.
        with Session(engine) as own_session:
            yield from fn(own_session, municipality, start, end, *args)

    name = f"est-{municipality}-{year}-{kind}".encode("ascii", "ignore").decode()
    return Response(body(), mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@bp.get("/<municipality>/export/<int:year>/<kind>")
def export(municipality: str, year: int, kind: str):
    """Download an export."""
    return export_response(get_session(), current_user, municipality, kind, year)


@public_bp.get("/<municipality>/<int:year>/<int:week>")
def public(municipality: str, year: int, week: int):
    """The aggregated public weekly page, if the municipality publishes it: districts and categories, no points."""
    session = get_session()
    data = snapshots.public_view(session, municipality, year, week)
    return render_template("est/public.html", d=data, label=_labels(session, municipality))
