"""The household roster pages (neighbourhood watch): add, change, opt out or in, remove."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from watch.areas.forms import HouseholdForm
from watch.areas.households import service as households
from watch.areas.models import AreaKind
from watch.areas.service import get_area_for
from watch.areas.views import bp, names_of
from watch.core.db import get_session
from watch.core.errors import ServiceError
from watch.core.forms import PlainForm, show_refusal


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
                           names=names_of(session, [h.keeper_id for h in rows if h.keeper_id])), 422 if form.errors else 200


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

