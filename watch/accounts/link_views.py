"""Pages behind e-mailed links: forgotten password, reset, address confirmation and change."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from watch.accounts import links
from watch.accounts.auth import log_in
from watch.accounts.forms import EmailChangeForm, ForgotForm, ResetForm
from watch.core.forms import PlainForm
from watch.accounts.views import bp
from watch.core.db import get_session
from watch.core.errors import ServiceError
from watch.core.forms import show_refusal
from watch.core.security import limiter


def _reset_limit() -> str:
    return current_app.config["RATELIMIT_RESET"]


def _address_key() -> str:
    return "reset:" + (request.form.get("email") or "").strip().lower()


def _user_key() -> str:
    return f"confirm:{current_user.get_id()}"


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
@limiter.limit(_reset_limit, methods=["POST"], key_func=_address_key)
def forgot():
    """"Forgot your password?": the same answer whether or not the address has an account."""
    form = ForgotForm()
    if form.validate_on_submit():
        try:
            links.request_reset(get_session(), email=form.email.data)
        except ServiceError as exc:
            show_refusal(form, exc)
        else:
            flash(_("If an account has that address, we have sent it a link to choose a new password. It works for one hour."), "info")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot.html", form=form), 422 if form.errors else 200


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    """Choose a new password from a reset link; every other session ends."""
    session = get_session()
    try:
        links.check_reset(session, token)
    except ServiceError as exc:
        return render_template("accounts/link_refused.html", message=exc.message), exc.status
    form = ResetForm()
    if form.validate_on_submit():
        try:
            user = links.reset_password(session, token=token, password=form.password.data)
        except ServiceError as exc:
            show_refusal(form, exc)
        else:
            log_in(user)
            flash(_("Your password is changed and you are logged in. Other devices have been logged out."), "success")
            return redirect(url_for("main.index"))
    return render_template("accounts/reset.html", form=form), 422 if form.errors else 200


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """Confirm an address: GET shows the button (mail scanners follow links), POST confirms."""
    session = get_session()
    try:
        _user, address = links.check_confirmation(session, token)
    except ServiceError as exc:
        return render_template("accounts/link_refused.html", message=exc.message), exc.status
    form = PlainForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            links.confirm(session, token=token)
        except ServiceError as exc:
            session.rollback()
            return render_template("accounts/link_refused.html", message=exc.message), exc.status
        flash(_("Your e-mail address %(address)s is confirmed.", address=address), "success")
        return redirect(url_for("accounts.profile" if current_user.is_authenticated else "accounts.login"))
    return render_template("accounts/confirm.html", form=form, address=address)


@bp.post("/confirm/resend")
@login_required
@limiter.limit(_reset_limit, key_func=_user_key)
def resend_confirmation():
    """Send the confirmation link again."""
    PlainForm()
    links.resend_confirmation(get_session(), current_user)
    flash(_("We have sent a new confirmation link to %(address)s.", address=current_user.email), "info")
    return redirect(url_for("accounts.profile"))


@bp.route("/email", methods=["GET", "POST"])
@login_required
@limiter.limit(_reset_limit, methods=["POST"], key_func=_user_key)
def change_email():
    """Change the address: confirmed by a link to the new one; the old one is told."""
    form = EmailChangeForm()
    if form.validate_on_submit():
        try:
            address = links.request_email_change(get_session(), current_user, new_email=form.email.data, password=form.password.data)
        except ServiceError as exc:
            show_refusal(form, exc)
        else:
            flash(_("We have sent a confirmation link to %(address)s. Your address changes when you follow it.", address=address), "info")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/email.html", form=form), 422 if form.errors else 200
