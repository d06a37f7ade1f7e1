"""Meeting and action pages: agenda, attendance, decision log; actions with before/after counts."""
from __future__ import annotations

import json

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlmodel import select

from watch.core.db import get_session

from watch.core.time import local, utcnow
from watch.core.errors import ServiceError
from watch.est import access
from watch.est.forms import ActionForm, ActionUpdateForm, DecisionForm, MeetingForm
from watch.est.meetings import service
from watch.est.models import EstPlace, COUNTED, EstReport
from watch.est.picture.compute import action_effect
from watch.est.picture.snapshots import snapshot_of
from watch.est.rules import weeks
from watch.core.forms import show_refusal
from watch.organisations.models import Organisation

bp = Blueprint("est_meetings", __name__, url_prefix="/est/<municipality>")


@bp.before_request
@login_required
def _login():
    """Every EST page needs a logged-in user."""


def _orgs(session, municipality):
    return list(session.exec(select(Organisation).where(Organisation.municipality == municipality, Organisation.active)
                             .order_by(Organisation.name)))


def _places(session, municipality):
    return list(session.exec(select(EstPlace).where(EstPlace.municipality == municipality).order_by(EstPlace.name)))


@bp.route("/meetings", methods=["GET", "POST"])
def meetings(municipality: str):
    """The meetings; the coordinator opens a new one."""
    session = get_session()
    access.require(session, current_user, municipality)
    coordinator = access.orgs.has_role(session, current_user, municipality, access.COORDINATOR)
    form = MeetingForm()
    form.attendance.choices = [(o.id, o.name) for o in _orgs(session, municipality)]
    if form.validate_on_submit():
        try:
            m = service.create_meeting(session, user=current_user, municipality=municipality, held_on=form.held_on.data,
                                       agenda=form.agenda.data or "", attendance=form.attendance.data)
        except ServiceError as exc:
            show_refusal(form, exc)
        else:
            flash(_("The meeting is saved."), "success")
            return redirect(url_for(".meeting", municipality=municipality, meeting_id=m.id))
    if not form.held_on.data:
        form.held_on.data = local(utcnow()).date()
    return render_template("est/meetings.html", municipality=municipality, form=form, coordinator=coordinator,
                           meetings=service.meetings_of(session, current_user, municipality))


@bp.route("/meetings/<int:meeting_id>", methods=["GET", "POST"])
def meeting(municipality: str, meeting_id: int):
    """One meeting: agenda, attendance by organisation, the decision log."""
    session = get_session()
    m = service.get_meeting(session, current_user, meeting_id)
    coordinator = access.orgs.has_role(session, current_user, m.municipality, access.COORDINATOR)
    orgs = _orgs(session, m.municipality)
    form = DecisionForm()
    form.organisation_id.choices = [(0, "—")] + [(o.id, o.name) for o in orgs]
    form.place_id.choices = [(0, "—")] + [(p.id, p.name) for p in _places(session, m.municipality)]
    if form.validate_on_submit():
        try:
            service.add_decision(session, user=current_user, meeting_id=m.id, text=form.text.data,
                                 organisation_id=form.organisation_id.data or None, place_id=form.place_id.data or None)
        except ServiceError as exc:
            show_refusal(form, exc)
        else:
            flash(_("The decision is recorded."), "success")
            return redirect(url_for(".meeting", municipality=municipality, meeting_id=m.id))
    present = set(json.loads(m.attendance))
    y, w = weeks.split(m.week_key)
    return render_template("est/meeting.html", municipality=m.municipality, m=m, form=form, coordinator=coordinator,
                           decisions=service.decisions_of(session, m.id), present=[o for o in orgs if o.id in present],
                           year=y, week=w, frozen=snapshot_of(session, m.municipality, m.week_key) is not None)


@bp.route("/actions", methods=["GET", "POST"])
def actions(municipality: str):
    """Actions (insatser) with owner, place, period, status and before/after counts."""
    session = get_session()
    access.require(session, current_user, municipality)
    coordinator = access.orgs.has_role(session, current_user, municipality, access.COORDINATOR)
    form = ActionForm()
    form.owner_organisation_id.choices = [(o.id, o.name) for o in _orgs(session, municipality)]
    form.place_id.choices = [(0, "—")] + [(p.id, p.name) for p in _places(session, municipality)]
    hot = _hot_cells(session, municipality)
    form.cell.choices = [("", "—")] + [(c, _("Cell %(c)s (%(n)s reports)", c=c, n=n)) for c, n in hot]
    if form.validate_on_submit():
        try:
            service.create_action(session, user=current_user, municipality=municipality,
                                  owner_organisation_id=form.owner_organisation_id.data, title=form.title.data,
                                  starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                                  place_id=form.place_id.data or None, cell=form.cell.data or None)
        except ServiceError as exc:
            show_refusal(form, exc)
        else:
            flash(_("The action is saved."), "success")
            return redirect(url_for(".actions", municipality=municipality))
    rows = service.actions_of(session, current_user, municipality)
    places = {p.id: p.name for p in _places(session, municipality)}
    return render_template("est/actions.html", municipality=municipality, form=form, coordinator=coordinator, rows=rows,
                           effects={a.id: action_effect(session, a) for a, _o in rows}, places=places,
                           update_form=ActionUpdateForm)


@bp.post("/actions/<int:action_id>")
def update_action(municipality: str, action_id: int):
    """Change an action's status and effect note."""
    form = ActionUpdateForm(prefix=f"a{action_id}")
    if form.validate_on_submit():
        try:
            service.update_action(get_session(), user=current_user, action_id=action_id, status=form.status.data,
                                  effect_note=form.effect_note.data or "")
        except ServiceError as exc:
            show_refusal(None, exc, raise_not_found=True)
        else:
            flash(_("The action is saved."), "success")
    return redirect(url_for(".actions", municipality=municipality) + f"#action-{action_id}")


def _hot_cells(session, municipality: str, limit: int = 20):
    """The busiest cells of the last four weeks."""
    from sqlalchemy import func

    now = weeks.week_of(utcnow())
    since = weeks.key(*weeks.shift(*now, -4))
    return session.exec(select(EstReport.cell, func.count()).where(
        EstReport.municipality == municipality, EstReport.status.in_(COUNTED), EstReport.cell.is_not(None),
        EstReport.week_key >= since).group_by(EstReport.cell).order_by(func.count().desc()).limit(limit)).all()
