"""Walk pages: plan, invite (iCalendar), log observations on the phone, measures, and the public protocol."""
from __future__ import annotations

import json
import uuid

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlmodel import select

from watch.core.db import get_session
from watch.core.errors import ServiceError
from watch.core.forms import show_refusal
from watch.organisations.models import Organisation
from watch.walks import access, measures, observations, protocol, service
from watch.walks.forms import CountsForm, DecisionForm, MeasureForm, MeasureStatusForm, ObservationForm, WalkForm
from watch.walks.models import CATEGORIES, DECISIONS, GROUPS, LIGHT, MEASURE_STATUSES, PRIORITIES, RESPONSIBLE, \
    STATUS_LABELS, STATUSES, Measure, WalkObservation

bp = Blueprint("walks", __name__, url_prefix="/walks")
LABELS = dict(categories=CATEGORIES, decisions=DECISIONS, groups=GROUPS, light=LIGHT, measure_statuses=MEASURE_STATUSES,
              priorities=PRIORITIES, responsible=RESPONSIBLE, statuses=STATUS_LABELS)


def _upload(field) -> bytes | None:
    data = field.data
    return data.read() if data and getattr(data, "filename", "") else None


@bp.get("/")
@login_required
def index():
    """Walks the user organises or takes part in."""
    session = get_session()
    return render_template("walks/index.html", walks=service.walks_for(session, current_user),
                           may_plan=bool(access.organisations_for(session, current_user)), **LABELS)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Plan a walk: the route drawn as a line, the time, daylight or dark, who is invited."""
    session = get_session()
    orgs = access.organisations_for(session, current_user)
    if not orgs:
        abort(403)
    form = WalkForm()
    form.organiser_id.choices = [(o.id, f"{o.name} ({o.municipality})") for o in orgs]
    municipalities = sorted({o.municipality for o in orgs})
    form.invited.choices = [(o.id, f"{o.name} ({o.municipality})") for o in session.exec(select(Organisation).where(
        Organisation.municipality.in_(municipalities), Organisation.active).order_by(Organisation.name))]
    if form.validate_on_submit():
        try:
            walk = service.plan(session, user=current_user, data=service.WalkIn(
                organiser_id=form.organiser_id.data, name=form.name.data, route=form.route.data, starts_at=form.starts_at.data,
                light=form.light.data, duration_minutes=form.duration_minutes.data, meeting_point=form.meeting_point.data or "",
                invited=form.invited.data or []))
        except ServiceError as exc:
            show_refusal(form, exc)
        else:
            flash(_("The walk is planned."), "success")
            return redirect(url_for("walks.detail", walk_id=walk.id))
    return render_template("walks/new.html", form=form, map_config=_map_config()), 422 if form.errors else 200


def _map_config() -> dict:
    cfg = current_app.config
    return {"tileUrl": cfg["MAP_TILE_URL"], "attribution": cfg["MAP_TILE_ATTRIBUTION"], "center": cfg["MAP_DEFAULT_CENTER"], "zoom": cfg["MAP_DEFAULT_ZOOM"]}


def _detail(walk, **forms):
    session = get_session()
    manage = access.may_manage(session, current_user, walk)
    obs = observations.observations_of(session, walk.id)
    rows = measures.measures_of(session, walk.id)
    orgs = _municipal_orgs(session, walk)
    measure_form = forms.get("measure_form") or MeasureForm(prefix="m")
    _detail_choices(session, walk, measure_form)
    counts = forms.get("counts_form") or CountsForm(prefix="c", data={g: getattr(walk, f"count_{g}") for g in GROUPS})
    obs_form = forms.get("obs_form") or ObservationForm(prefix="o", data={"client_key": uuid.uuid4().hex})
    step = STATUSES.index(walk.status)
    links = measures.observation_ids(session, [m.id for m in rows])
    numbers = {o.id: i for i, o in enumerate(obs, 1)}
    return render_template(
        "walks/walk.html", obs_numbers=lambda mid: sorted(numbers[i] for i in links.get(mid, []) if i in numbers), walk=walk, manage=manage, observations=obs, measures=rows,
        organiser=session.get(Organisation, walk.organiser_id), invited=service.invited_organisations(session, walk),
        orgs={o.id: o.name for o in orgs}, obs_form=obs_form, measure_form=measure_form, counts_form=counts,
        decision_forms={m.id: DecisionForm(prefix=f"d{m.id}") for m in rows},
        status_forms={m.id: MeasureStatusForm(prefix=f"s{m.id}") for m in rows},
        next_status=STATUSES[step + 1] if step + 1 < len(STATUSES) else None,
        open_for_observations=walk.status in observations.OPEN_FOR_OBSERVATIONS, route=json.loads(walk.route),
        map_config=_map_config(), **LABELS)


@bp.get("/<int:walk_id>")
@login_required
def detail(walk_id: int):
    """The walk: status, invitations, observations (the phone form), measures."""
    return _detail(access.get_walk_for(get_session(), current_user, walk_id))


@bp.post("/<int:walk_id>/observations")
@login_required
def observe(walk_id: int):
    """Log one observation (a replay of the same client key stores nothing new)."""
    session = get_session()
    walk = access.get_walk_for(session, current_user, walk_id)
    form = ObservationForm(prefix="o")
    if form.validate_on_submit():
        try:
            observations.observe(session, user=current_user, walk_id=walk.id, data=observations.ObservationIn(
                lon=form.lon.data, lat=form.lat.data, category=form.category.data, note=form.note.data or "",
                suggestion=form.suggestion.data or "", photo=_upload(form.photo), client_key=form.client_key.data,
                confirm_personal_data=form.confirm_personal_data.data))
        except ServiceError as exc:
            show_refusal(form, exc, raise_not_found=True)
        else:
            flash(_("The observation is saved."), "success")
            return redirect(url_for("walks.detail", walk_id=walk.id) + "#observations")
    return _detail(walk, obs_form=form), 422


@bp.post("/<int:walk_id>/status")
@login_required
def advance(walk_id: int):
    """Move the walk one step forward (moving to 'invited' sends the invitations)."""
    session = get_session()
    try:
        service.advance(session, user=current_user, walk_id=walk_id, to=request.form.get("to", ""))
    except ServiceError as exc:
        show_refusal(None, exc, raise_not_found=True)
    return redirect(url_for("walks.detail", walk_id=walk_id))


@bp.post("/<int:walk_id>/counts")
@login_required
def counts(walk_id: int):
    """Participants by group (counts only)."""
    session = get_session()
    walk = access.get_walk_for(session, current_user, walk_id, "manage")
    form = CountsForm(prefix="c")
    if form.validate_on_submit():
        try:
            service.set_counts(session, user=current_user, walk_id=walk.id, counts={g: getattr(form, g).data for g in GROUPS})
        except ServiceError as exc:
            show_refusal(form, exc)
        else:
            flash(_("The counts are saved."), "success")
            return redirect(url_for("walks.detail", walk_id=walk.id))
    return _detail(walk, counts_form=form), 422


@bp.post("/<int:walk_id>/measures")
@login_required
def add_measure(walk_id: int):
    """A measure for one or more observations (due in six months unless a date is given)."""
    session = get_session()
    walk = access.get_walk_for(session, current_user, walk_id, "manage")
    form = MeasureForm(prefix="m")
    _detail_choices(session, walk, form)
    if form.validate_on_submit():
        try:
            measures.add(session, user=current_user, walk_id=walk.id, data=measures.MeasureIn(
                title=form.title.data, responsible_kind=form.responsible_kind.data, observation_ids=form.observation_ids.data or [],
                responsible_org_id=form.responsible_org_id.data or None, priority=form.priority.data, due_date=form.due_date.data))
        except ServiceError as exc:
            show_refusal(form, exc)
        else:
            flash(_("The measure is saved."), "success")
            return redirect(url_for("walks.detail", walk_id=walk.id) + "#measures")
    return _detail(walk, measure_form=form), 422


def _municipal_orgs(session, walk) -> list[Organisation]:
    return list(session.exec(select(Organisation).where(Organisation.municipality == walk.municipality).order_by(Organisation.name)))


def _detail_choices(session, walk, form: MeasureForm) -> None:
    obs = observations.observations_of(session, walk.id)
    form.observation_ids.choices = [(o.id, f"{i}. {CATEGORIES[o.category]}") for i, o in enumerate(obs, 1)]
    form.responsible_org_id.choices = [(0, "–")] + [(o.id, o.name) for o in _municipal_orgs(session, walk)]


@bp.post("/measures/<int:measure_id>/decision")
@login_required
def decide(measure_id: int):
    """Accept a measure, or decline it with a public reason."""
    session = get_session()
    measure, walk = measures.get_measure_for(session, current_user, measure_id)
    form = DecisionForm(prefix=f"d{measure.id}")
    if form.validate_on_submit():
        try:
            measures.decide(session, user=current_user, measure_id=measure.id, decision=form.decision.data, reason=form.reason.data)
        except ServiceError as exc:
            show_refusal(None, exc)
            return _detail(walk), 422
        flash(_("The decision is saved."), "success")
    return redirect(url_for("walks.detail", walk_id=walk.id) + "#measures")


@bp.post("/measures/<int:measure_id>/status")
@login_required
def measure_status(measure_id: int):
    """Scheduled, done (with an after-photo) or not feasible."""
    session = get_session()
    measure, walk = measures.get_measure_for(session, current_user, measure_id)
    form = MeasureStatusForm(prefix=f"s{measure.id}")
    if form.validate_on_submit():
        try:
            measures.set_status(session, user=current_user, measure_id=measure.id, status=form.status.data,
                                after_photo=_upload(form.after_photo))
        except ServiceError as exc:
            show_refusal(None, exc)
            return _detail(walk), 422
        flash(_("The status is saved."), "success")
    return redirect(url_for("walks.detail", walk_id=walk.id) + "#measures")


@bp.post("/observations/<int:observation_id>/photo-approval")
@login_required
def approve_photo(observation_id: int):
    """Let the photo be public (a coordinator checked faces and registration plates), or withdraw that."""
    session = get_session()
    obs = observations.approve_photo(session, user=current_user, observation_id=observation_id,
                                     approved=request.form.get("approved") == "1")
    return redirect(url_for("walks.detail", walk_id=obs.walk_id) + "#observations")


@bp.get("/<int:walk_id>/calendar.ics")
@login_required
def calendar(walk_id: int):
    """The invitation as an iCalendar file."""
    session = get_session()
    walk = access.get_walk_for(session, current_user, walk_id)
    body = service.ics(walk, session.get(Organisation, walk.organiser_id))
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="trygghetsvandring-{walk.id}.ics"'})


def _participant_photo(model, row_id: int, field: str):
    """The photo in `field` of an observation or measure, for those taking part in its walk; 404 if it has none."""
    session = get_session()
    row = session.get(model, row_id)
    if row is None or not getattr(row, field):
        abort(404)
    access.get_walk_for(session, current_user, row.walk_id)
    return send_file(observations.photo_dir() / getattr(row, field), mimetype="image/jpeg", max_age=0)


@bp.get("/observations/<int:observation_id>/photo")
@login_required
def photo(observation_id: int):
    """An observation's photo, for those taking part in the walk."""
    return _participant_photo(WalkObservation, observation_id, "photo")


@bp.get("/measures/<int:measure_id>/after-photo")
@login_required
def after_photo(measure_id: int):
    """A measure's after-photo, for those taking part in the walk."""
    return _participant_photo(Measure, measure_id, "after_photo")


@bp.get("/<int:walk_id>/protocol")
def public_protocol(walk_id: int):
    """The published protocol: public, no login, no personal data."""
    session = get_session()
    return render_template("walks/protocol.html", **protocol.protocol(session, protocol.published_walk(session, walk_id)), **LABELS)


@bp.get("/<int:walk_id>/protocol/photos/<int:observation_id>")
def public_photo(walk_id: int, observation_id: int):
    """An approved photo of a published protocol."""
    obs = observations.public_photo(get_session(), observation_id)
    if obs is None or obs.walk_id != walk_id:
        abort(404)
    return send_file(observations.photo_dir() / obs.photo, mimetype="image/jpeg", max_age=3600)
