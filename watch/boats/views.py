"""Boat pages (boat watch): register boats and engines, photos served only to those allowed."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from watch.core.forms import PlainForm
from watch.areas.models import Area, AreaKind
from watch.areas.service import allowed, get_area_for, membership_of
from watch.accounts.models import User
from watch.audit.service import record_access
from watch.boats import service as boats
from watch.boats import theft
from watch.boats.forms import BoatForm, EngineForm, PhotoForm
from watch.core.db import get_session
from watch.core.errors import ServiceError
from watch.core.forms import show_refusal

# The register lives under /areas/ since boats belong to a boat-watch area; the URLs predate this package.
bp = Blueprint("boats", __name__, url_prefix="/areas")


@bp.route("/<int:area_id>/boats", methods=["GET", "POST"])
@login_required
def boats_page(area_id: int):
    """Your boats in a boat-watch area (all boats for its contacts and police), and a form to add one."""
    session = get_session()
    area = get_area_for(session, current_user, area_id, need="view")
    if area.kind != AreaKind.batsamverkan:
        return redirect(url_for("areas.detail", area_id=area.id))
    form = BoatForm()
    if form.validate_on_submit():
        try:
            boat = boats.register_boat(session, current_user, area.id, name=form.name.data, boat_type=form.boat_type.data,
                                       length_m=form.length_m.data, hull_id=form.hull_id.data, mooring=form.mooring.data)
        except ServiceError as exc:
            show_refusal(form, exc, raise_not_found=True)
        else:
            flash(_("The boat is registered. Add its engine below."), "success")
            return redirect(url_for("boats.boat_page", boat_id=boat.id))
    rows = boats.area_boats(session, current_user, area.id)
    if request.method == "GET":
        record_access(session, actor=current_user, kind="boat_register", object_id=area.id)
    m = membership_of(session, current_user, area.id)
    return render_template("boats/boats.html", area=area, boats=rows, form=form, is_member=m is not None and m.role != "police",
                           sees_all=allowed(session, current_user, area, "boats")), 422 if form.errors else 200


@bp.route("/boats/<int:boat_id>", methods=["GET", "POST"])
@login_required
def boat_page(boat_id: int):
    """A boat with its engines; its owner adds engines and a photo here."""
    session = get_session()
    boat = boats.get_boat_for(session, current_user, boat_id)
    form = EngineForm()
    if form.validate_on_submit():
        try:
            boats.add_engine(session, current_user, boat.id, make=form.make.data, model=form.model.data, power_hp=form.power_hp.data,
                             serial_number=form.serial_number.data, marking=form.marking.data)
        except ServiceError as exc:
            show_refusal(form, exc, raise_not_found=True)
        else:
            flash(_("The engine is added."), "success")
            return redirect(url_for("boats.boat_page", boat_id=boat.id))
    if request.method == "GET":
        record_access(session, actor=current_user, kind="boat", object_id=boat.id, owner_id=boat.owner_id)
    owner = boat.owner_id == current_user.id or current_user.is_admin
    return render_template("boats/boat.html", boat=boat, area=session.get(Area, boat.area_id), engines=boats.engines_of(session, boat.id),
                           form=form, photo_form=PhotoForm(), plain=PlainForm(), owner=owner,
                           thefts=theft.open_thefts(session, boat.id)), 422 if form.errors else 200


@bp.get("/boats/<int:boat_id>/card")
@login_required
def boat_card(boat_id: int):
    """The printable boat card (båtkort): every identifier and the photo, for a police report."""
    session = get_session()
    boat = boats.get_boat_for(session, current_user, boat_id)
    if boat.owner_id != current_user.id:
        record_access(session, actor=current_user, kind="boat", object_id=boat.id, owner_id=boat.owner_id)
    return render_template("boats/card.html", boat=boat, area=session.get(Area, boat.area_id), owner=session.get(User, boat.owner_id),
                           engines=boats.engines_of(session, boat.id), thefts=theft.open_thefts(session, boat.id))


@bp.post("/boats/<int:boat_id>/thefts/<int:theft_id>/recovered")
@login_required
def theft_recovered(boat_id: int, theft_id: int):
    """The owner marks a stolen boat or engine as recovered."""
    session = get_session()
    if PlainForm().validate_on_submit():
        try:
            theft.mark_recovered(session, current_user, boat_id, theft_id)
        except ServiceError as exc:
            show_refusal(None, exc, raise_not_found=True)
        else:
            flash(_("Marked as recovered."), "success")
    return redirect(url_for("boats.boat_page", boat_id=boat_id))


@bp.get("/<int:area_id>/boats/search")
@login_required
def register_search(area_id: int):
    """Found an engine or a boat? Members check the area's register by serial number or marking."""
    session = get_session()
    area = get_area_for(session, current_user, area_id, need="view")
    query = (request.args.get("q") or "").strip()
    result, error, status = None, None, 200
    if query:
        try:
            result = theft.lookup(session, current_user, area.id, query)
        except ServiceError as exc:
            if exc.status == 404:
                raise
            error, status = str(exc.message), exc.status
    return render_template("boats/search.html", area=area, query=query, result=result, error=error), status


@bp.post("/boats/<int:boat_id>/photo")
@login_required
def boat_photo_upload(boat_id: int):
    """Upload a photo of the boat (EXIF removed)."""
    session = get_session()
    form = PhotoForm()
    if form.validate_on_submit():
        try:
            boats.set_photo(session, current_user, boat_id, form.photo.data.read())
        except ServiceError as exc:
            show_refusal(None, exc, raise_not_found=True)
        else:
            flash(_("The photo is saved."), "success")
    else:
        flash(_("Choose a photo to upload."), "error")
    return redirect(url_for("boats.boat_page", boat_id=boat_id))


@bp.get("/boats/<int:boat_id>/photo")
@login_required
def boat_photo(boat_id: int):
    """The boat's photo, for those who may see the boat."""
    path = boats.photo_path(get_session(), current_user, boat_id)
    response = send_file(path, mimetype="image/jpeg", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/boats/<int:boat_id>/<any(delete):action>")
@login_required
def boat_delete(boat_id: int, action: str):
    """Delete the boat with its engines and photo."""
    session = get_session()
    boat = boats.get_boat_for(session, current_user, boat_id)
    area_id = boat.area_id
    if PlainForm().validate_on_submit():
        try:
            boats.delete_boat(session, current_user, boat_id)
        except ServiceError as exc:
            session.rollback()
            flash(str(exc.message), "error")
            return redirect(url_for("boats.boat_page", boat_id=boat_id))
        flash(_("The boat is deleted."), "success")
    return redirect(url_for("boats.boats_page", area_id=area_id))


@bp.post("/boats/<int:boat_id>/engines/<int:engine_id>/delete")
@login_required
def engine_delete(boat_id: int, engine_id: int):
    """Remove an engine."""
    session = get_session()
    if PlainForm().validate_on_submit():
        try:
            boats.delete_engine(session, current_user, boat_id, engine_id)
        except ServiceError as exc:
            show_refusal(None, exc, raise_not_found=True)
        else:
            flash(_("The engine is removed."), "success")
    return redirect(url_for("boats.boat_page", boat_id=boat_id))
