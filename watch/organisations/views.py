"""Admin pages: a municipality's organisations and their members."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from watch.accounts.service import require_admin
from watch.core.db import get_session
from watch.core.errors import ServiceError
from watch.core.forms import show_refusal
from watch.organisations import service
from watch.organisations.access import get_organisation_for
from watch.organisations.forms import MemberForm, OrganisationForm, RoleForm
from watch.core.forms import PlainForm
from watch.organisations.models import KINDS, ROLES

bp = Blueprint("organisations", __name__, url_prefix="/admin/organisations")


@bp.before_request
@login_required
def _admins_only():
    require_admin(current_user)


@bp.route("/", methods=["GET", "POST"])
def index():
    """Every organisation (filtered by municipality) and a form for a new one."""
    municipality = (request.args.get("municipality") or "").strip() or None
    form = OrganisationForm(municipality=municipality)
    if form.validate_on_submit():
        try:
            org = service.create_organisation(get_session(), actor=current_user, municipality=form.municipality.data,
                                              name=form.name.data, kind=form.kind.data)
        except ServiceError as exc:
            show_refusal(form, exc)
        else:
            flash(_("%(name)s is added.", name=org.name), "success")
            return redirect(url_for(".detail", organisation_id=org.id))
    orgs = service.list_organisations(get_session(), municipality=municipality)
    return render_template("organisations/index.html", orgs=orgs, form=form, kinds=KINDS, municipality=municipality)


@bp.route("/<int:organisation_id>", methods=["GET", "POST"])
def detail(organisation_id: int):
    """One organisation: edit it, its members and their EST roles."""
    session = get_session()
    org = get_organisation_for(session, current_user, organisation_id, "manage")
    form = OrganisationForm(obj=org)
    if form.validate_on_submit():
        try:
            service.update_organisation(session, actor=current_user, organisation_id=org.id, name=form.name.data,
                                        kind=form.kind.data, active=form.active.data)
        except ServiceError as exc:
            show_refusal(form, exc)
        else:
            flash(_("The organisation is saved."), "success")
            return redirect(url_for(".detail", organisation_id=org.id))
    return render_template("organisations/detail.html", org=org, form=form, member_form=MemberForm(prefix="m"),
                           members=service.members_of(session, org.id),
                           kinds=KINDS, roles=ROLES)


@bp.post("/<int:organisation_id>/members")
def add_member(organisation_id: int):
    """Add a user by e-mail with an EST role."""
    form = MemberForm(prefix="m")
    if form.validate_on_submit():
        try:
            service.add_member(get_session(), actor=current_user, organisation_id=organisation_id,
                               email=form.email.data, role=form.role.data)
        except ServiceError as exc:
            show_refusal(None, exc, raise_not_found=True)
        else:
            flash(_("The member is saved."), "success")
    else:
        flash(_("Enter the user's e-mail address and a role."), "error")
    return redirect(url_for(".detail", organisation_id=organisation_id))


@bp.post("/<int:organisation_id>/members/<int:membership_id>/role")
def set_role(organisation_id: int, membership_id: int):
    """Change a member's EST role."""
    form = RoleForm()
    if form.validate_on_submit():
        try:
            service.set_member_role(get_session(), actor=current_user, organisation_id=organisation_id,
                                    membership_id=membership_id, role=form.role.data)
        except ServiceError as exc:
            show_refusal(None, exc, raise_not_found=True)
        else:
            flash(_("The role is saved."), "success")
    return redirect(url_for(".detail", organisation_id=organisation_id))


@bp.post("/<int:organisation_id>/members/<int:membership_id>/remove")
def remove_member(organisation_id: int, membership_id: int):
    """Take a user out of the organisation."""
    if PlainForm().validate_on_submit():
        service.remove_member(get_session(), actor=current_user, organisation_id=organisation_id, membership_id=membership_id)
        flash(_("The member is removed."), "success")
    return redirect(url_for(".detail", organisation_id=organisation_id))


@bp.post("/<int:organisation_id>/delete")
def delete(organisation_id: int):
    """Delete the organisation (refused while its reports exist: deactivate it instead)."""
    if PlainForm().validate_on_submit():
        try:
            service.delete_organisation(get_session(), actor=current_user, organisation_id=organisation_id)
        except ServiceError as exc:
            show_refusal(None, exc, raise_not_found=True)
            return redirect(url_for(".detail", organisation_id=organisation_id))
        flash(_("The organisation is deleted."), "success")
    return redirect(url_for(".index"))
