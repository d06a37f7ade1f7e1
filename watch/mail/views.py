"""Member pages: e-mail choices (a partial for the notifications page) and unsubscribe links."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from watch.core.forms import PlainForm
from watch.core.db import get_session
from watch.core.errors import ServiceError
from watch.core.forms import show_refusal
from watch.mail import digest
from watch.mail.forms import MailPreferencesForm

bp = Blueprint("mail", __name__, url_prefix="/mail")


def preferences_form(user) -> MailPreferencesForm:
    """The preferences form filled with the user's choices (for templates/mail/_preferences.html)."""
    pref = digest.preferences(get_session(), user)
    return MailPreferencesForm(formdata=None, outcomes=pref.outcomes, digest=pref.digest)


@bp.route("/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    """E-mail choices: alert outcomes, daily or weekly summary. Shown on the one notifications page."""
    from watch.push.views import render_notifications_page

    back = url_for("push.devices", _anchor="mail-preferences")
    if request.method == "GET":
        return redirect(back)
    form = MailPreferencesForm()
    if form.validate_on_submit():
        try:
            digest.save_preferences(get_session(), current_user, outcomes=form.outcomes.data, digest=form.digest.data)
        except ServiceError as exc:
            show_refusal(form, exc)
        else:
            flash(_("Your e-mail choices are saved."), "success")
            return redirect(back)
    return render_notifications_page(mail_form=form), 422


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """Stop the summary from the link in it: GET shows the button (mail scanners follow links), POST stops it."""
    session = get_session()
    try:
        user = digest.user_for_unsubscribe(session, token)
    except ServiceError as exc:
        return render_template("mail/unsubscribe.html", error=exc.message, form=None), exc.status
    form = PlainForm()
    if request.method == "POST" and form.validate_on_submit():
        digest.unsubscribe(session, token)
        return render_template("mail/unsubscribe.html", error=None, done=True, form=None, email=user.email)
    return render_template("mail/unsubscribe.html", error=None, done=False, form=form, email=user.email)
