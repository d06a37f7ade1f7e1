"""Promise pages: the public page per municipality (no login), its Atom feed and half-year report;
the editor for coordinators and admins; progress entries for the responsible organisations."""
from __future__ import annotations

import json
from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlmodel import select

from watch.core.db import get_session
from watch.core.errors import ServiceError
from watch.est.models import EstSnapshot
from watch.core.forms import show_refusal
from watch.organisations import access as orgs
from watch.organisations.models import COORDINATOR, RANK, REPORTER, Organisation
from watch.promises import access, common, photos, progress, publish, revisions, service
from watch.promises.forms import ActivityForm, ProgressForm, PromiseForm, SignatoryForm, StatusForm
from watch.core.forms import PlainForm
from watch.promises.models import ACTIVITY_STATUSES, MANUAL, NEXT, STATUS_LABELS, ProgressEntry, Promise, PromiseActivity

public_bp = Blueprint("promises_public", __name__, url_prefix="/promises")
bp = Blueprint("promises", __name__, url_prefix="/promises/manage")


@bp.before_request
@login_required
def _login():
    """Every editor page needs a logged-in user."""


def _file(field) -> bytes | None:
    data = field.data
    return data.read() if data and getattr(data, "filename", "") else None


def _context(session, promise: Promise) -> dict:
    """What the public page, the report and the editor all show."""
    return {"promise": promise, "signatories": service.signatories(session, promise.id),
            "progress": progress.progress(session, promise), "revisions": revisions.revisions(session, promise.id),
            "focus": json.loads(promise.focus_areas), "scope_svg": publish.scope_svg(promise.scope),
            "est_link": publish.est_link(session, promise), "status_labels": STATUS_LABELS, "activity_labels": ACTIVITY_STATUSES}


def halves(promise: Promise) -> list[tuple[int, int]]:
    """The half-years (year, 1 or 2) the period touches, up to today's."""
    now = common.today()
    out = []
    for year in range(promise.period_start.year, promise.period_end.year + 1):
        for half, (a, b) in ((1, (date(year, 1, 1), date(year, 6, 30))), (2, (date(year, 7, 1), date(year, 12, 31)))):
            if b >= promise.period_start and a <= min(promise.period_end, now):
                out.append((year, half))
    return out


def _public(session, promise: Promise) -> dict:
    recent = publish.entries_between(session, promise, promise.period_start, promise.period_end)[-5:][::-1]
    return {"last_updated": publish.last_updated(session, promise), "halves": halves(promise), "recent": recent,
            "map_config": {k: v for k, v in _map_config().items() if k != "existing"}, **_context(session, promise)}


# --- public ---------------------------------------------------------------------------------------------------------

@public_bp.get("/<municipality>/")
def municipality_page(municipality: str):
    """The municipality's citizens' promises: the newest in full, earlier ones listed."""
    session = get_session()
    promises = service.list_promises(session, municipality, public=True)
    if not promises:
        abort(404)
    return render_template("promises/public.html", municipality=municipality, earlier=promises[1:],
                           **_public(session, promises[0]))


@public_bp.get("/<municipality>/<int:promise_id>")
def promise_page(municipality: str, promise_id: int):
    """One promise in full."""
    session = get_session()
    promise = access.public_promise(session, promise_id, municipality)
    return render_template("promises/public.html", municipality=municipality, earlier=[], **_public(session, promise))


@public_bp.get("/<municipality>/feed.atom")
def atom(municipality: str):
    """Atom 1.0: signings, revisions and progress of the municipality's promises."""
    session = get_session()
    promises = service.list_promises(session, municipality, public=True)
    if not promises:
        abort(404)
    body = render_template("promises/feed.xml", municipality=municipality, **publish.atom_data(session, municipality, promises))
    return current_app.response_class(body, mimetype="application/atom+xml")


@public_bp.get("/<municipality>/<int:promise_id>/report/<int:year>/<int:half>")
def report(municipality: str, promise_id: int, year: int, half: int):
    """The half-year report to print: where each indicator stood at the half's end, what happened in it."""
    session = get_session()
    promise = access.public_promise(session, promise_id, municipality)
    if half not in (1, 2) or not 2000 <= year <= 2100:
        abort(404)
    start, end = date(year, 1, 1) if half == 1 else date(year, 7, 1), date(year, 6, 30) if half == 1 else date(year, 12, 31)
    if end < promise.period_start or start > promise.period_end:
        abort(404)
    ctx = _context(session, promise)
    as_of = min(end, common.today())
    ctx["progress"] = progress.progress(session, promise, until=as_of)
    ctx["revisions"] = [r for r in ctx["revisions"] if start <= r.revised_on <= end]
    happened = publish.entries_between(session, promise, start, end)
    return render_template("promises/report.html", municipality=municipality, year=year, half=half, start=start, end=end,
                           as_of=as_of, happened=happened, **ctx)


@public_bp.get("/photos/<int:entry_id>")
def photo(entry_id: int):
    """An evidence photo of a public promise."""
    session = get_session()
    entry = session.get(ProgressEntry, entry_id)
    if entry is None or not entry.photo:
        abort(404)
    activity = session.get(PromiseActivity, entry.activity_id)
    access.public_promise(session, activity.promise_id)
    return send_file(photos.photo_dir() / entry.photo, mimetype="image/jpeg", max_age=3600)


# --- editor ---------------------------------------------------------------------------------------------------------

def _org_choices(session, municipality: str) -> list[tuple[int, str]]:
    return [(o.id, o.name) for o in session.exec(select(Organisation).where(Organisation.municipality == municipality,
                                                                             Organisation.active).order_by(Organisation.name))]


def _week_choices(session, municipality: str) -> list[tuple[str, str]]:
    weeks = session.exec(select(EstSnapshot.week_key).where(EstSnapshot.municipality == municipality)
                         .order_by(EstSnapshot.week_key.desc()).limit(104)).all()
    return [("", _("None"))] + [(str(k), _("Lägesbild v.%(w)s", w=f"{k % 100:02d}") + f" {k // 100}") for k in weeks]


def _promise_in(form: PromiseForm) -> service.PromiseIn:
    week = form.est_week_key.data
    return service.PromiseIn(title=form.title.data or "", period_start=form.period_start.data, period_end=form.period_end.data,
                             problem=form.problem.data or "", est_week_key=int(week) if week and week.isdigit() else None,
                             focus_areas=(form.focus_areas.data or "").splitlines(), scope=form.scope.data or None)


def _map_config(promise: Promise | None = None) -> dict:
    cfg = current_app.config
    return {"tileUrl": cfg["MAP_TILE_URL"], "attribution": cfg["MAP_TILE_ATTRIBUTION"], "center": cfg["MAP_DEFAULT_CENTER"],
            "zoom": cfg["MAP_DEFAULT_ZOOM"], "existing": promise.scope if promise else None}


@bp.get("/")
def index():
    """The promises of the municipalities where the user is in the EST group; what they may report progress on."""
    session = get_session()
    roles = orgs.est_roles(session, current_user)
    chosen = (request.args.get("municipality") or "").strip()
    if current_user.is_admin and chosen:
        roles.setdefault(chosen, COORDINATOR)
    munis = {m: (role == COORDINATOR or current_user.is_admin, service.list_promises(
        session, m, public=not access.may_edit(session, current_user, m))) for m, role in sorted(roles.items())}
    mine = [o.id for m, o in orgs.memberships_of(session, current_user) if o.active and RANK[m.role] >= RANK[REPORTER]]
    reportable = list(session.exec(select(PromiseActivity, Promise).join(Promise, Promise.id == PromiseActivity.promise_id)
                                   .where(PromiseActivity.organisation_id.in_(mine or [-1]),
                                          Promise.status.in_(("signed", "active", "revised")))
                                   .order_by(PromiseActivity.due_on)))
    return render_template("promises/index.html", munis=munis, reportable=reportable, chosen=chosen, status_labels=STATUS_LABELS)


@bp.route("/new/<municipality>", methods=["GET", "POST"])
def new(municipality: str):
    """A new draft promise for the municipality."""
    session = get_session()
    access.require_editor(session, current_user, municipality)
    form = PromiseForm()
    form.est_week_key.choices = _week_choices(session, municipality)
    if form.validate_on_submit():
        try:
            promise = service.create_promise(session, user=current_user, municipality=municipality, data=_promise_in(form))
        except ServiceError as exc:
            show_refusal(form, exc)
        else:
            flash(_("The draft is saved. Add the parties and the activities."), "success")
            return redirect(url_for(".edit", promise_id=promise.id))
    status = 422 if form.errors else 200
    return render_template("promises/edit.html", form=form, municipality=municipality, promise=None,
                           map_config=_map_config()), status


@bp.route("/<int:promise_id>", methods=["GET", "POST"])
def edit(promise_id: int):
    """The editor: the promise, its parties, its activities and its status."""
    session = get_session()
    promise = access.get_promise_for(session, current_user, promise_id)
    form = PromiseForm() if request.method == "POST" else _promise_form(promise)
    form.est_week_key.choices = _week_choices(session, promise.municipality)
    if form.validate_on_submit():
        try:
            service.update_promise(session, user=current_user, promise_id=promise.id, data=_promise_in(form), note=form.note.data or "")
        except ServiceError as exc:
            show_refusal(form, exc)
        else:
            flash(_("The promise is saved."), "success")
            return redirect(url_for(".edit", promise_id=promise.id))
    return _editor(session, promise, form=form, status=422 if form.errors else 200)


def _promise_form(promise: Promise) -> PromiseForm:
    """The form filled from the stored promise (focus areas one per line)."""
    return PromiseForm(data={"title": promise.title, "period_start": promise.period_start, "period_end": promise.period_end,
                             "problem": promise.problem, "est_week_key": str(promise.est_week_key or ""),
                             "focus_areas": "\n".join(json.loads(promise.focus_areas)), "scope": promise.scope or ""})


def _editor(session, promise: Promise, *, form=None, sig_form=None, act_form=None, status: int = 200):
    choices = _org_choices(session, promise.municipality)
    if form is None:
        form = _promise_form(promise)
        form.est_week_key.choices = _week_choices(session, promise.municipality)
    sig_form = sig_form or SignatoryForm(prefix="s")
    act_form = act_form or ActivityForm(prefix="a")
    sig_form.organisation_id.choices = choices
    act_form.organisation_id.choices = choices
    return render_template("promises/edit.html", form=form, sig_form=sig_form, act_form=act_form, municipality=promise.municipality,
                           next_statuses=NEXT[promise.status], status_form=StatusForm(), map_config=_map_config(promise),
                           **_context(session, promise)), status


@bp.post("/<int:promise_id>/signatories")
def add_signatory(promise_id: int):
    """Add a party (or change its role and date)."""
    session = get_session()
    promise = access.get_promise_for(session, current_user, promise_id)
    form = SignatoryForm(prefix="s")
    form.organisation_id.choices = _org_choices(session, promise.municipality)
    if form.validate_on_submit():
        try:
            service.add_signatory(session, user=current_user, promise_id=promise.id, organisation_id=form.organisation_id.data,
                                  role_title=form.role_title.data, signed_on=form.signed_on.data)
        except ServiceError as exc:
            show_refusal(form, exc)
        else:
            flash(_("The party is saved."), "success")
            return redirect(url_for(".edit", promise_id=promise.id) + "#parties")
    return _editor(session, promise, sig_form=form, status=422)


@bp.post("/<int:promise_id>/signatories/<int:signatory_id>/remove")
def remove_signatory(promise_id: int, signatory_id: int):
    """Take a party off a draft."""
    if PlainForm().validate_on_submit():
        try:
            service.remove_signatory(get_session(), user=current_user, promise_id=promise_id, signatory_id=signatory_id)
        except ServiceError as exc:
            show_refusal(None, exc, raise_not_found=True)
        else:
            flash(_("The party is removed."), "success")
    return redirect(url_for(".edit", promise_id=promise_id) + "#parties")


@bp.post("/<int:promise_id>/status")
def set_status(promise_id: int):
    """Move the promise one step."""
    form = StatusForm()
    if form.validate_on_submit():
        try:
            promise = service.set_status(get_session(), user=current_user, promise_id=promise_id, status=form.status.data)
        except ServiceError as exc:
            show_refusal(None, exc, raise_not_found=True)
        else:
            flash(_("The promise is now: %(s)s.", s=STATUS_LABELS[promise.status]), "success")
    return redirect(url_for(".edit", promise_id=promise_id))


def _activity_in(form: ActivityForm) -> service.ActivityIn:
    return service.ActivityIn(organisation_id=form.organisation_id.data, description=form.description.data or "",
                              indicator=form.indicator.data, target=form.target.data, due_on=form.due_on.data,
                              indicator_label=form.indicator_label.data or "", status=form.status.data)


@bp.post("/<int:promise_id>/activities")
def add_activity(promise_id: int):
    """Add an activity."""
    session = get_session()
    promise = access.get_promise_for(session, current_user, promise_id)
    form = ActivityForm(prefix="a")
    form.organisation_id.choices = _org_choices(session, promise.municipality)
    if form.validate_on_submit():
        try:
            service.add_activity(session, user=current_user, promise_id=promise.id, data=_activity_in(form), note=form.note.data or "")
        except ServiceError as exc:
            show_refusal(form, exc)
        else:
            flash(_("The activity is saved."), "success")
            return redirect(url_for(".edit", promise_id=promise.id) + "#activities")
    return _editor(session, promise, act_form=form, status=422)


@bp.route("/activities/<int:activity_id>", methods=["GET", "POST"])
def activity(activity_id: int):
    """One activity: change it (editors), its progress entries, a new entry (editors and the responsible organisation)."""
    session = get_session()
    act, promise, editor, poster = access.get_activity_for(session, current_user, activity_id)
    form = ActivityForm(prefix="a", obj=None if request.method == "POST" else act)
    form.organisation_id.choices = _org_choices(session, promise.municipality)
    progress_form = ProgressForm(prefix="p", data={"entry_on": common.today()})
    status = 200
    if request.method == "POST":
        if not editor:
            abort(403)
        if form.validate_on_submit():
            try:
                service.update_activity(session, user=current_user, activity_id=act.id, data=_activity_in(form), note=form.note.data or "")
            except ServiceError as exc:
                show_refusal(form, exc)
            else:
                flash(_("The activity is saved."), "success")
                return redirect(url_for(".activity", activity_id=act.id))
        status = 422
    return _activity_page(session, promise, act, form, progress_form, editor, poster, status)


def _activity_page(session, promise, act, form, progress_form, editor, poster, status):
    now = next((p for p in progress.progress(session, promise) if p.activity.id == act.id), None)
    return render_template("promises/activity.html", promise=promise, activity=act, form=form, progress_form=progress_form,
                           editor=editor, poster=poster, now=now, entries=common.entries(session, act.id), manual=act.indicator == MANUAL,
                           running=promise.status in ("signed", "active", "revised"), activity_labels=ACTIVITY_STATUSES), status


@bp.post("/activities/<int:activity_id>/progress")
def add_progress(activity_id: int):
    """A dated progress entry with its evidence."""
    session = get_session()
    act, promise, editor, poster = access.get_activity_for(session, current_user, activity_id)
    form = ProgressForm(prefix="p")
    if form.validate_on_submit():
        try:
            progress.add_progress(session, user=current_user, activity_id=act.id, data=progress.ProgressIn(
                entry_on=form.entry_on.data, text=form.text.data or "", link=form.link.data or "", amount=form.amount.data,
                photo=_file(form.photos)))
        except ServiceError as exc:
            show_refusal(form, exc)
        else:
            flash(_("The progress is saved."), "success")
            return redirect(url_for(".activity", activity_id=act.id) + "#entries")
    activity_form = ActivityForm(prefix="a", obj=act)
    activity_form.organisation_id.choices = _org_choices(session, promise.municipality)
    return _activity_page(session, promise, act, activity_form, form, editor, poster, 422)
