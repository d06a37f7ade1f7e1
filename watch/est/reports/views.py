"""Report pages: write a report (works without JavaScript, on a phone), the coordinator's review queue."""
from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for, send_from_directory
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlmodel import select

from watch.core.db import get_session

from watch.core.time import local, utcnow
from watch.core.errors import ServiceError, NotFound
from watch.est import access
from watch.est.forms import ReportForm, ReviewForm
from watch.est.models import SUBMITTED, EstPhoto, EstPlace
from watch.est.reports import service
from watch.est.reports.photos import add_photo, photo_dir
from watch.est.rules import categories, weeks
from watch.core.forms import show_refusal
from watch.organisations.access import reporting_organisations
from watch.organisations.models import Organisation

bp = Blueprint("est_reports", __name__, url_prefix="/est/<municipality>")


@bp.before_request
@login_required
def _login():
    """Every EST page needs a logged-in user."""


def places_of(session, municipality: str) -> list[EstPlace]:
    """The municipality's active named places, by name."""
    return list(session.exec(select(EstPlace).where(EstPlace.municipality == municipality, EstPlace.active)
                             .order_by(EstPlace.name)))


def what_choices(tax) -> list[tuple[str, str]]:
    """One list of category and category: subcategory."""
    out = []
    for code, (name, subs) in tax.items():
        out.append((code, str(name)))
        out += [(f"{code}:{s}", f"{name}: {label}") for s, label in subs.items()]
    return out


@bp.route("/report", methods=["GET", "POST"])
def new(municipality: str):
    """Write a report."""
    session = get_session()
    access.require(session, current_user, municipality, access.REPORTER)
    orgs = reporting_organisations(session, current_user, municipality)
    form = ReportForm()
    form.organisation_id.choices = [(o.id, o.name) for o in orgs]
    tax = categories.taxonomy(access.config_of(session, municipality).categories)
    form.what.choices = [("", _("Choose…"))] + what_choices(tax)
    form.place_id.choices = [(0, _("None: I set the position"))] + [(p.id, p.name) for p in places_of(session, municipality)]
    if request.method == "GET":
        form.occurred_at.data = local(utcnow()).replace(second=0, microsecond=0, tzinfo=None)
        form.client_key.data = uuid.uuid4().hex
    warn = False
    if form.validate_on_submit():
        category, _sep, sub = form.what.data.partition(":")
        data = service.ReportIn(
            municipality=municipality, organisation_id=form.organisation_id.data, occurred_at=form.occurred_at.data,
            category=category, subcategory=sub or None, lon=form.lon.data, lat=form.lat.data,
            place_id=form.place_id.data or None, setting=form.setting.data, people_band=form.people_band.data or None,
            description=form.description.data or "", police_reported=form.police_reported.data,
            police_ref=form.police_ref.data, source=form.source.data, client_key=form.client_key.data or None,
            confirm_personal_data=form.confirm_personal_data.data)
        try:
            report = service.submit(session, user=current_user, data=data)
            for upload in request.files.getlist("photos"):
                if upload and upload.filename:
                    add_photo(session, report, upload.read())
        except ServiceError as exc:
            warn = exc.code == "personal_data_warning"
            show_refusal(form, exc)
        else:
            flash(_("Thank you: the report is saved for week %(w)s.", w=weeks.split(report.week_key)[1]), "success")
            return redirect(url_for("est_picture.home", municipality=municipality))
    return render_template("est/report.html", form=form, municipality=municipality, warn=warn, has_orgs=bool(orgs))


@bp.get("/review")
def review_queue(municipality: str):
    """The week's reports for review (coordinator)."""
    session = get_session()
    access.require(session, current_user, municipality, access.COORDINATOR)
    year, week = _week_arg()
    reports = service.list_week(session, current_user, municipality, weeks.key(year, week))
    tax = categories.taxonomy(access.config_of(session, municipality).categories)
    places = {p.id: p.name for p in places_of(session, municipality)}
    photos = {}
    for p in session.exec(select(EstPhoto).where(EstPhoto.report_id.in_([r.id for r in reports] or [-1]))):
        photos.setdefault(p.report_id, []).append(p)
    counted = [r for r in reports if r.status in ("submitted", "accepted")]
    forms = {}
    for r in reports:
        f = ReviewForm(prefix=f"r{r.id}")
        f.into_id.choices = [(0, "—")] + [(o.id, f"#{o.id}") for o in counted if o.id != r.id]
        forms[r.id] = f
    return render_template("est/review.html", municipality=municipality, reports=reports, forms=forms, tax=tax,
                           places=places, photos=photos, year=year, week=week, label=categories.label,
                           frozen=service.week_is_frozen(session, municipality, weeks.key(year, week)),
                           pending=sum(1 for r in reports if r.status == SUBMITTED), prev=weeks.shift(year, week, -1),
                           next=weeks.shift(year, week, 1), setting_labels=categories.SETTINGS,
                           band_labels=categories.PEOPLE_BANDS, org_names=_org_names(session, municipality))


def _org_names(session, municipality: str) -> dict[int, str]:
    return dict(session.exec(select(Organisation.id, Organisation.name).where(Organisation.municipality == municipality)).all())


@bp.post("/review/<int:report_id>")
def review(municipality: str, report_id: int):
    """Record one review decision."""
    session = get_session()
    form = ReviewForm(prefix=f"r{report_id}")
    form.into_id.choices = None
    form.into_id.validate_choice = False
    report = access.get_report_for(session, current_user, report_id, "review")
    y, w = weeks.split(report.week_key)
    if form.validate_on_submit():
        try:
            service.review(session, user=current_user, report_id=report_id, decision=form.decision.data,
                           reason=form.reason.data, into_id=form.into_id.data or None)
        except ServiceError as exc:
            show_refusal(None, exc, raise_not_found=True)
        else:
            flash(_("Report #%(id)s: decision saved.", id=report_id), "success")
    return redirect(url_for(".review_queue", municipality=municipality, week=f"{y}-W{w:02d}") + f"#report-{report_id}")


def _week_arg() -> tuple[int, int]:
    """?week=2026-W48, else last week (the one under review)."""
    raw = request.args.get("week") or ""
    try:
        y, w = raw.split("-W")
        y, w = int(y), int(w)
        if weeks.valid(y, w):
            return y, w
    except ValueError:
        pass
    return weeks.shift(*weeks.week_of(utcnow()), -1)


@bp.get("/photos/<int:photo_id>")
def photo(municipality: str, photo_id: int):
    """A report's photo (who may see the report)."""
    session = get_session()
    p = session.get(EstPhoto, photo_id)
    if p is None:
        raise NotFound("photo_not_found", _("That page does not exist, or you cannot see it."))
    access.get_report_for(session, current_user, p.report_id)
    return send_from_directory(photo_dir(), p.filename, mimetype="image/jpeg", max_age=0)
