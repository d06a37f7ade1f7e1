"""Trygghetspunkter pages: the public list, map, GeoJSON feed and printable list (no personal data on any of them);
the coordinator's pages to describe, open and close points; a member's e-mail choice."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, json, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlmodel import select

from watch.core import municipalities
from watch.core.maps import map_config
from watch.crisis import distance, service
from watch.crisis.forms import ActivateForm, MailChoiceForm, PointForm
from watch.crisis.models import ACTIONS, ACTIVATED, BUILDING_TYPES, OFFERS, STATUSES, CrisisPoint, split_offers
from watch.core.db import get_session
from watch.core.time import utcnow
from watch.core.errors import ServiceError
from watch.core.forms import show_refusal
from watch.organisations.models import Organisation

bp = Blueprint("crisis", __name__, url_prefix="/crisis")
LABELS = dict(offers=OFFERS, building_types=BUILDING_TYPES, statuses=STATUSES, split_offers=split_offers, ACTIVATED=ACTIVATED)


def _municipality(code: str) -> str:
    """The municipality of a URL code (or name); 404 when unknown."""
    name = municipalities.normalise(code)
    if name is None:
        abort(404)
    return name


def _code(name: str) -> str:
    return municipalities.code_of(name) or name


def _public(response: Response) -> Response:
    """Public pages change only when a coordinator changes a point: always revalidate, keep nothing private."""
    response.cache_control.no_cache = True
    return response


def feature(point: CrisisPoint) -> dict:
    """One point as a GeoJSON Feature (RFC 7946): only what the public may see."""
    return {"type": "Feature", "id": point.id, "geometry": {"type": "Point", "coordinates": [point.lon, point.lat]}, "properties": {
        "name": point.name, "address": point.address, "municipality": point.municipality, "building_type": point.building_type,
        "building_type_label": str(BUILDING_TYPES[point.building_type]), "status": point.status,
        "status_label": str(STATUSES[point.status]), "offers": split_offers(point.offers),
        "offered_now": split_offers(point.offered_now) if point.status == ACTIVATED else [],
        "activated_at": point.activated_at.isoformat() if point.status == ACTIVATED and point.activated_at else None,
        "opening_hours": point.opening_hours if point.status == ACTIVATED else "", "accessibility": point.accessibility,
        "capacity": point.capacity, "backup_power": point.backup_power, "radio": point.radio,
        "last_checked": point.last_checked.isoformat() if point.last_checked else None,
        "url": url_for("crisis.point", point_id=point.id)}}


@bp.get("/")
def index():
    """Every municipality with trygghetspunkter; the visitor's own first."""
    session = get_session()
    rows = [(m, _code(m), n, active) for m, n, active in service.municipalities_with_points(session)]
    own = getattr(current_user, "municipality", None) if current_user.is_authenticated else None
    return render_template("crisis/index.html", rows=rows, own=own, own_code=_code(own) if own else None)


@bp.get("/<code>")
def municipality(code: str):
    """The list and the map of a municipality's points; with ?lat&lon the nearest first, as the crow flies."""
    session = get_session()
    muni = _municipality(code)
    if code != _code(muni):
        return redirect(url_for("crisis.municipality", code=_code(muni), **request.args))
    points = service.points_of(session, muni)
    here = service.check_position(request.args.get("lat"), request.args.get("lon")) if "lat" in request.args else None
    if here is not None:
        ranked = [(distance.label(d), p) for d, p in service.nearest(points, *here, n=len(points))]
    else:
        ranked = [(None, p) for p in points]
    chose = None
    if current_user.is_authenticated:
        chose = MailChoiceForm(data={"email": service.wants_mail(session, current_user)})
    config = map_config(geojson=url_for("crisis.geojson", code=_code(muni)), cache=[
        url_for("crisis.index"), url_for("crisis.municipality", code=_code(muni)), url_for("crisis.geojson", code=_code(muni)),
        url_for("crisis.printable", code=_code(muni))] + [url_for("crisis.point", point_id=p.id) for p in points[:50]],
        messages={"km": _("as the crow flies about {n} km"), "m": _("as the crow flies about {n} m"),
                  "locating": _("Finding your position…"), "locateFailed": _("Your position is not available. The list is in name order."),
                  "sorted": _("Nearest first, as the crow flies from your position (not the walking route).")})
    return _public(Response(render_template(
        "crisis/municipality.html", municipality=muni, code=_code(muni), ranked=ranked, here=here,
        bad_position="lat" in request.args and here is None, any_open=any(p.status == ACTIVATED for p in points),
        coordinator=service.is_coordinator(session, current_user, muni), mail_form=chose, map_config=config, **LABELS)))


@bp.get("/<code>/points.geojson")
def geojson(code: str):
    """The municipality's points as a GeoJSON FeatureCollection."""
    session = get_session()
    muni = _municipality(code)
    body = {"type": "FeatureCollection", "features": [feature(p) for p in service.points_of(session, muni)]}
    return _public(Response(json.dumps(body, ensure_ascii=False), mimetype="application/geo+json"))


@bp.get("/<code>/print")
def printable(code: str):
    """A printable list of the municipality's points."""
    session = get_session()
    muni = _municipality(code)
    return _public(Response(render_template("crisis/print.html", municipality=muni, points=service.points_of(session, muni),
                                            printed=utcnow(), **LABELS)))


@bp.get("/points/<int:point_id>")
def point(point_id: int):
    """One point: where, what it offers, and whether it is open now."""
    session = get_session()
    p = service.get_point(session, point_id)
    org = session.get(Organisation, p.organisation_id) if p.organisation_id else None
    return _public(Response(render_template("crisis/point.html", point=p, organisation=org, code=_code(p.municipality),
                                            coordinator=service.is_coordinator(session, current_user, p.municipality),
                                            **LABELS)))


@bp.post("/mail")
@login_required
def mail_choice():
    """Turn the e-mail about opened points on or off."""
    session = get_session()
    form = MailChoiceForm()
    if form.validate_on_submit():
        service.set_mail_choice(session, user=current_user, email=bool(form.email.data))
        flash(_("Your choice is saved."), "success")
    back = request.form.get("next") or ""
    return redirect(back if back.startswith("/crisis/") and "//" not in back else url_for("crisis.index"))


def _orgs(session, muni: str) -> list[Organisation]:
    return list(session.exec(select(Organisation).where(Organisation.municipality == muni).order_by(Organisation.name)))


def _point_in(form: PointForm) -> service.PointIn:
    return service.PointIn(
        name=form.name.data or "", lon=form.lon.data, lat=form.lat.data, building_type=form.building_type.data,
        offers=form.offers.data or [], address=form.address.data or "", accessibility=form.accessibility.data or "",
        capacity=form.capacity.data, backup_power=form.backup_power.data, radio=form.radio.data,
        organisation_id=form.organisation_id.data or None, staff_role=form.staff_role.data or "", last_checked=form.last_checked.data)


@bp.route("/<code>/new", methods=["GET", "POST"])
@login_required
def new(code: str):
    """A new planned point (coordinators)."""
    session = get_session()
    muni = _municipality(code)
    service.require_coordinator(session, current_user, muni)
    form = PointForm()
    form.organisation_id.choices = [(0, "–")] + [(o.id, o.name) for o in _orgs(session, muni)]
    refused = False
    if form.validate_on_submit():
        try:
            p = service.create(session, user=current_user, municipality=muni, data=_point_in(form))
        except ServiceError as exc:
            show_refusal(form, exc)
            refused = True
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("crisis.edit", point_id=p.id))
    centre = service.centre_of(session, muni)
    return render_template("crisis/edit.html", form=form, point=None, municipality=muni, code=_code(muni),
                           map_config=map_config(**({"center": centre, "zoom": 12} if centre else {})), **LABELS), 422 if form.errors or refused else 200


@bp.route("/points/<int:point_id>/edit", methods=["GET", "POST"])
@login_required
def edit(point_id: int):
    """Change a point; open or close it; its change log (coordinators)."""
    session = get_session()
    p = service.get_point_for(session, current_user, point_id)
    form = _filled(p) if request.method == "GET" else PointForm()
    form.organisation_id.choices = [(0, "–")] + [(o.id, o.name) for o in _orgs(session, p.municipality)]
    refused = False
    if form.validate_on_submit():
        try:
            service.update(session, user=current_user, point_id=p.id, data=_point_in(form))
        except ServiceError as exc:
            show_refusal(form, exc)
            refused = True
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("crisis.edit", point_id=p.id))
    return _edit_page(session, p, form, ActivateForm(data={"offered_now": split_offers(p.offers)}), refused)


def _filled(p: CrisisPoint) -> PointForm:
    """The point's form with its stored values (the offers as a list, no organisation as 0)."""
    form = PointForm(formdata=None, obj=p)
    form.offers.data = split_offers(p.offers)
    form.organisation_id.data = p.organisation_id or 0
    return form


def _edit_page(session, p: CrisisPoint, form: PointForm, activate_form: ActivateForm, refused: bool):
    return render_template("crisis/edit.html", form=form, point=p, municipality=p.municipality, code=_code(p.municipality),
                           activate_form=activate_form, events=service.events_of(session, p.id), actions=ACTIONS,
                           map_config=map_config(center=[p.lat, p.lon], zoom=15), **LABELS), \
        422 if form.errors or activate_form.errors or refused else 200


@bp.post("/points/<int:point_id>/activate")
@login_required
def activate(point_id: int):
    """Open the point now and tell the municipality's members."""
    session = get_session()
    p = service.get_point_for(session, current_user, point_id)
    form = ActivateForm()
    refused = False
    if form.validate_on_submit():
        try:
            _point, counts = service.activate(session, user=current_user, point_id=p.id, opening_hours=form.opening_hours.data or "",
                                              offered_now=form.offered_now.data or [])
        except ServiceError as exc:
            show_refusal(form, exc)
            refused = True
        else:
            flash(_("%(name)s is open. Pushes to %(d)s devices and %(n)s e-mails are on their way.", name=p.name, d=counts["push"],
                    n=counts["email"]), "success")
            return redirect(url_for("crisis.edit", point_id=p.id))
    p = service.get_point(session, point_id)
    edit_form = _filled(p)
    edit_form.organisation_id.choices = [(0, "–")] + [(o.id, o.name) for o in _orgs(session, p.municipality)]
    return _edit_page(session, p, edit_form, form, refused or bool(form.errors))


@bp.post("/points/<int:point_id>/deactivate")
@login_required
def deactivate(point_id: int):
    """Close the point."""
    session = get_session()
    service.get_point_for(session, current_user, point_id)  # 404 and 403 as pages
    try:
        service.deactivate(session, user=current_user, point_id=point_id)
    except ServiceError as exc:
        show_refusal(None, exc)
    else:
        flash(_("The point is closed."), "success")
    return redirect(url_for("crisis.edit", point_id=point_id))
