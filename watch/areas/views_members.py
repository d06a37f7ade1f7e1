"""Member pages: the contact representative's members, requests, invites and household roster."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlmodel import select

from watch.core.forms import PlainForm
from watch.accounts.models import User
from watch.areas import households, members, registration
from watch.areas.forms import HouseholdForm, InviteForm
from watch.areas.models import Area, AreaKind
from watch.areas.service import get_area_for
from watch.areas.views import bp
from watch.core.db import get_session
from watch.core.errors import ServiceError
from watch.core.forms import show_refusal


def _names(session, ids) -> dict[int, str]:
    ids = list(set(ids))
    return dict(session.exec(select(User.id, User.display_name).where(User.id.in_(ids))).all()) if ids else {}


@bp.route("/<int:area_id>/members", methods=["GET", "POST"])
@login_required
def members_page(area_id: int):
    """Members, join requests and invite links of an area (its contact representatives)."""
    session = get_session()
    area = get_area_for(session, current_user, area_id, need="members")
    form = InviteForm()
    if form.validate_on_submit():
        try:
            _invite, token = members.create_invite(session, current_user, area.id, days=form.days.data)
        except ServiceError as exc:
            show_refusal(form, exc)
        else:
            flash(_("A new invite link is ready. Copy it, share it or print it for your neighbours."), "success")
            return redirect(url_for("areas.invite_share", area_id=area.id, invite_id=_invite.id))
    people = members.list_members(session, current_user, area.id)
    reqs = members.pending_requests(session, current_user, area.id)
    names = _names(session, [m.user_id for m in people] + [r.user_id for r in reqs])
    return render_template("areas/members.html", area=area, people=people, requests=reqs, names=names,
                           invites=members.list_invites(session, current_user, area.id), form=form,
                           plain=PlainForm(), training_valid=registration.training_valid), 422 if form.errors else 200


def _after(area_id: int, action, message: str):
    form = PlainForm()
    if form.validate_on_submit():
        try:
            action()
        except ServiceError as exc:
            show_refusal(None, exc, raise_not_found=True)
        else:
            flash(message, "success")
    return redirect(url_for("areas.members_page", area_id=area_id))


@bp.post("/<int:area_id>/requests/<int:request_id>/<any(approve, decline):decision>")
@login_required
def decide_request(area_id: int, request_id: int, decision: str):
    """Approve or decline a join request."""
    approve = decision == "approve"
    return _after(area_id, lambda: members.decide_request(get_session(), current_user, area_id, request_id, approve=approve),
                  _("The person is now a member.") if approve else _("The request is declined."))


@bp.post("/<int:area_id>/invites/<int:invite_id>/revoke")
@login_required
def revoke_invite(area_id: int, invite_id: int):
    """Revoke an invite link."""
    return _after(area_id, lambda: members.revoke_invite(get_session(), current_user, area_id, invite_id),
                  _("The invite link no longer works."))


@bp.post("/<int:area_id>/members/<int:user_id>/remove")
@login_required
def remove_member(area_id: int, user_id: int):
    """Remove a member."""
    return _after(area_id, lambda: members.remove_member(get_session(), current_user, area_id, user_id=user_id),
                  _("The member is removed from the area."))


@bp.post("/<int:area_id>/members/<int:user_id>/<any(contact, member, main):role>")
@login_required
def set_role(area_id: int, user_id: int, role: str):
    """Make a member contact representative, main contact, or member again."""
    return _after(area_id, lambda: registration.set_role(get_session(), current_user, area_id, user_id=user_id,
                                                         role="member" if role == "member" else "contact", main=role == "main"),
                  _("The role is changed."))


@bp.route("/join/<token>", methods=["GET", "POST"])
@login_required
def accept_invite(token: str):
    """Join an area with an invite link."""
    session = get_session()
    try:
        invite = members.invite_for_token(session, token)
    except ServiceError as exc:
        return render_template("areas/invite.html", error=str(exc.message), area=None, form=PlainForm()), exc.status
    area = session.get(Area, invite.area_id)
    form = PlainForm()
    if form.validate_on_submit():
        try:
            members.accept_invite(session, current_user, token)
        except ServiceError as exc:
            session.rollback()
            return render_template("areas/invite.html", error=str(exc.message), area=area, form=form), exc.status
        flash(_("Welcome to %(name)s!", name=area.name), "success")
        return redirect(url_for("areas.detail", area_id=area.id))
    return render_template("areas/invite.html", error=None, area=area, form=form)


@bp.route("/<int:area_id>/households", methods=["GET", "POST"])
@login_required
def households_page(area_id: int):
    """The household roster (neighbourhood watch): add, change, remove."""
    session = get_session()
    area = get_area_for(session, current_user, area_id, need="members")
    if area.kind != AreaKind.grannsamverkan:
        return redirect(url_for("areas.detail", area_id=area.id))
    form = HouseholdForm()
    if form.validate_on_submit():
        try:
            households.add_household(session, current_user, area.id, address=form.address.data, participates=form.participates.data,
                                     contact_name=form.contact_name.data, contact_phone=form.contact_phone.data)
        except ServiceError as exc:
            show_refusal(form, exc)
        else:
            flash(_("The household is added."), "success")
            return redirect(url_for("areas.households_page", area_id=area.id))
    rows = households.roster(session, current_user, area.id)
    return render_template("areas/households.html", area=area, households=rows, form=form, plain=PlainForm(),
                           names=_names(session, [h.keeper_id for h in rows if h.keeper_id])), 422 if form.errors else 200


@bp.post("/<int:area_id>/households/<int:household_id>/<any(delete, optout, optin):action>")
@login_required
def household_action(area_id: int, household_id: int, action: str):
    """Remove a household, or record that it opted out (erasing its contact details) or in."""
    session = get_session()
    form = PlainForm()
    if form.validate_on_submit():
        try:
            if action == "delete":
                households.delete_household(session, current_user, area_id, household_id)
            else:
                households.update_household(session, current_user, area_id, household_id, participates=action == "optin")
        except ServiceError as exc:
            show_refusal(None, exc, raise_not_found=True)
        else:
            flash(_("The roster is updated."), "success")
    return redirect(url_for("areas.households_page", area_id=area_id))


@bp.route("/<int:area_id>/households/<int:household_id>/edit", methods=["GET", "POST"])
@login_required
def household_edit(area_id: int, household_id: int):
    """Change a household's address, participation or contact details."""
    session = get_session()
    area = get_area_for(session, current_user, area_id, need="members")
    h = households.get_household(session, current_user, area.id, household_id)
    form = HouseholdForm(obj=h if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            households.update_household(session, current_user, area.id, h.id, address=form.address.data,
                                        participates=form.participates.data, contact_name=form.contact_name.data,
                                        contact_phone=form.contact_phone.data)
        except ServiceError as exc:
            show_refusal(form, exc, raise_not_found=True)
        else:
            flash(_("The household is saved."), "success")
            return redirect(url_for("areas.households_page", area_id=area.id))
    return render_template("areas/household_edit.html", area=area, household=h, form=form), 422 if form.errors else 200
