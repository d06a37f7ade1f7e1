"""Night-walk pages: groups, shifts on a phone (sign up, check in, debrief), the monthly report and calendar feeds."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlmodel import select

from watch.core.db import get_session

from watch.core.time import TZ, aware, local, utcnow
from watch.core.errors import ServiceError
from watch.core.forms import show_refusal
from watch.nightwalks import calendar, debrief as debriefs, report as reports, service
from watch.nightwalks.access import can_manage, get_group_for, get_shift_for, walker_of
from watch.nightwalks.forms import DebriefForm, GroupForm, JoinForm, ShiftForm
from watch.core.forms import PlainForm
from watch.nightwalks.models import EVENTS, YOUNG_LABELS
from watch.organisations.models import Organisation
from watch.training import calendar as personal
from watch.training.access import can_organise

bp = Blueprint("nightwalks", __name__, url_prefix="/nightwalks")
ICS = "text/calendar; charset=utf-8"


@bp.get("/")
@login_required
def index():
    """My groups and shifts; the groups of the municipality to join."""
    session = get_session()
    municipality = (request.args.get("municipality") or current_user.municipality or "").strip() or None
    mine = service.groups_of_user(session, current_user.id)
    my_ids = {g.id for g, _w in mine}
    upcoming = [(s, g) for s, g in service.shifts_of_user(session, current_user.id) if aware(s.ends_at) > utcnow()]
    return render_template("nightwalks/index.html", mine=mine, municipality=municipality, local=local, upcoming=upcoming,
                           others=[g for g in service.groups_in(session, municipality) if g.id not in my_ids],
                           organiser=bool(municipality and can_organise(session, current_user, municipality)) or current_user.is_admin,
                           feed_key=personal.existing_key(session, current_user), form=PlainForm())


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Start a group (police, safety coordinator, admin)."""
    session = get_session()
    form = GroupForm(municipality=current_user.municipality)
    muni = (form.municipality.data or "").strip()
    form.organisation_id.choices = [("", _("None"))] + [
        (str(o.id), o.name) for o in session.exec(select(Organisation).where(Organisation.municipality == muni, Organisation.active)
                                                  .order_by(Organisation.name)).all()]
    if form.validate_on_submit():
        try:
            group = service.create_group(session, current_user, municipality=form.municipality.data, name=form.name.data,
                                         affiliation=form.affiliation.data, areas=form.areas.data,
                                         meeting_point=form.meeting_point.data, organisation_id=form.organisation_id.data or None,
                                         lon=(form.lon.data or "").replace(",", ".") or None,
                                         lat=(form.lat.data or "").replace(",", ".") or None)
        except ServiceError as exc:
            show_refusal(form, exc)
        else:
            flash(_("The group is started. Walkers join it from its page."), "success")
            return redirect(url_for(".group", group_id=group.id))
    return render_template("nightwalks/group_form.html", form=form)


@bp.get("/groups/<int:group_id>")
@login_required
def group(group_id: int):
    """A group: where it walks, joining, its shifts; walkers for leaders."""
    session = get_session()
    grp = get_group_for(session, current_user, group_id)
    me = walker_of(session, current_user, grp.id)
    manager = can_manage(session, current_user, grp)
    shifts = service.shifts_of_group(session, grp.id, upcoming_only=True) if (me or manager) else []
    return render_template("nightwalks/group.html", group=grp, me=me, manager=manager, local=local, shifts=shifts,
                           understaffed=lambda s: service.understaffed(session, s),
                           walkers=service.walkers(session, grp.id) if manager else None,
                           feed_key=personal.existing_key(session, current_user), join=JoinForm(), form=PlainForm())


@bp.post("/groups/<int:group_id>/join")
@login_required
def join(group_id: int):
    """Join as a walker (adults only)."""
    session = get_session()
    grp = get_group_for(session, current_user, group_id)
    form = JoinForm()
    if form.validate_on_submit():
        try:
            service.join_group(session, current_user, grp.id, birth_year=form.birth_year.data)
        except ServiceError as exc:
            show_refusal(form, exc, raise_not_found=True)
        else:
            flash(_("Welcome to the group. Sign up for a shift below."), "success")
            return redirect(url_for(".group", group_id=grp.id))
    return render_template("nightwalks/group.html", group=grp, me=None, manager=can_manage(session, current_user, grp),
                           local=local, shifts=[], understaffed=lambda s: False, walkers=None, feed_key=None,
                           join=form, form=PlainForm()), 422


@bp.post("/groups/<int:group_id>/leave")
@login_required
def leave(group_id: int):
    """Leave the group (sign-ups for coming shifts go too)."""
    if PlainForm().validate_on_submit():
        try:
            service.leave_group(get_session(), current_user, group_id)
        except ServiceError as exc:
            show_refusal(None, exc, raise_not_found=True)
        else:
            flash(_("You have left the group."), "success")
    return redirect(url_for(".group", group_id=group_id))


@bp.post("/groups/<int:group_id>/walkers/<int:walker_id>")
@login_required
def set_walker(group_id: int, walker_id: int):
    """Mark a walker trained and/or leader (leaders, organisers)."""
    if PlainForm().validate_on_submit():
        try:
            service.set_walker(get_session(), current_user, group_id, walker_id,
                               trained=bool(request.form.get("trained")), leader=bool(request.form.get("leader")))
        except ServiceError as exc:
            show_refusal(None, exc, raise_not_found=True)
        else:
            flash(_("The walker is saved."), "success")
    return redirect(url_for(".group", group_id=group_id, _anchor="walkers"))


def _shift_fields(form: ShiftForm) -> dict:
    return dict(starts_at=form.starts_at.data.replace(tzinfo=TZ), ends_at=form.ends_at.data.replace(tzinfo=TZ),
                meeting_point=form.meeting_point.data, area=form.area.data or "", subgroups=form.subgroups.data,
                notes=form.notes.data or "")


@bp.route("/groups/<int:group_id>/shifts/new", methods=["GET", "POST"])
@login_required
def new_shift(group_id: int):
    """Plan a shift (leaders, organisers)."""
    session = get_session()
    grp = get_group_for(session, current_user, group_id, need="manage")
    form = ShiftForm(meeting_point=grp.meeting_point)
    if form.validate_on_submit():
        try:
            shift = service.create_shift(session, current_user, grp.id, **_shift_fields(form))
        except ServiceError as exc:
            show_refusal(form, exc)
        else:
            flash(_("The shift is planned. Walkers can sign up now."), "success")
            return redirect(url_for(".shift", shift_id=shift.id))
    return render_template("nightwalks/shift_form.html", form=form, group=grp, shift=None)


@bp.route("/shifts/<int:shift_id>/edit", methods=["GET", "POST"])
@login_required
def edit_shift(shift_id: int):
    """Change a shift (leaders, organisers); calendars pick up the change."""
    session = get_session()
    shift, grp = get_shift_for(session, current_user, shift_id, need="manage")
    form = ShiftForm(obj=shift)
    if request.method == "GET":
        form.starts_at.data = local(shift.starts_at).replace(tzinfo=None)
        form.ends_at.data = local(shift.ends_at).replace(tzinfo=None)
        form.subgroups.data = str(shift.subgroups)
    if form.validate_on_submit():
        try:
            service.update_shift(session, current_user, shift.id, **_shift_fields(form))
        except ServiceError as exc:
            show_refusal(form, exc)
        else:
            flash(_("The shift is saved."), "success")
            return redirect(url_for(".shift", shift_id=shift.id))
    return render_template("nightwalks/shift_form.html", form=form, group=grp, shift=shift)


@bp.get("/shifts/<int:shift_id>")
@login_required
def shift(shift_id: int):
    """A shift on the phone: staffing per subgroup, sign up or off, check in at the meeting point, the debrief."""
    session = get_session()
    sh, grp = get_shift_for(session, current_user, shift_id)
    mine = service.signup_of(session, current_user, sh.id)
    now = utcnow()
    return render_template("nightwalks/shift.html", shift=sh, group=grp, local=local, mine=mine if mine and not mine.cancelled_at else None,
                           staffing=service.staffing(session, sh), people=service.signups(session, sh.id),
                           manager=can_manage(session, current_user, grp), debrief=debriefs.debrief_of(session, sh.id),
                           started=aware(sh.starts_at) <= now, over=aware(sh.ends_at) <= now,
                           is_walker=walker_of(session, current_user, grp.id) is not None, form=PlainForm())


def _post(shift_id: int, action, done: str):
    if PlainForm().validate_on_submit():
        try:
            result = action(get_session())
        except ServiceError as exc:
            show_refusal(None, exc, raise_not_found=True)
        else:
            flash(done if isinstance(done, str) else done(result), "success")
    return redirect(url_for(".shift", shift_id=shift_id))


@bp.post("/shifts/<int:shift_id>/signup")
@login_required
def sign_up(shift_id: int):
    """Take a place on the shift."""
    return _post(shift_id, lambda s: service.sign_up(s, current_user, shift_id, subgroup=request.form.get("subgroup") or None),
                 _("You are signed up. The shift is in your calendar."))


@bp.post("/shifts/<int:shift_id>/signoff")
@login_required
def sign_off(shift_id: int):
    """Give up the place."""
    return _post(shift_id, lambda s: service.sign_off(s, current_user, shift_id), _("You are signed off the shift."))


def _checked_in(sub) -> str:
    if sub.ready:
        return _("You are checked in. Subgroup %(n)d is ready to walk.", n=sub.number)
    return _("You are checked in. Wait for the others: subgroup %(n)d walks with at least two, one of them trained. Never alone.",
             n=sub.number)


@bp.post("/shifts/<int:shift_id>/checkin")
@login_required
def check_in(shift_id: int):
    """Check in at the meeting point."""
    return _post(shift_id, lambda s: service.check_in(s, current_user, shift_id), _checked_in)


@bp.post("/shifts/<int:shift_id>/cancel")
@login_required
def cancel_shift(shift_id: int):
    """Call the shift off (leaders, organisers); the walkers signed up are told."""
    return _post(shift_id, lambda s: service.cancel_shift(s, current_user, shift_id),
                 _("The shift is cancelled and the walkers signed up are told."))


@bp.route("/shifts/<int:shift_id>/debrief", methods=["GET", "POST"])
@login_required
def debrief(shift_id: int):
    """After the walk: counts only, no young person's name."""
    session = get_session()
    sh, grp = get_shift_for(session, current_user, shift_id)
    existing = debriefs.debrief_of(session, sh.id)
    if existing is not None:
        return render_template("nightwalks/debrief_done.html", shift=sh, group=grp, d=existing, local=local,
                               events=EVENTS, young=YOUNG_LABELS)
    form = DebriefForm()
    if request.method == "GET":
        checked = sum(g.checked_in for g in service.staffing(session, sh))
        form.adults.data = str(checked) if checked else ""
        hours = (sh.ends_at - sh.starts_at).total_seconds() / 3600
        form.hours.data = f"{hours:g}"
    status = 200
    if form.validate_on_submit():
        data = debriefs.DebriefIn(adults=form.adults.data, hours=form.hours.data, young_people=form.young_people.data,
                                  places_visited=form.places_visited.data, places=form.places.data or "",
                                  notes=form.notes.data or "", needs_followup=form.needs_followup.data,
                                  confirm_personal_data=form.confirm_personal_data.data,
                                  events={name: getattr(form, name).data for name in EVENTS})
        try:
            debriefs.submit(session, current_user, sh.id, data)
        except ServiceError as exc:
            show_refusal(form, exc, raise_not_found=True)
            status = exc.status if exc.status in (403, 409, 422) else 422
        else:
            flash(_("Thank you: the debrief is saved."), "success")
            return redirect(url_for(".shift", shift_id=sh.id))
    return render_template("nightwalks/debrief.html", form=form, shift=sh, group=grp, local=local, events=EVENTS), status


def _month() -> tuple[int, int]:
    raw = request.args.get("month") or ""
    try:
        y, m = (int(p) for p in raw.split("-"))
        date(y, m, 1)
        return y, m
    except ValueError:
        if raw:
            abort(400, _("Choose a month as YYYY-MM."))
        today = local(utcnow()).date()
        return today.year, today.month


@bp.get("/groups/<int:group_id>/report")
@login_required
def report(group_id: int):
    """The month's walks and volunteer hours, for the municipality's grant (leaders, organisers)."""
    session = get_session()
    grp = get_group_for(session, current_user, group_id, need="manage")
    y, m = _month()
    return render_template("nightwalks/report.html", r=reports.monthly(session, grp, y, m), group=grp, events=EVENTS,
                           month=f"{y:04d}-{m:02d}")


@bp.get("/groups/<int:group_id>/report.csv")
@login_required
def report_csv(group_id: int):
    """The same report as CSV (one line per walk, a total line)."""
    session = get_session()
    grp = get_group_for(session, current_user, group_id, need="manage")
    y, m = _month()
    body = reports.to_csv(reports.monthly(session, grp, y, m))
    return Response("\ufeff" + body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="nattvandring-{grp.id}-{y:04d}-{m:02d}.csv"', "Cache-Control": "no-store"})


@bp.get("/groups/<int:group_id>/calendar/<key>.ics")
def group_calendar(group_id: int, key: str):
    """The group's shifts, behind a walker's secret calendar key (reset it and this URL is a 404)."""
    session = get_session()
    grp = calendar.group_for_key(session, group_id, key)
    if grp is None:
        abort(404)
    return Response(calendar.group_feed(session, grp), mimetype=ICS, headers={"Cache-Control": "private, no-store"})
