"""Admin pages: users, roles, API tokens."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlmodel import select

from watch.accounts import service
from watch.accounts.forms import RoleForm
from watch.core.forms import PlainForm
from watch.accounts.models import User
from watch.core.db import get_session

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def _admins_only():
    service.require_admin(current_user)


@bp.get("/users")
def users():
    """Everyone, searchable by e-mail or name."""
    q = (request.args.get("q") or "").strip()
    query = select(User).order_by(User.display_name)
    if q:
        like = f"%{q.lower()}%"
        query = query.where((User.email.like(like)) | (User.display_name.ilike(like)))
    people = list(get_session().exec(query.limit(200)))
    return render_template("accounts/admin_users.html", people=people, q=q, form=RoleForm())


@bp.post("/users/<int:user_id>/role")
def set_role(user_id: int):
    """Grant or revoke police or admin."""
    form = RoleForm()
    if not form.validate():
        flash(_("The form was not valid."), "error")
    else:
        user = service.require_user(get_session(), user_id)
        service.set_role(get_session(), user=user, role=form.role.data, on=form.on.data == "1", municipality=form.municipality.data)
        flash(_("Roles of %(name)s are saved.", name=user.display_name), "success")
    return redirect(url_for("admin.users"))


@bp.get("/tokens")
def tokens():
    """Every API token, to revoke an integration's access."""
    return render_template("accounts/admin_tokens.html", tokens=service.tokens_of(get_session()), revoke_form=PlainForm())
