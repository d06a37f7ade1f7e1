"""Member pages: the contact representative's members page (people, join requests, invite links), roles; joining and leaving."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from watch.areas.forms import InviteForm, JoinForm
from watch.areas.invites import service as invites
from watch.areas.members import service as members
from watch.areas.registration import service as registration
from watch.areas.service import get_area_for, membership_of
from watch.areas.views import act, bp, names_of
from watch.core.db import get_session
from watch.core.errors import ServiceError
from watch.core.forms import PlainForm, show_refusal


@bp.route("/<int:area_id>/members", methods=["GET", "POST"])
@login_required
def members_page(area_id: int):
    """Members, join requests and invite links of an area (its contact representatives)."""
    session = get_session()
    area = get_area_for(session, current_user, area_id, need="members")
    form = InviteForm()
    if form.validate_on_submit():
        try:
            _invite, token = invites.create_invite(session, current_user, area.id, days=form.days.data)
        except ServiceError as exc:
            show_refusal(form, exc)
        else:
            flash(_("A new invite link is ready. Copy it, share it or print it for your neighbours."), "success")
            return redirect(url_for("areas.invite_share", area_id=area.id, invite_id=_invite.id))
    people = members.list_members(session, current_user, area.id)
    reqs = members.pending_requests(session, current_user, area.id)
    names = names_of(session, [m.user_id for m in people] + [r.user_id for r in reqs])
    return render_template("areas/members.html", area=area, people=people, requests=reqs, names=names,
                           invites=invites.list_invites(session, current_user, area.id), form=form,
                           plain=PlainForm(), training_valid=registration.training_valid), 422 if form.errors else 200


def members_page_action(area_id: int, action, message: str):
    """Run a posted button's `action()` from the members page, flash how it went, and go back there."""
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
    return members_page_action(area_id, lambda: members.decide_request(get_session(), current_user, area_id, request_id, approve=approve),
                               _("The person is now a member.") if approve else _("The request is declined."))


@bp.post("/<int:area_id>/members/<int:user_id>/remove")
@login_required
def remove_member(area_id: int, user_id: int):
    """Remove a member."""
    return members_page_action(area_id, lambda: members.remove_member(get_session(), current_user, area_id, user_id=user_id),
                               _("The member is removed from the area."))


@bp.post("/<int:area_id>/members/<int:user_id>/<any(contact, member, main):role>")
@login_required
def set_role(area_id: int, user_id: int, role: str):
    """Make a member contact representative, main contact, or member again."""
    return members_page_action(area_id, lambda: registration.set_role(get_session(), current_user, area_id, user_id=user_id,
                                                                      role="member" if role == "member" else "contact", main=role == "main"),
                               _("The role is changed."))


@bp.post("/<int:area_id>/join")
@login_required
def join(area_id: int):
    """Ask to join the area."""
    return act(area_id, lambda f: members.request_join(get_session(), current_user, area_id, message=f.message.data or ""),
               _("Your request is sent. A contact representative of the area will answer."), JoinForm)


@bp.post("/<int:area_id>/leave")
@login_required
def leave(area_id: int):
    """Leave the area."""
    result = act(area_id, lambda f: members.leave_area(get_session(), current_user, area_id), _("You have left the area."))
    if membership_of(get_session(), current_user, area_id) is None:
        return redirect(url_for("areas.map_page"))
    return result
