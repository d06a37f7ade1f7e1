"""Invite pages: invitations by e-mail, the invite link's share page with a printable QR code (issue 11), revoking, accepting."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from markupsafe import Markup

from watch.areas.forms import InviteEmailForm
from watch.areas.invites import service as invites
from watch.areas.members.views import members_page_action
from watch.areas.models import Area
from watch.areas.service import get_area_for
from watch.areas.views import bp
from watch.core.db import get_session
from watch.core.errors import ServiceError
from watch.core.forms import PlainForm, show_refusal


@bp.route("/<int:area_id>/invites/email", methods=["GET", "POST"])
@login_required
def invite_email(area_id: int):
    """E-mail a new invite link to a list of addresses."""
    session = get_session()
    area = get_area_for(session, current_user, area_id, need="members")
    form = InviteEmailForm()
    if form.validate_on_submit():
        try:
            invite, sent = invites.invite_by_email(session, current_user, area.id, addresses=form.addresses.data, days=form.days.data)
        except ServiceError as exc:
            show_refusal(form, exc)
        else:
            flash(ngettext("The invitation is on its way to %(num)d address.", "The invitation is on its way to %(num)d addresses.", len(sent)), "success")
            return redirect(url_for("areas.invite_share", area_id=area.id, invite_id=invite.id))
    return render_template("areas/invite_email.html", area=area, form=form), 422 if form.errors else 200


@bp.get("/<int:area_id>/invites/<int:invite_id>")
@login_required
def invite_share(area_id: int, invite_id: int):
    """The invite link to copy or share, and a printable flyer with its QR code."""
    session = get_session()
    area = get_area_for(session, current_user, area_id, need="members")
    invite = invites.invite_of(session, current_user, area_id, invite_id)
    url = invites.invite_url(invite)
    return render_template("areas/invite_share.html", area=area, invite=invite, url=url,
                           qr=Markup(invites.qr_svg(url)))



@bp.post("/<int:area_id>/invites/<int:invite_id>/revoke")
@login_required
def revoke_invite(area_id: int, invite_id: int):
    """Revoke an invite link."""
    return members_page_action(area_id, lambda: invites.revoke_invite(get_session(), current_user, area_id, invite_id),
                               _("The invite link no longer works."))


@bp.route("/join/<token>", methods=["GET", "POST"])
@login_required
def accept_invite(token: str):
    """Join an area with an invite link."""
    session = get_session()
    try:
        invite = invites.invite_for_token(session, token)
    except ServiceError as exc:
        return render_template("areas/invite.html", error=str(exc.message), area=None, form=PlainForm()), exc.status
    area = session.get(Area, invite.area_id)
    form = PlainForm()
    if form.validate_on_submit():
        try:
            invites.accept_invite(session, current_user, token)
        except ServiceError as exc:
            session.rollback()
            return render_template("areas/invite.html", error=str(exc.message), area=area, form=form), exc.status
        flash(_("Welcome to %(name)s!", name=area.name), "success")
        return redirect(url_for("areas.detail", area_id=area.id))
    return render_template("areas/invite.html", error=None, area=area, form=form)
