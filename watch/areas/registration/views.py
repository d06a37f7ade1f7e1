"""An area's life on its pages: register, edit, the police queue, approve, reject, archive, record training."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from watch.areas.forms import AreaEditForm, AreaForm, RejectForm, TrainedForm
from watch.areas.geometry import outline, polygons
from watch.areas.models import AreaStatus
from watch.areas.registration import service as registration
from watch.areas.service import allowed, get_area_for
from watch.areas.views import act, bp, people
from watch.core import municipalities
from watch.core.db import get_session
from watch.core.errors import ServiceError
from watch.core.forms import show_refusal
from watch.core.maps import map_config


def _geometry_input(form):
    """The drawn outline, or the uploaded file (which wins); None when neither was given."""
    upload = form.geojson_file.data
    if upload and getattr(upload, "filename", ""):
        return polygons.parse_text(upload.read(current_app.config["AREA_UPLOAD_MAX_BYTES"] + 1))
    text = (form.geometry.data or "").strip()
    return polygons.parse_text(text) if text else None


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


@bp.post("/<int:area_id>/approve")
@login_required
def approve(area_id: int):
    """Approve a pending area."""
    return act(area_id, lambda f: registration.approve_area(get_session(), current_user, area_id),
               _("The area is approved and active. The contact representative sees it on the area's page."))


@bp.post("/<int:area_id>/reject")
@login_required
def reject(area_id: int):
    """Reject a pending area with a reason."""
    return act(area_id, lambda f: registration.reject_area(get_session(), current_user, area_id, reason=f.reason.data),
               _("The area is rejected. The contact representative sees your reason on the area's page."), RejectForm)


@bp.post("/<int:area_id>/archive")
@login_required
def archive(area_id: int):
    """Archive an area."""
    return act(area_id, lambda f: registration.archive_area(get_session(), current_user, area_id), _("The area is archived."))


@bp.post("/<int:area_id>/trained")
@login_required
def mark_trained(area_id: int):
    """Record a contact representative's training."""
    session = get_session()
    area = get_area_for(session, current_user, area_id, need="approve")

    def form_cls():
        form = TrainedForm()
        form.user_id.choices = [(c.user_id, name) for c, name in people(session, area.id)]
        return form

    return act(area_id, lambda f: registration.mark_trained(session, current_user, area_id, user_id=f.user_id.data, trained_on=f.trained_on.data),
               _("The training is recorded."), form_cls)
