"""Training pages: sessions, registration, attendance on a phone, the register CSV and calendar feeds."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from watch.core.time import TZ, local
from watch.core.db import get_session
from watch.core.errors import ServiceError
from watch.core.forms import show_refusal
from watch.core.security import safe_next
from watch.training import calendar, register as contact_register, service
from watch.training.access import can_organise, get_session_for, is_trainer
from watch.training.forms import SessionForm
from watch.core.forms import PlainForm
from watch.training.models import KIND_LABELS, RegistrationStatus, TrainingTrainer
from watch.accounts.models import User

bp = Blueprint("training", __name__, url_prefix="/training")
ICS = "text/calendar; charset=utf-8"


def _fields(form: SessionForm) -> dict:
    return dict(municipality=form.municipality.data, kind=form.kind.data, title=form.title.data, place=form.place.data,
                starts_at=form.starts_at.data.replace(tzinfo=TZ), ends_at=form.ends_at.data.replace(tzinfo=TZ),
                capacity=form.capacity.data, trainers=form.trainers.data or "", notes=form.notes.data or "",
                trainer_emails=(form.trainer_emails.data or "").replace(";", ",").split(","))


@bp.get("/")
@login_required
def index():
    """Upcoming sessions in a municipality (the user's own by default)."""
    session = get_session()
    municipality = (request.args.get("municipality") or current_user.municipality or "").strip() or None
    sessions = service.upcoming(session, municipality=municipality)
    mine = {ts.id: reg.status for ts, reg in service.sessions_of_user(session, current_user.id)}
    return render_template("training/index.html", sessions=sessions, municipality=municipality, mine=mine,
                           labels=KIND_LABELS, local=local, places_left=lambda ts: service.places_left(session, ts),
                           organiser=bool(municipality and can_organise(session, current_user, municipality)) or current_user.is_admin,
                           feed_key=calendar.existing_key(session, current_user),
                           form=PlainForm())


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Organise a session (police, safety coordinator, admin)."""
    form = SessionForm(municipality=current_user.municipality)
    if form.validate_on_submit():
        try:
            ts = service.create_session(get_session(), current_user, **_fields(form))
        except ServiceError as exc:
            show_refusal(form, exc)
        else:
            flash(_("The session is published."), "success")
            return redirect(url_for(".detail", session_id=ts.id))
    return render_template("training/form.html", form=form, ts=None)


@bp.route("/<int:session_id>/edit", methods=["GET", "POST"])
@login_required
def edit(session_id: int):
    """Change a session (organisers); calendars pick up the change."""
    session = get_session()
    ts = get_session_for(session, current_user, session_id, need="organise")
    form = SessionForm(obj=ts)
    if request.method == "GET":
        form.starts_at.data = local(ts.starts_at).replace(tzinfo=None)
        form.ends_at.data = local(ts.ends_at).replace(tzinfo=None)
        from sqlmodel import select
        form.trainer_emails.data = ", ".join(session.exec(select(User.email).join(TrainingTrainer, TrainingTrainer.user_id == User.id)
                                                          .where(TrainingTrainer.session_id == ts.id)).all())
    if form.validate_on_submit():
        try:
            service.update_session(session, current_user, ts.id, **_fields(form))
        except ServiceError as exc:
            show_refusal(form, exc)
        else:
            flash(_("The session is saved."), "success")
            return redirect(url_for(".detail", session_id=ts.id))
    return render_template("training/form.html", form=form, ts=ts)


@bp.get("/<int:session_id>")
@login_required
def detail(session_id: int):
    """One session: when, where, places left, your registration; participants for trainers and organisers."""
    session = get_session()
    ts = get_session_for(session, current_user, session_id)
    staff = can_organise(session, current_user, ts.municipality) or is_trainer(session, current_user, ts.id)
    return render_template("training/detail.html", ts=ts, labels=KIND_LABELS, local=local,
                           places_left=service.places_left(session, ts), reg=service.registration_of(session, current_user, ts.id),
                           participants=service.participants(session, ts.id) if staff else None, staff=staff,
                           organiser=can_organise(session, current_user, ts.municipality), form=PlainForm(), statuses=RegistrationStatus)


@bp.post("/<int:session_id>/register")
@login_required
def register(session_id: int):
    """Take a place, or join the waiting list when the session is full."""
    if PlainForm().validate_on_submit():
        try:
            reg = service.register(get_session(), current_user, session_id)
        except ServiceError as exc:
            show_refusal(None, exc, raise_not_found=True)
        else:
            if reg.status == RegistrationStatus.waiting:
                flash(_("The session is full: you are on the waiting list and get an e-mail if a place opens up."), "info")
            else:
                flash(_("You have a place. You get a reminder before the session."), "success")
    return redirect(url_for(".detail", session_id=session_id))


@bp.post("/<int:session_id>/cancel")
@login_required
def cancel(session_id: int):
    """Give up a place or a place in the queue."""
    if PlainForm().validate_on_submit():
        try:
            service.cancel_registration(get_session(), current_user, session_id)
        except ServiceError as exc:
            show_refusal(None, exc, raise_not_found=True)
        else:
            flash(_("Your registration is cancelled."), "success")
    return redirect(url_for(".detail", session_id=session_id))


@bp.post("/<int:session_id>/call-off")
@login_required
def call_off(session_id: int):
    """Cancel the session (organisers); registrants are told by e-mail."""
    if PlainForm().validate_on_submit():
        try:
            service.cancel_session(get_session(), current_user, session_id)
        except ServiceError as exc:
            show_refusal(None, exc, raise_not_found=True)
        else:
            flash(_("The session is cancelled and everyone registered is told."), "success")
    return redirect(url_for(".detail", session_id=session_id))


@bp.route("/<int:session_id>/attendance", methods=["GET", "POST"])
@login_required
def attendance(session_id: int):
    """The trainer's list on a phone: tick who came, save once."""
    session = get_session()
    ts = get_session_for(session, current_user, session_id, need="attendance")
    form = PlainForm()
    if form.validate_on_submit():
        try:
            present = {int(v) for v in request.form.getlist("present")}
        except ValueError:
            abort(400)
        try:
            n = service.record_attendance(session, current_user, ts.id, present=present)
        except ServiceError as exc:
            show_refusal(None, exc, raise_not_found=True)
        else:
            flash(_("Attendance is saved: %(n)d present.", n=n), "success")
            return redirect(url_for(".detail", session_id=ts.id))
    people = [(r, u) for r, u in service.participants(session, ts.id) if r.status == RegistrationStatus.registered]
    return render_template("training/attendance.html", ts=ts, people=people, form=form, local=local)


@bp.get("/register.csv")
@login_required
def register_csv():
    """The municipality's contact representatives with their areas and training, for the police."""
    municipality = (request.args.get("municipality") or current_user.municipality or "").strip()
    if not municipality:
        abort(400, _("Choose a municipality."))
    data = contact_register.rows(get_session(), current_user, municipality)
    return Response("\ufeff" + contact_register.to_csv(data), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="contact-representatives-{len(data)}.csv"',
                             "Cache-Control": "no-store"})


@bp.get("/calendar/<municipality>.ics")
def municipality_calendar(municipality: str):
    """Public feed of a municipality's sessions (no participants in it)."""
    return Response(calendar.municipality_feed(get_session(), municipality), mimetype=ICS)


@bp.get("/my/<key>.ics")
def personal_calendar(key: str):
    """A person's sessions, behind the secret key in the URL."""
    session = get_session()
    user_id = calendar.user_for_key(session, key)
    if user_id is None:
        abort(404)
    return Response(calendar.personal_feed(session, user_id), mimetype=ICS, headers={"Cache-Control": "private, no-store"})


@bp.post("/calendar/key")
@login_required
def calendar_key():
    """Make the personal calendar address (or, with reset, replace it: the old URL stops working)."""
    if PlainForm().validate_on_submit():
        reset = bool(request.form.get("reset"))
        calendar.key_of(get_session(), current_user, reset=reset)
        if reset:
            flash(_("Your calendar has a new address. The old one no longer works."), "success")
    back = safe_next(request.form.get("next"))  # the night-walk page shows the same personal calendar
    return redirect((back + "#calendar") if back else url_for(".index", _anchor="calendar"))
