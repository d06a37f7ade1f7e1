"""Pages that belong to no single domain."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import text

from watch.alerts import query
from watch.alerts.present import features
from watch.core.db import get_session
from watch.core.forms import PlainForm
from watch.core.security import safe_next
from watch.main.todo import tasks_for

bp = Blueprint("main", __name__)


def template_globals() -> dict:
    """Values every template may use."""
    return {
        "emergency_number": current_app.config["EMERGENCY_NUMBER"],
        "non_urgent_number": current_app.config["NON_URGENT_NUMBER"],
        "plain_form": PlainForm,
        "nav_items": nav_items(),
    }


def nav_items() -> list[tuple[str, str]]:
    """(endpoint, label) of the main navigation."""
    items = [
        ("main.index", _l("Home")),
        ("areas.map_page", _l("Map")),
        ("alerts.new", _l("Report")),
        ("alerts.list_page", _l("Alerts")),
    ]
    # The rest needs an account; "Log in" follows in base.html.
    return items if current_user.is_authenticated else items[:1]


@bp.get("/")
def index():
    """Start page: for a logged-in person their to-do list first, then the everyday ways in."""
    if not current_user.is_authenticated:
        return render_template("main/index.html")
    session = get_session()
    tasks = tasks_for(session, current_user)
    recent, _cursor = query.list_alerts(session, current_user, limit=3)
    return render_template("main/home.html", tasks=tasks, recent=features(session, recent, current_user, set()))


@bp.get("/about-112")
def emergency():
    """When to call 112 and when 114 14."""
    return render_template("main/emergency.html")


@bp.post("/lang/<code>")
def set_language(code: str):
    """Switch language for this session (and the profile, when logged in)."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db = get_session()
            db.add(current_user)
            db.commit()
    return redirect(safe_next(request.form.get("next")) or url_for("main.index"))


@bp.get("/healthz")
def health():
    """Liveness and database reachability, for the load balancer."""
    get_session().exec(text("SELECT 1"))
    return jsonify(status="ok")
