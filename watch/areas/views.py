"""Area pages: the map, registration, an area's page, the police queue."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlmodel import select

from watch.core.forms import PlainForm
from watch.accounts.models import User
from watch.areas import geometry, members, outline, police, registration
from watch.core import municipalities
from watch.areas.forms import AreaEditForm, AreaForm, JoinForm, PoliceContactForm, RejectForm, TrainedForm
from watch.areas.models import AreaKind, AreaRole, AreaStatus, OutlineChangeStatus
from watch.areas.service import allowed, get_area_for, map_view, membership_of
from watch.core.db import get_session
from watch.core.time import utcnow
from watch.core.errors import ServiceError
from watch.core.forms import show_refusal

bp = Blueprint("areas", __name__, url_prefix="/areas")


def _geometry_input(form):
    """The drawn outline, or the uploaded file (which wins); None when neither was given."""
    upload = form.geojson_file.data
    if upload and getattr(upload, "filename", ""):
        return geometry.parse_text(upload.read(current_app.config["AREA_UPLOAD_MAX_BYTES"] + 1))
    text = (form.geometry.data or "").strip()
    return geometry.parse_text(text) if text else None


def map_config(**extra) -> dict:
    """Settings the map modules read from the page (no user text in JS)."""
    cfg = current_app.config
    return {"tileUrl": cfg["MAP_TILE_URL"], "attribution": cfg["MAP_TILE_ATTRIBUTION"],
            "center": cfg["MAP_DEFAULT_CENTER"], "zoom": cfg["MAP_DEFAULT_ZOOM"], **extra}


@bp.get("/")
@login_required
def map_page():
    """The map: the user's areas, areas nearby to join, and a list for those who cannot use the map."""
    session = get_session()
    mine = [(a, r) for a, r in registration.visible_areas(session, current_user) if r is not None]
    queue = registration.approval_queue(session, current_user) if (current_user.is_police or current_user.is_admin) else []
    changes = outline.change_queue(session, current_user) if (current_user.is_police or current_user.is_admin) else []
    return render_template("areas/map.html", mine=mine, queue_count=len(queue) + len(changes),
                           map_config=map_config(api=url_for("areas_api.list_areas"),
                                                 areaUrl=url_for("areas.detail", area_id=0).replace("/0", "/{id}"),
                                                 nearApi=url_for("areas_api.near"), nearbyM=current_app.config["AREA_NEARBY_M"],
                                                 bounds=map_view(session, current_user, [a.id for a, _r in mine])["bounds"]))


@bp.get("/list")
@login_required
def list_page():
    """Every area the user may see, as a list grouped by municipality."""
    pairs = registration.visible_areas(get_session(), current_user)
    groups: dict[str, list] = {}
    for area, role in pairs:
        groups.setdefault(area.municipality, []).append((area, role))
    return render_template("areas/list.html", groups=sorted(groups.items(), key=lambda kv: kv[0].casefold()))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Register an area: draw it or upload GeoJSON; it waits for the police."""
    form = AreaForm()
    if request.method == "GET" and current_user.municipality:
        form.municipality.data = municipalities.normalise(current_user.municipality)
    if form.validate_on_submit():
        try:
            data = _geometry_input(form)
            area = registration.create_area(get_session(), current_user, kind=form.kind.data, name=form.name.data,
                                            municipality=form.municipality.data, description=form.description.data or "",
                                            geometry_data=data)
        except ServiceError as exc:
            show_refusal(form, exc)
        else:
            flash(_("Thank you! The area is registered and waits for approval by the police."), "success")
            return redirect(url_for("areas.detail", area_id=area.id))
    status = 422 if form.errors else 200
    return render_template("areas/new.html", form=form, map_config=map_config()), status


def _people(session, area_id):
    contacts = registration.contacts(session, area_id)
    names = dict(session.exec(select(User.id, User.display_name).where(User.id.in_([m.user_id for m in contacts]))).all())
    return [(m, names.get(m.user_id, "")) for m in contacts]


@bp.get("/<int:area_id>")
@login_required
def detail(area_id: int):
    """An area: status, contacts, and what the user can do there."""
    session = get_session()
    area = get_area_for(session, current_user, area_id, need="view")
    m = membership_of(session, current_user, area.id)
    can = {need: allowed(session, current_user, area, need, membership=m) for need in ("edit", "approve", "members", "boats")}
    contacts = _people(session, area.id)
    trained_form = None
    if can["approve"] and contacts:
        trained_form = TrainedForm(trained_on=utcnow().date())
        trained_form.user_id.choices = [(c.user_id, name) for c, name in contacts]
    pending_requests = members.pending_requests(session, current_user, area.id) if can["members"] else []
    police_people = police.police_contacts(session, current_user, area.id) if police.can_see(session, current_user, area) else []
    police_form = None
    if police.can_manage(current_user, area) and area.status in (AreaStatus.pending, AreaStatus.active):
        police_form = PoliceContactForm()
        police_form.user_id.choices = [(u.id, u.display_name) for u in police.candidates(session, current_user, area.id)]
    change = outline.latest_change(session, area.id)
    can["decide"] = bool(change and change.status == OutlineChangeStatus.pending and outline.may_decide(session, current_user, area, change))
    if not (can["edit"] or can["approve"] or can["decide"]):
        change = None
    proposed = change and change.status == OutlineChangeStatus.pending and change.outline_changed
    config = map_config(geometry=area.geometry, proposed=change.geometry if proposed else None)
    return render_template(
        "areas/detail.html", area=area, membership=m, role=AreaRole(m.role) if m else None, can=can,
        police_people=police_people, police_form=police_form, can_manage_police=police_form is not None,
        outline_change=change, OutlineChangeStatus=OutlineChangeStatus, outline_reject_form=RejectForm(prefix="outline"),
        contacts=contacts, training_valid=registration.training_valid, has_trained=any(registration.training_valid(c) for c, _ in contacts),
        my_request=members.my_request(session, current_user, area.id) if m is None else None,
        request_count=len(pending_requests), join_form=JoinForm(), reject_form=RejectForm(), trained_form=trained_form,
        plain=PlainForm(), map_config=config, AreaStatus=AreaStatus, AreaKind=AreaKind,
    )


@bp.route("/<int:area_id>/edit", methods=["GET", "POST"])
@login_required
def edit(area_id: int):
    """Change an area's name, description, municipality or outline."""
    session = get_session()
    area = get_area_for(session, current_user, area_id, need="edit")
    form = AreaEditForm(obj=area if request.method == "GET" else None)
    pending = outline.pending_change(session, area.id)
    if request.method == "GET":
        form.geometry.data = ""
        if pending is not None and pending.municipality:
            form.municipality.data = pending.municipality  # what the contact asked for; choosing the old one takes it back
    if form.validate_on_submit():
        try:
            data = _geometry_input(form)
            registration.update_area(session, current_user, area.id, name=form.name.data, municipality=form.municipality.data,
                                     description=form.description.data or "", geometry_data=data)
        except ServiceError as exc:
            show_refusal(form, exc)
        else:
            pending = outline.pending_change(session, area.id)
            if pending is not None and pending.municipality and pending.proposed_by_id == current_user.id:
                flash(_("The area is saved. The move to %(new)s waits for approval by the police of %(new)s; until then the area stays with %(old)s.",
                        new=pending.municipality, old=area.municipality), "success")
            elif data is not None and pending is not None:
                flash(_("The area is saved. The new outline waits for approval by the police; until then the area keeps its current outline."), "success")
            else:
                flash(_("The area is saved."), "success")
            return redirect(url_for("areas.detail", area_id=area.id))
    status = 422 if form.errors else 200
    needs_approval = area.status == AreaStatus.active and not allowed(session, current_user, area, "approve")
    move_needs_approval = area.status == AreaStatus.active and not current_user.is_admin
    return render_template("areas/edit.html", form=form, area=area, needs_approval=needs_approval, move_needs_approval=move_needs_approval,
                           pending_change=pending,
                           map_config=map_config(existing=area.geometry)), status


@bp.get("/queue")
@login_required
def queue():
    """Pending areas for the police of their municipality (and admins)."""
    if not (current_user.is_police or current_user.is_admin):
        abort(404)
    session = get_session()
    return render_template("areas/queue.html", areas=registration.approval_queue(session, current_user),
                           changes=outline.change_queue(session, current_user))


def _act(area_id: int, action, done_message: str, form_cls=PlainForm):
    form = form_cls()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for e in errors:
                flash(str(e), "error")
        return redirect(url_for("areas.detail", area_id=area_id))
    try:
        action(form)
    except ServiceError as exc:
        show_refusal(None, exc, raise_not_found=True)
    else:
        flash(done_message, "success")
    return redirect(request.form.get("next") if (request.form.get("next") or "").startswith("/areas/") else url_for("areas.detail", area_id=area_id))


@bp.post("/<int:area_id>/approve")
@login_required
def approve(area_id: int):
    """Approve a pending area."""
    return _act(area_id, lambda f: registration.approve_area(get_session(), current_user, area_id),
                _("The area is approved and active. The contact representative sees it on the area's page."))


@bp.post("/<int:area_id>/reject")
@login_required
def reject(area_id: int):
    """Reject a pending area with a reason."""
    return _act(area_id, lambda f: registration.reject_area(get_session(), current_user, area_id, reason=f.reason.data),
                _("The area is rejected. The contact representative sees your reason on the area's page."), RejectForm)


@bp.post("/<int:area_id>/archive")
@login_required
def archive(area_id: int):
    """Archive an area."""
    return _act(area_id, lambda f: registration.archive_area(get_session(), current_user, area_id), _("The area is archived."))


@bp.post("/<int:area_id>/trained")
@login_required
def mark_trained(area_id: int):
    """Record a contact representative's training."""
    session = get_session()
    area = get_area_for(session, current_user, area_id, need="approve")

    def form_cls():
        form = TrainedForm()
        form.user_id.choices = [(c.user_id, name) for c, name in _people(session, area.id)]
        return form

    return _act(area_id, lambda f: registration.mark_trained(session, current_user, area_id, user_id=f.user_id.data, trained_on=f.trained_on.data),
                _("The training is recorded."), form_cls)


@bp.post("/<int:area_id>/join")
@login_required
def join(area_id: int):
    """Ask to join the area."""
    return _act(area_id, lambda f: members.request_join(get_session(), current_user, area_id, message=f.message.data or ""),
                _("Your request is sent. A contact representative of the area will answer."), JoinForm)


@bp.post("/<int:area_id>/leave")
@login_required
def leave(area_id: int):
    """Leave the area."""
    result = _act(area_id, lambda f: members.leave_area(get_session(), current_user, area_id), _("You have left the area."))
    if membership_of(get_session(), current_user, area_id) is None:
        return redirect(url_for("areas.map_page"))
    return result
