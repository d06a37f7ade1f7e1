"""Invitations by e-mail, and the invite link's share page with a printable QR code (issue 11)."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import ngettext
from flask_login import current_user, login_required
from markupsafe import Markup

from watch.areas import invitations
from watch.areas.forms import InviteEmailForm
from watch.areas.service import get_area_for
from watch.areas.views import bp
from watch.core.db import get_session
from watch.core.errors import ServiceError
from watch.core.forms import show_refusal


@bp.route("/<int:area_id>/invites/email", methods=["GET", "POST"])
@login_required
def invite_email(area_id: int):
    """E-mail a new invite link to a list of addresses."""
    session = get_session()
    area = get_area_for(session, current_user, area_id, need="members")
    form = InviteEmailForm()
    if form.validate_on_submit():
        try:
            invite, sent = invitations.invite_by_email(session, current_user, area.id, addresses=form.addresses.data, days=form.days.data)
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
    invite = invitations.invite_of(session, current_user, area_id, invite_id)
    url = invitations.invite_url(invite)
    return render_template("areas/invite_share.html", area=area, invite=invite, url=url,
                           qr=Markup(invitations.qr_svg(url)))
