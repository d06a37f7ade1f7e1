"""Admin page: the access log, with filters."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField
from wtforms.validators import NumberRange, Optional

from watch.accounts import service as accounts
from watch.audit import service
from watch.core.db import get_session

bp = Blueprint("audit", __name__, url_prefix="/admin/access-log")
MAX_ID = 2**31 - 1


class FilterForm(FlaskForm):
    """Who, what, whose data, between which days (all optional)."""

    class Meta:
        csrf = False  # a GET search form

    kind = SelectField(_l("What"), choices=[("", _l("Everything"))] + [(k, v) for k, v in service.KINDS.items()],
                       validators=[Optional()])
    actor_id = IntegerField(_l("Viewed by (user number)"), validators=[Optional(), NumberRange(1, MAX_ID)])
    owner_id = IntegerField(_l("Whose data (user number)"), validators=[Optional(), NumberRange(1, MAX_ID)])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])


def _start(day) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=timezone.utc) if day else None


@bp.get("")
@login_required
def index():
    """Who viewed what, newest first (admins only)."""
    accounts.require_admin(current_user)
    form = FilterForm(request.args)
    rows = []
    if form.validate():
        until = _start(form.until.data)
        rows = service.records(get_session(), kind=form.kind.data or None, actor_id=form.actor_id.data,
                               owner_id=form.owner_id.data, since=_start(form.since.data),
                               until=until + timedelta(days=1) if until else None)
    status = 422 if form.errors else 200
    return render_template("audit/index.html", form=form, rows=rows, kinds=service.KINDS, roles=service.ROLES), status
