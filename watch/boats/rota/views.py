"""Night-watch pages: seasons, picking and swapping shifts, QR check-in, the night, reports."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from watch.areas.models import Area
from watch.boats.rota import reports, rounds, service
from watch.boats.rota.forms import CheckpointForm, ChiefForm, LogForm, MissedForm, SeasonForm, SwapForm
from watch.boats.rota.models import WatchAssignment, WatchShift
from watch.core.db import get_session
from watch.core.errors import ServiceError
from watch.core.forms import PlainForm, show_refusal

bp = Blueprint("rota", __name__, url_prefix="/watch")


@bp.before_request
@login_required
def _login():
    """Every night-watch page needs a logged-in user."""


@bp.route("/area/<int:area_id>", methods=["GET", "POST"])
def area_page(area_id: int):
    """The area's seasons; its contact representatives plan a new one here."""
    session = get_session()
    area = service.boat_area(session, current_user, area_id, police=True)
    manage = service.may_manage(session, current_user, area)
    form = SeasonForm()
    if manage and form.validate_on_submit():
        try:
            season = service.create_season(
                session, current_user, area.id, name=form.name.data, starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                start_time=form.start_time.data, end_time=form.end_time.data, split_time=form.split_time.data,
                team_size=form.team_size.data, obligation=form.obligation.data, rounds_per_night=form.rounds_per_night.data)
        except ServiceError as exc:
            show_refusal(form, exc, raise_not_found=True)
        else:
            flash(_("The season is planned."), "success")
            return redirect(url_for("rota.season_page", season_id=season.id))
    seasons = service.seasons_of(session, area.id)
    return render_template("boats/rota/area.html", area=area, seasons=seasons, form=form, manage=manage,
                           watcher=service.is_watcher(session, current_user, area)), 422 if form.errors else 200


@bp.get("/season/<int:season_id>")
def season_page(season_id: int):
    """The rota: every shift with its free places, your watches with swaps, the checkpoints."""
    session = get_session()
    season, area = service.get_season_for(session, current_user, season_id)
    rota = service.season_rota(session, current_user, season, area)
    swap_form = SwapForm()
    swap_form.to_user_id.choices = [("", "–")] + [(str(i), n) for i, n in rota.members]
    chief_form = ChiefForm()
    chief_form.user_id.choices = [(current_user.id, current_user.display_name)] + [(i, n) for i, n in rota.members]
    return render_template("boats/rota/season.html", season=season, area=area, shifts=rota.shifts, teams=rota.teams, mine=rota.mine,
                           names=rota.names, window=lambda s: service.window(season, s), swap_form=swap_form,
                           manage=service.may_manage(session, current_user, area), checkpoints=rounds.checkpoints_of(session, season.id),
                           checkpoint_form=CheckpointForm(), chief_form=chief_form, swaps=service.swaps_for(session, current_user), now=service.local_now(),
                           chief=lambda night: rota.chief_names.get(night - timedelta(days=night.weekday())))


def _back(season_id):
    return redirect(url_for("rota.season_page", season_id=season_id))


@bp.post("/shift/<int:shift_id>/pick")
def pick(shift_id: int):
    """Take a place on a shift."""
    session = get_session()
    shift = session.get(WatchShift, shift_id)
    if PlainForm().validate_on_submit():
        try:
            service.pick_shift(session, current_user, shift_id)
        except ServiceError as exc:
            show_refusal(None, exc, raise_not_found=True)
        else:
            flash(_("The watch is yours."), "success")
    return _back(shift.season_id) if shift else redirect(url_for("main.index"))


@bp.post("/season/<int:season_id>/auto")
def auto(season_id: int):
    """Fill the open places fairly."""
    session = get_session()
    if PlainForm().validate_on_submit():
        try:
            n = service.auto_assign(session, current_user, season_id)
        except ServiceError as exc:
            show_refusal(None, exc, raise_not_found=True)
        else:
            flash(_("%(n)d places were filled.", n=n), "success")
    return _back(season_id)


@bp.post("/assignment/<int:assignment_id>/swap")
def swap(assignment_id: int):
    """Ask a member to take your watch, or name an adult substitute."""
    session = get_session()
    a = session.get(WatchAssignment, assignment_id)
    shift = session.get(WatchShift, a.shift_id) if a else None
    form = SwapForm()
    form.to_user_id.choices = []
    if form.validate_on_submit():
        try:
            service.request_swap(session, current_user, assignment_id, to_user_id=form.to_user_id.data or None,
                                 substitute_name=form.substitute_name.data, substitute_born_on=form.substitute_born_on.data)
        except ServiceError as exc:
            show_refusal(None, exc, raise_not_found=True)
        else:
            flash(_("The swap is recorded."), "success")
    elif form.errors:
        flash(_("Enter the date of birth as a date, e.g. 2001-05-17."), "error")
    return _back(shift.season_id) if shift else redirect(url_for("main.index"))


@bp.post("/swap/<int:swap_id>/<any(accept, decline):answer>")
def answer(swap_id: int, answer: str):
    """Accept or decline a swap asked of you."""
    session = get_session()
    if PlainForm().validate_on_submit():
        try:
            s = service.answer_swap(session, current_user, swap_id, accept=answer == "accept")
        except ServiceError as exc:
            show_refusal(None, exc, raise_not_found=True)
        else:
            flash(_("You took over the watch.") if answer == "accept" else _("You declined the swap."), "success")
            shift = session.get(WatchShift, session.get(WatchAssignment, s.assignment_id).shift_id)
            return _back(shift.season_id)
    return redirect(url_for("main.index"))


@bp.post("/season/<int:season_id>/chief")
def set_chief(season_id: int):
    """Name a week's watch chief."""
    session = get_session()
    form = ChiefForm()
    form.user_id.choices = []
    if form.validate_on_submit() and form.week_start.data:
        try:
            service.set_chief(session, current_user, season_id, week_start=form.week_start.data, user_id=form.user_id.data)
        except ServiceError as exc:
            show_refusal(None, exc, raise_not_found=True)
        else:
            flash(_("The watch chief is named."), "success")
    else:
        flash(_("Choose the week and the watch chief."), "error")
    return _back(season_id)


@bp.post("/season/<int:season_id>/checkpoints")
def add_checkpoint(season_id: int):
    """Place a checkpoint."""
    session = get_session()
    form = CheckpointForm()
    if form.validate_on_submit():
        try:
            rounds.add_checkpoint(session, current_user, season_id, form.name.data)
        except ServiceError as exc:
            show_refusal(None, exc, raise_not_found=True)
        else:
            flash(_("The checkpoint is placed. Print its QR code."), "success")
    return _back(season_id)


@bp.get("/season/<int:season_id>/qr")
def qr_sheet(season_id: int):
    """The printable sheet of QR codes, one per checkpoint."""
    session = get_session()
    season, area = service.get_season_for(session, current_user, season_id, manage=True)
    codes = [(cp, rounds.qr_svg(url_for("rota.checkin", token=cp.token, _external=True))) for cp in rounds.checkpoints_of(session, season.id)]
    return render_template("boats/rota/qr.html", season=season, area=area, codes=codes)


@bp.route("/c/<token>", methods=["GET", "POST"])
def checkin(token: str):
    """The page a checkpoint's QR code opens: check in to the current round."""
    session = get_session()
    cp = rounds.checkpoint_by_token(session, token)
    done, error, status = None, None, 200
    if request.method == "POST" and PlainForm().validate_on_submit():
        try:
            done = rounds.check_in(session, current_user, token)
        except ServiceError as exc:
            session.rollback()
            if exc.status == 404:
                raise
            error, status = str(exc.message), exc.status
    current = rounds.current_shift(session, current_user)
    return render_template("boats/rota/checkin.html", checkpoint=cp, done=done, error=error, current=current), status


@bp.route("/shift/<int:shift_id>", methods=["GET", "POST"])
def night(shift_id: int):
    """The night: rounds at each checkpoint, missed ones with reasons, the watch log with one tap to an alert."""
    session = get_session()
    shift, season, writer = rounds.get_night_for(session, current_user, shift_id)
    checkpoints = rounds.checkpoints_of(session, season.id)
    missed, log = MissedForm(prefix="missed"), LogForm(prefix="log")
    missed.checkpoint_id.choices = [(cp.id, cp.name) for cp in checkpoints]
    status = 200
    if request.method == "POST":
        form = missed if "missed-reason" in request.form else log
        if form.validate_on_submit():
            try:
                if form is missed:
                    rounds.mark_missed(session, current_user, shift.id, missed.checkpoint_id.data, missed.reason.data)
                else:
                    rounds.add_log(session, current_user, shift.id, kind=log.kind.data, text=log.text.data, registration=log.registration.data)
            except ServiceError as exc:
                show_refusal(form, exc, raise_not_found=True)
                status = 422 if exc.status == 422 else exc.status
            else:
                flash(_("Noted."), "success")
                return redirect(url_for("rota.night", shift_id=shift.id))
    checks = rounds.rounds_of(session, shift.id)
    team = service.team_of(session, shift.id)
    names = service.names_of(session, {a.user_id for a in team} | {c.user_id for c in checks if c.user_id})
    return render_template("boats/rota/night.html", shift=shift, season=season, area=session.get(Area, season.area_id),
                           window=service.window(season, shift), checkpoints=checkpoints, checks=checks, team=team, names=names,
                           writer=writer, missed=missed, log=log, entries=rounds.log_of(session, shift.id),
                           chief=service.names_of(session, [service.chief_of(session, season.id, shift.night)]).get(
                               service.chief_of(session, season.id, shift.night))), status


@bp.get("/season/<int:season_id>/compliance.csv")
def compliance_csv(season_id: int):
    """The end-of-season list for the club's fees."""
    rows = reports.compliance(get_session(), current_user, season_id)
    return Response(reports.compliance_csv(rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="vaktgang-{season_id}.csv"', "Cache-Control": "private, no-store"})


@bp.get("/season/<int:season_id>/coverage")
def coverage(season_id: int):
    """Which nights are watched: for the police too, without names."""
    season, nights = reports.coverage(get_session(), current_user, season_id)
    return render_template("boats/rota/coverage.html", season=season, nights=nights)
