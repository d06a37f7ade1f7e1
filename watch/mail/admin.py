"""Admin page: mail that failed for good, what is waiting, and a retry."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlmodel import func, select

from watch.core.forms import PlainForm
from watch.accounts.service import require_admin
from watch.core.db import get_session
from watch.core.time import utcnow
from watch.core.errors import NotFound
from watch.mail.models import FAILED, PENDING, OutboxMessage
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
    failed = list(session.exec(select(OutboxMessage).where(OutboxMessage.status == FAILED).order_by(OutboxMessage.id.desc()).limit(200)))
    waiting = session.exec(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == PENDING)).one()
    return render_template("mail/admin.html", failed=failed, waiting=waiting, backend=backend_name(current_app), form=PlainForm())


@bp.post("/<int:message_id>/retry")
def retry(message_id: int):
    """Queue a failed message again (after fixing the address or the server)."""
    PlainForm()
    session = get_session()
    row = session.get(OutboxMessage, message_id)
    if row is None or row.status != FAILED:
        raise NotFound("mail_not_found", _("No such failed message."))
    row.status, row.attempts, row.next_attempt_at, row.admins_notified_at = PENDING, 0, utcnow(), None
    session.add(row)
    session.commit()
    flash(_("The message will be sent again."), "success")
    return redirect(url_for("mail_admin.outbox"))

