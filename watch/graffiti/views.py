"""Graffiti pages: report from a phone, the handler's queue and report page, the police package, setup, statistics."""
from __future__ import annotations

import uuid

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlmodel import select

from watch.core.maps import map_config
from watch.core.db import get_session
from watch.core.time import utcnow
from watch.core.errors import ServiceError
from watch.est.models import EstDistrict
from watch.core.forms import show_refusal
from watch.graffiti import delivery, lifecycle, public, rules, service, targets
from watch.graffiti.forms import CaseNumberForm, ReportForm, RuleForm, SettingsForm, StatusForm, ZoneForm
from watch.graffiti.models import CHANNELS, NEXT, OBJECT_TYPES, OWNER_TYPES, STATUSES, GraffitiPhoto, OwnerZone, RoutingRule
from watch.organisations.models import Organisation

bp = Blueprint("graffiti", __name__, url_prefix="/graffiti")
LABELS = dict(object_types=OBJECT_TYPES, owner_types=OWNER_TYPES, statuses=STATUSES)
DELIVERY_LABELS = {"pending": _l("Waiting to be sent"), "sent": _l("Delivered"), "failed": _l("Failed")}


def _municipalities(session) -> list[str]:
    return sorted(set(session.exec(select(RoutingRule.municipality)).all()))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Report graffiti: pin, photos, what and how big; one submission goes to the owner and to the police package."""
    session = get_session()
    munis = _municipalities(session)
    form = ReportForm(data=None if request.method == "POST" else {
        "client_key": uuid.uuid4().hex, "municipality": current_user.municipality if current_user.municipality in munis else None})
    form.municipality.choices = [(m, m) for m in munis]
    candidates, refused = [], False
    if request.method == "POST" and form.lat.data is not None and form.lon.data is not None and form.municipality.data:
        candidates = service.likely_duplicates(session, form.municipality.data, form.lon.data, form.lat.data)
    form.same_as.choices = [(0, "–")] + [(r.id, f"{_('No. %(id)s', id=r.id)}: {OBJECT_TYPES[r.object_type]}, {r.address or ''}")
                                         for r in candidates]
    if form.validate_on_submit():
        photos = [f.read() for f in request.files.getlist(form.photos.name) if f and f.filename]
        try:
            report = service.submit(session, user=current_user, data=service.GraffitiIn(
                municipality=form.municipality.data, lon=form.lon.data, lat=form.lat.data, object_type=form.object_type.data,
                area_m2=form.area_m2.data, photos=photos, address=form.address.data or "", offensive=form.offensive.data,
                observed_at=form.observed_at.data, description=form.description.data or "", in_progress=form.in_progress.data,
                owner_type=form.owner_type.data, client_key=form.client_key.data, same_as=form.same_as.data or None,
                not_duplicate=form.not_duplicate.data))
        except ServiceError as exc:
            show_refusal(form, exc)
            refused = True
        else:
            flash(_("Thank you. The report went to the owner and into the police package."), "success")
            return redirect(url_for("graffiti.detail", report_id=report.id))
    return render_template("graffiti/new.html", form=form, candidates=candidates, has_munis=bool(munis),
                           in_progress=bool(form.in_progress.data), **LABELS), 422 if form.errors or refused else 200


@bp.get("/<int:report_id>")
@login_required
def detail(report_id: int):
    """The report: its reporter sees the status; handlers move it along and record the police case number."""
    session = get_session()
    report = lifecycle.get_report_for(session, current_user, report_id)
    handler = rules.may_handle(session, current_user, report)
    form = StatusForm()
    form.status.choices = [(s, STATUSES[s]) for s in NEXT.get(report.status, ())]
    return render_template("graffiti/report.html", report=report, handler=handler, photos=lifecycle.photos_of(session, report.id),
                           coordinator=rules.is_coordinator(session, current_user, report.municipality),
                           deliveries=delivery.deliveries_of(session, report.id) if handler else [], delivery_states=DELIVERY_LABELS,
                           status_form=form, case_form=CaseNumberForm(data={"police_case_number": report.police_case_number}),
                           organisation=session.get(Organisation, report.organisation_id) if report.organisation_id else None,
                           **LABELS)


@bp.post("/<int:report_id>/status")
@login_required
def status(report_id: int):
    """Move the report one step."""
    session = get_session()
    form = StatusForm()
    form.status.choices = list(STATUSES.items())
    if form.validate_on_submit():
        photo = request.files.get(form.after_photo.name)
        try:
            dup = int(form.duplicate_of.data) if (form.duplicate_of.data or "").strip().isdigit() else None
            lifecycle.set_status(session, user=current_user, report_id=report_id, status=form.status.data, note=form.note.data or "",
                                 duplicate_of=dup, after_photo=photo.read() if photo and photo.filename else None)
        except ServiceError as exc:
            show_refusal(None, exc, raise_not_found=True)
        else:
            flash(_("The status is saved."), "success")
    return redirect(url_for("graffiti.detail", report_id=report_id))


@bp.post("/<int:report_id>/case-number")
@login_required
def case_number(report_id: int):
    """Record the police case number."""
    session = get_session()
    form = CaseNumberForm()
    try:
        lifecycle.set_case_number(session, user=current_user, report_id=report_id, case_number=form.police_case_number.data or "")
    except ServiceError as exc:
        show_refusal(None, exc, raise_not_found=True)
    else:
        flash(_("The case number is saved."), "success")
    return redirect(url_for("graffiti.detail", report_id=report_id))


@bp.get("/<int:report_id>/police")
@login_required
def police(report_id: int):
    """The printable police-report package of one report."""
    session = get_session()
    report = lifecycle.get_report_for(session, current_user, report_id, "handle")
    return render_template("graffiti/police.html", reports=[report], photos={report.id: lifecycle.photos_of(session, report.id)},
                           **LABELS)


@bp.get("/queue/<municipality>/police.csv")
@login_required
def police_csv(municipality: str):
    """The police package of every open report the handler works on, as CSV."""
    session = get_session()
    reports = lifecycle.queue_for(session, current_user, municipality)
    body = lifecycle.police_csv(session, reports, lambda p: url_for("graffiti.photo", photo_id=p.id, _external=True))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="klotter-polisanmalan-{utcnow():%Y%m%d}.csv"'})


@bp.get("/queue/<municipality>")
@login_required
def queue(municipality: str):
    """Open reports for the handler, oldest due first."""
    session = get_session()
    return render_template("graffiti/queue.html", municipality=municipality, now=utcnow(),
                           reports=lifecycle.queue_for(session, current_user, municipality),
                           coordinator=rules.is_coordinator(session, current_user, municipality), **LABELS)


@bp.get("/photos/<int:photo_id>")
@login_required
def photo(photo_id: int):
    """A report photo, for its reporter and its handlers."""
    session = get_session()
    p = session.get(GraffitiPhoto, photo_id)
    if p is None:
        abort(404)
    lifecycle.get_report_for(session, current_user, p.report_id)
    return send_file(service.photo_dir() / p.filename, mimetype="image/jpeg", max_age=0)


@bp.get("/stats/<municipality>")
@login_required
def stats(municipality: str):
    """Count, m² and time to clean by district and month."""
    session = get_session()
    rules.require_coordinator(session, current_user, municipality)
    year = request.args.get("year", type=int) or utcnow().year
    return render_template("graffiti/stats.html", municipality=municipality, year=year,
                           rows=lifecycle.statistics(session, municipality, year))


@bp.route("/setup/<municipality>", methods=["GET", "POST"])
@login_required
def setup(municipality: str):
    """The owner layer and the routing rules (coordinators)."""
    session = get_session()
    rules.require_coordinator(session, current_user, municipality)
    orgs = list(session.exec(select(Organisation).where(Organisation.municipality == municipality).order_by(Organisation.name)))
    districts = list(session.exec(select(EstDistrict).where(EstDistrict.municipality == municipality).order_by(EstDistrict.name)))
    zone_form, rule_form = ZoneForm(prefix="z"), RuleForm(prefix="r")
    current = targets.settings(session, municipality)
    settings_form = SettingsForm(prefix="s", data=None if request.method == "POST" else {
        "public": current.public, "working_days": current.working_days})
    zone_form.organisation_id.choices = [(0, "–")] + [(o.id, o.name) for o in orgs]
    rule_form.organisation_id.choices = [(o.id, o.name) for o in orgs]
    rule_form.district_id.choices = [(0, _("Whole municipality"))] + [(d.id, d.name) for d in districts]
    form = {"zone": zone_form, "settings": settings_form}.get(request.form.get("kind"), rule_form)
    refused = False
    if request.method == "POST" and form.validate_on_submit():
        try:
            if form is settings_form:
                public.save_settings(session, user=current_user, municipality=municipality, public=bool(form.public.data),
                                     working_days=bool(form.working_days.data))
            elif form is zone_form:
                rules.add_zone(session, user=current_user, municipality=municipality, name=form.name.data, owner_type=form.owner_type.data,
                               geometry=form.geometry.data, organisation_id=form.organisation_id.data or None)
            else:
                rules.add_rule(session, user=current_user, municipality=municipality, organisation_id=form.organisation_id.data,
                               channel=form.channel.data, address=form.address.data or "", object_type=form.object_type.data,
                               owner_type=form.owner_type.data, district_id=form.district_id.data or None,
                               endpoint=form.endpoint.data or "", secret=form.secret.data or "",
                               service_code=form.service_code.data or "")
        except ServiceError as exc:
            show_refusal(form, exc)
            refused = True
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("graffiti.setup", municipality=municipality))
    names = {o.id: o.name for o in orgs}
    return render_template("graffiti/setup.html", municipality=municipality, zone_form=zone_form, rule_form=rule_form, orgs=names,
                           settings_form=settings_form, channels=CHANNELS, map_config=map_config(),
                           districts={d.id: d.name for d in districts},
                           zones=session.exec(select(OwnerZone).where(OwnerZone.municipality == municipality)).all(),
                           rules=session.exec(select(RoutingRule).where(RoutingRule.municipality == municipality)).all(),
                           **LABELS), 422 if form.errors or refused else 200


@bp.post("/photos/<int:photo_id>/approval")
@login_required
def approve_photo(photo_id: int):
    """Let a photo be public (a coordinator checked faces and registration plates), or withdraw that."""
    session = get_session()
    photo = public.approve_photo(session, user=current_user, photo_id=photo_id, approved=request.form.get("approved") == "1")
    flash(_("The photo may be published.") if photo.approved else _("The photo is not published."), "success")
    return redirect(url_for("graffiti.detail", report_id=photo.report_id))


@bp.get("/public/<municipality>")
def public_page(municipality: str):
    """The municipality's published graffiti: grid cells, status, m², time to clean; no login, no reporter."""
    session = get_session()
    return render_template("graffiti/public.html", municipality=municipality, rows=public.public_reports(session, municipality),
                           cell_metres=int(public._cell_size()), **LABELS)


@bp.get("/public/<municipality>.geojson")
def public_geojson(municipality: str):
    """The published graffiti as grid cells (GeoJSON)."""
    response = jsonify(public.geojson(get_session(), municipality))
    response.mimetype = "application/geo+json"
    return response


@bp.get("/public/photos/<int:photo_id>")
def public_photo(photo_id: int):
    """An approved photo of a published report."""
    p = public.public_photo(get_session(), photo_id)
    return send_file(service.photo_dir() / p.filename, mimetype="image/jpeg", max_age=3600)
