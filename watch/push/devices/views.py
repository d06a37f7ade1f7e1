"""The one notifications page (this device, a level per area, quiet hours, e-mail, devices); the alert receipt.

Two blueprints: "push" (the page, at /account/notifications) and "mail" (the e-mail part's own form
endpoint and the digest's unsubscribe link, at /mail); the e-mail choices themselves are watch.mail.preferences.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from watch.accounts.models import User
from watch.areas.models import Area, AreaRole
from watch.areas.service import user_area_roles
from watch.core.db import get_session
from watch.core.errors import ServiceError
from watch.core.forms import PlainForm, show_refusal
from watch.mail import preferences as mail_preferences
from watch.mail.forms import MailPreferencesForm
from watch.mail.forms import preferences_form as mail_preferences_form
from watch.push.devices import preferences, service
from watch.push.devices.forms import preferences_form

bp = Blueprint("push", __name__, url_prefix="/account/notifications")
mail_bp = Blueprint("mail", __name__, url_prefix="/mail")


def _areas(session):
    roles = user_area_roles(session, current_user)
    areas = sorted((session.get(Area, a) for a in roles), key=lambda a: a.name.casefold())
    return areas, {a for a, r in roles.items() if r == AreaRole.police}


@bp.route("", methods=["GET", "POST"])
@login_required
def devices():
    """The one notifications page; POST saves which alerts per area and the quiet hours."""
    session = get_session()
    areas, police_areas = _areas(session)
    levels = preferences.levels_for(session, current_user)
    form = preferences_form(areas, levels, police_areas)
    if request.method == "GET":
        quiet = preferences.quiet_hours_for(session, current_user)
        if quiet:
            form.quiet_start.data, form.quiet_end.data = quiet
    elif form.validate_on_submit():
        chosen = {a.id: form[f"area_{a.id}"].data for a in areas if a.id not in police_areas}
        try:
            preferences.save(session, current_user, levels=chosen, area_ids={a.id for a in areas},
                             quiet_start=form.quiet_start.data, quiet_end=form.quiet_end.data)
        except ServiceError as exc:
            show_refusal(form, exc)
        else:
            flash(_("Your notification settings were saved."), "success")
            return redirect(url_for("push.devices"))
    status = 422 if form.errors else 200
    return render_notifications_page(form=form, areas=areas, police_areas=police_areas), status


def render_notifications_page(*, form=None, areas=None, police_areas=None, mail_form=None) -> str:
    """The one notifications page: this device on/off, which alerts per area, quiet hours, e-mail, devices.

    The e-mail form posts to its own endpoint, which renders this page with its errors (`mail_form`).
    """
    session = get_session()
    if form is None:
        areas, police_areas = _areas(session)
        form = preferences_form(areas, preferences.levels_for(session, current_user), police_areas)
        quiet = preferences.quiet_hours_for(session, current_user)
        if quiet:
            form.quiet_start.data, form.quiet_end.data = quiet
    return render_template(
        "push/devices.html", form=form, areas=areas, police_areas=police_areas, remove_form=PlainForm(),
        devices=service.devices(session, current_user),
        mail_form=mail_form or mail_preferences_form(session, current_user),
        key_url=url_for("push_api.key"), subscriptions_url=url_for("push_api.subscribe"),
    )


@bp.post("/devices/<int:subscription_id>/remove")
@login_required
def remove(subscription_id: int):
    """Stop pushes to one device."""
    form = PlainForm()
    if form.validate_on_submit():
        service.unsubscribe(get_session(), current_user, subscription_id)
        flash(_("The device was removed. It gets no more notifications."), "success")
    return redirect(url_for("push.devices"))


def receipt_for(alert_id):
    """The alert's push receipt for templates/push/_receipt.html, if the user may see it (else None)."""
    if not isinstance(alert_id, int) or not current_user.is_authenticated:
        return None
    session = get_session()
    try:
        service.receipt_access(session, current_user, alert_id, detailed=False)
    except ServiceError:
        return None
    return service.alert_receipt(session, alert_id)


@mail_bp.route("/preferences", methods=["GET", "POST"], endpoint="preferences")
@login_required
def mail_choices():
    """E-mail choices: alert outcomes, daily or weekly summary. Shown on the one notifications page."""
    back = url_for("push.devices", _anchor="mail-preferences")
    if request.method == "GET":
        return redirect(back)
    form = MailPreferencesForm()
    if form.validate_on_submit():
        try:
            mail_preferences.save_preferences(get_session(), current_user, outcomes=form.outcomes.data, digest=form.digest.data)
        except ServiceError as exc:
            show_refusal(form, exc)
        else:
            flash(_("Your e-mail choices are saved."), "success")
            return redirect(back)
    return render_notifications_page(mail_form=form), 422


@mail_bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """Stop the summary from the link in it: GET shows the button (mail scanners follow links), POST stops it."""
    session = get_session()
    try:
        user = mail_preferences.user_for_unsubscribe(token, lambda user_id: session.get(User, user_id))
    except ServiceError as exc:
        return render_template("mail/unsubscribe.html", error=exc.message, form=None), exc.status
    form = PlainForm()
    if request.method == "POST" and form.validate_on_submit():
        mail_preferences.unsubscribe(session, user)
        return render_template("mail/unsubscribe.html", error=None, done=True, form=None, email=user.email)
    return render_template("mail/unsubscribe.html", error=None, done=False, form=form, email=user.email)
