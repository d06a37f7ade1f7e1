"""Account pages: register, log in and out, profile, password, delete, tokens, export."""
from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from watch.accounts import service, sessions
from watch.accounts.auth import log_in, log_out
from watch.accounts.forms import DeleteForm, LoginForm, PasswordForm, ProfileForm, RegisterForm, TokenForm
from watch.core.forms import PlainForm
from watch.core.db import get_session
from watch.core.errors import ServiceError
from watch.core.forms import show_refusal
from watch.core.security import limiter, safe_next

bp = Blueprint("accounts", __name__, url_prefix="/account")


def _safe_next(target: str | None) -> str:
    """Only same-site paths; anything else goes home."""
    return safe_next(target) or url_for("main.index")


def _login_email_key() -> str:
    return "login:" + (request.form.get("email") or "").strip().lower()


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_REGISTER"], methods=["POST"])
def register():
    """Create an account and log in."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = service.register(
                get_session(), email=form.email.data, display_name=form.display_name.data,
                password=form.password.data, phone=form.phone.data,
            )
        except ServiceError as exc:
            show_refusal(form, exc)
        else:
            log_in(user)
            flash(_("Welcome, %(name)s! Your account is ready.", name=user.display_name), "success")
            return redirect(url_for("main.index"))
    status = 422 if form.errors else 200
    return render_template("accounts/register.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"], key_func=_login_email_key)
def login():
    """Log in with e-mail and password."""
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = service.authenticate(get_session(), email=form.email.data, password=form.password.data)
        if user is None:
            flash(_("Wrong e-mail or password."), "error")
        else:
            session.clear()
            log_in(user, remember=form.remember.data)
            if user.locale:
                session["lang"] = user.locale
            return redirect(_safe_next(form.next.data))
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
def logout():
    """Log out (POST with CSRF, so no link can log anyone out)."""
    PlainForm()  # the CSRF check already ran in before_request
    log_out()
    flash(_("You are logged out."), "info")
    response = redirect(url_for("main.index"))
    # Tells the service worker to drop cached pages of this user.
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    """Name, phone, language."""
    form = ProfileForm(obj=current_user)
    if request.method == "GET":
        form.locale.data = current_user.locale or "sv"
    if form.validate_on_submit():
        try:
            service.update_profile(
                get_session(), current_user, display_name=form.display_name.data,
                phone=form.phone.data, locale=form.locale.data,
            )
        except ServiceError as exc:
            show_refusal(form, exc)
        else:
            session["lang"] = form.locale.data
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("accounts.profile"))
    live = sessions.count(get_session(), current_user)
    return render_template("accounts/profile.html", form=form, live_sessions=live), 422 if form.errors else 200


@bp.post("/logout-everywhere")
@login_required
def logout_everywhere():
    """End every session of this user on every device, this one included."""
    PlainForm()
    service.log_out_everywhere(get_session(), current_user)
    log_out()
    flash(_("You are logged out on all devices. API tokens still work; revoke them under API tokens."), "info")
    response = redirect(url_for("accounts.login"))
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    """Change password; other sessions end."""
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            service.change_password(get_session(), current_user, current=form.current_password.data, new=form.new_password.data)
        except ServiceError as exc:
            show_refusal(form, exc)
        else:
            log_in(current_user._get_current_object())  # a new session here; the others have ended
            flash(_("Your password is changed. Other devices have been logged out."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/password.html", form=form), 422 if form.errors else 200


@bp.route("/delete", methods=["GET", "POST"])
@login_required
def delete():
    """Delete own account and data."""
    form = DeleteForm()
    if form.validate_on_submit():
        try:
            service.delete_account(get_session(), current_user, password=form.password.data)
        except ServiceError as exc:
            show_refusal(form, exc)
        else:
            log_out()
            flash(_("Your account and your data have been deleted."), "info")
            return redirect(url_for("main.index"))
    return render_template("accounts/delete.html", form=form), 422 if form.errors else 200


@bp.get("/export")
@login_required
def export():
    """Download everything we hold about the user (GDPR)."""
    data = service.export_data(get_session(), current_user)
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return Response(body, mimetype="application/json", headers={"Content-Disposition": "attachment; filename=watch-data.json"})


@bp.route("/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    """The user's API tokens; create one (shown once)."""
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        try:
            _token, new_token = service.create_token(get_session(), current_user, name=form.name.data)
        except ServiceError as exc:
            show_refusal(form, exc)
    return render_template(
        "accounts/tokens.html", form=form, new_token=new_token,
        tokens=service.tokens_of(get_session(), current_user), revoke_form=PlainForm(),
    )


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    """Revoke one of the user's tokens."""
    service.revoke_token(get_session(), actor=current_user, token_id=token_id)
    flash(_("The token is revoked."), "info")
    return redirect(request.referrer if request.referrer and request.referrer.startswith(request.host_url) else url_for("accounts.tokens"))
