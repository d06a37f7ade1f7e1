"""Away-notice pages: leave one, read the ones meant for you, take on a request."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlmodel import select

from watch.core.forms import PlainForm
from watch.accounts.models import User
from watch.areas.models import Area
from watch.boats.away import service
from watch.boats.away.forms import AwayForm
from watch.core.db import get_session
from watch.core.errors import ServiceError
from watch.core.forms import show_refusal

bp = Blueprint("away", __name__, url_prefix="/away")


@bp.before_request
@login_required
def _login():
    """Every away page needs a logged-in user."""


@bp.get("/")
def list_page():
    """Your away notices and those your neighbours left for you."""
    session = get_session()
    notices = service.readable_notices(session, current_user)
    areas = {a.id: a for a in session.exec(select(Area).where(Area.id.in_([n.area_id for n in notices] or [-1])))}
    return render_template("boats/away/list.html", notices=notices, areas=areas)


@bp.route("/new/<int:area_id>", methods=["GET", "POST"])
def new(area_id: int):
    """Leave an away notice (grannlapp) in one of your areas."""
    session = get_session()
    form = AwayForm()
    try:
        choices = service.neighbours(session, current_user, service.area_for_notice(session, current_user, area_id).id)
    except ServiceError as exc:
        show_refusal(None, exc, raise_not_found=True)
        return redirect(url_for("away.list_page"))
    form.readers.choices = [(str(uid), name) for uid, name in choices]
    if form.validate_on_submit():
        try:
            notice = service.create_notice(
                session, current_user, area_id, starts_on=form.starts_on.data or request.form.get("starts_on"),
                ends_on=form.ends_on.data or request.form.get("ends_on"), audience=form.audience.data,
                readers=form.readers.data, phone=form.phone.data, key_holder=form.key_holder.data,
                expected_activity=form.expected_activity.data, requests=(form.requests.data or "").splitlines())
        except ServiceError as exc:
            show_refusal(form, exc, raise_not_found=True)
        else:
            flash(_("Your away notice is left for the neighbours you chose."), "success")
            return redirect(url_for("away.detail", notice_id=notice.id))
    return render_template("boats/away/new.html", form=form, area=session.get(Area, area_id)), 422 if form.errors else 200


@bp.get("/<int:notice_id>")
def detail(notice_id: int):
    """One away notice (the read is logged)."""
    session = get_session()
    notice = service.get_notice_for(session, current_user, notice_id)
    reqs = service.requests_of(session, notice.id)
    names = {u.id: u.display_name for u in session.exec(select(User).where(
        User.id.in_([r.accepted_by_id for r in reqs if r.accepted_by_id] + [notice.owner_id])))}
    return render_template("boats/away/detail.html", notice=notice, requests=reqs, names=names,
                           area=session.get(Area, notice.area_id), owner=notice.owner_id == current_user.id)


@bp.post("/requests/<int:request_id>/accept")
def accept(request_id: int):
    """Take on a request."""
    session = get_session()
    if PlainForm().validate_on_submit():
        try:
            req = service.accept_request(session, current_user, request_id)
        except ServiceError as exc:
            show_refusal(None, exc, raise_not_found=True)
            return redirect(url_for("away.list_page"))
        flash(_("Thank you: your neighbour sees that you take care of it."), "success")
        return redirect(url_for("away.detail", notice_id=req.notice_id))
    return redirect(url_for("away.list_page"))


@bp.post("/<int:notice_id>/delete")
def delete(notice_id: int):
    """Take your notice down."""
    session = get_session()
    if PlainForm().validate_on_submit():
        try:
            service.delete_notice(session, current_user, notice_id)
        except ServiceError as exc:
            show_refusal(None, exc, raise_not_found=True)
        else:
            flash(_("The away notice is deleted."), "success")
    return redirect(url_for("away.list_page"))
