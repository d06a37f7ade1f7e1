"""Area pages: the blueprint, the map, the list, an area's page.

The sub-domains add their pages to this blueprint (registration, members,
invites, households, police); this module imports none of their views.
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlmodel import select

from watch.accounts.models import User
from watch.areas.forms import JoinForm, PoliceContactForm, RejectForm, TrainedForm
from watch.areas.geometry import outline
from watch.areas.members import service as members
from watch.areas.models import AreaKind, AreaRole, AreaStatus, OutlineChangeStatus
from watch.areas.police import service as police
from watch.areas.registration import service as registration
from watch.areas.service import allowed, get_area_for, map_view, membership_of
from watch.core.db import get_session
from watch.core.errors import ServiceError
from watch.core.forms import PlainForm, show_refusal
from watch.core.maps import map_config
from watch.core.time import utcnow

bp = Blueprint("areas", __name__, url_prefix="/areas")


def names_of(session, ids) -> dict[int, str]:
    """Display names by user id."""
    ids = list(set(ids))
    return dict(session.exec(select(User.id, User.display_name).where(User.id.in_(ids))).all()) if ids else {}


def people(session, area_id: int) -> list[tuple]:
    """(membership, display name) of the area's contact representatives, main contact first."""
    contacts = registration.contacts(session, area_id)
    names = names_of(session, [m.user_id for m in contacts])
    return [(m, names.get(m.user_id, "")) for m in contacts]


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


@bp.get("/<int:area_id>")
@login_required
def detail(area_id: int):
    """An area: status, contacts, and what the user can do there."""
    session = get_session()
    area = get_area_for(session, current_user, area_id, need="view")
    m = membership_of(session, current_user, area.id)
    can = {need: allowed(session, current_user, area, need, membership=m) for need in ("edit", "approve", "members", "boats")}
    contacts = people(session, area.id)
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


def act(area_id: int, action, done_message: str, form_cls=PlainForm):
    """Run `action(form)` for a posted button on the area's page, flash how it went, and go back."""
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
