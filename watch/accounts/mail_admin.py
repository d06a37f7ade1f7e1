"""Admin page of the e-mail outbox (watch.mail): mail that failed for good, what is waiting, and a retry.

Here rather than in watch.mail because it needs the admin rule: the outbox knows no accounts.
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from watch.accounts.service import require_admin
from watch.core.db import get_session
from watch.core.forms import PlainForm
from watch.mail import failures
from watch.mail.sender import backend_name

bp = Blueprint("mail_admin", __name__, url_prefix="/admin/mail")


@bp.before_request
@login_required
def _admins_only():
    require_admin(current_user)


@bp.get("/")
def outbox():
    """Permanent failures (newest first) and the number of messages waiting."""
    session = get_session()
    return render_template("mail/admin.html", failed=failures.failed(session), waiting=failures.waiting(session),
                           backend=backend_name(current_app), form=PlainForm())


@bp.post("/<int:message_id>/retry")
def retry(message_id: int):
    """Queue a failed message again (after fixing the address or the server)."""
    PlainForm()
    failures.retry(get_session(), message_id)
    flash(_("The message will be sent again."), "success")
    return redirect(url_for("mail_admin.outbox"))
