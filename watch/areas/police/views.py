"""The police's side of an area page: its police contacts, and deciding on a new outline."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user, login_required

from watch.areas.forms import PoliceContactForm, RejectForm
from watch.areas.geometry import outline
from watch.areas.police import service as police
from watch.areas.views import act, bp
from watch.core.db import get_session


@bp.post("/<int:area_id>/police")
@login_required
def add_police(area_id: int):
    """Add a police contact to the area."""
    session = get_session()

    def form_cls():
        form = PoliceContactForm()
        form.user_id.choices = [(u.id, u.display_name) for u in police.candidates(session, current_user, area_id)]
        return form

    police.candidates(session, current_user, area_id)  # 404/403 before the form is read
    return act(area_id, lambda f: police.add_police_contact(session, current_user, area_id, user_id=f.user_id.data),
               _("The police contact is added. They now receive the area's alerts."), form_cls)


@bp.post("/<int:area_id>/police/<int:user_id>/remove")
@login_required
def remove_police(area_id: int, user_id: int):
    """Remove a police contact from the area."""
    return act(area_id, lambda f: police.remove_police_contact(get_session(), current_user, area_id, user_id=user_id),
               _("The police contact is removed."))


@bp.post("/<int:area_id>/outline/approve")
@login_required
def approve_outline(area_id: int):
    """Approve the area's new outline."""
    return act(area_id, lambda f: outline.approve_change(get_session(), current_user, area_id),
               _("The new outline is approved and in use."))


def _reject_form():
    return RejectForm(prefix="outline")


@bp.post("/<int:area_id>/outline/reject")
@login_required
def reject_outline(area_id: int):
    """Refuse the area's new outline with a reason."""
    return act(area_id, lambda f: outline.reject_change(get_session(), current_user, area_id, reason=f.reason.data),
               _("The new outline is rejected. The contact representative sees your reason on the area's page."), _reject_form)


@bp.post("/<int:area_id>/outline/withdraw")
@login_required
def withdraw_outline(area_id: int):
    """Take back a proposed outline."""
    return act(area_id, lambda f: outline.withdraw_change(get_session(), current_user, area_id),
               _("The proposed outline is withdrawn."))
