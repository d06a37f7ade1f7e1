"""Alert pages: post (works without JS), list, map, detail with its thread and actions, photos."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, flash, redirect, render_template, request, send_from_directory, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from watch.alerts import extras, lifecycle, photos as photo_store, present, query, service
from watch.alerts.access import get_alert_for, staff_area_ids
from watch.alerts.areas import active_areas
from watch.areas.service import map_view, user_area_roles
from watch.alerts.forms import STATUS_FILTERS, AlertForm, CloseForm, FilterForm, HideForm, UpdateForm
from watch.areas.models import AreaRole
from watch.alerts.models import CATEGORY_LABELS, STATUS_LABELS, AlertPhoto, Category, Status
from watch.audit.service import record_access
from watch.core.db import get_session
from watch.core.errors import NotFound, ServiceError
from watch.core.formats import unbroken

bp = Blueprint("alerts", __name__, url_prefix="/alerts")


@bp.before_request
@login_required
def _login():
    """Every alert page needs a logged-in user."""


def _field_error(form, exc: ServiceError) -> None:
    name = exc.details.get("field", "")
    if name == "location":
        form.location_errors.append(str(exc.message))
        return
    field = getattr(form, name, None) if name else None
    if field is not None and field.type != "HiddenField":
        field.errors = list(field.errors or []) + [str(exc.message)]
    else:
        form.form_errors = list(form.form_errors or []) + [str(exc.message)]


def _local_time(value: str | None) -> datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    for fmt in ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"):
        try:
            naive = datetime.strptime(value, fmt)
        except ValueError:
            continue
        return naive.replace(tzinfo=ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))
    raise ServiceError("observed_invalid", _l("Enter the date and time, e.g. 2024-05-01 22:30."), 422, field="observed_at")


def _uploads(name: str) -> list[bytes]:
    return [f.read() for f in request.files.getlist(name) if f and f.filename]


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Post an alert: category, position, text, photos; the 112 notice before the button."""
    session = get_session()
    form = AlertForm()
    areas = service.postable_areas(session, current_user)
    form.set_choices(information=service.may_post_information(session, current_user), areas=areas)
    form.location_errors = []
    status = 200
    if request.method == "GET":
        form.prefill(request.args)
    if request.method == "POST":
        try:
            # Without a position from the script, the service puts the alert at the chosen area's centre.
            alert, _created = service.post_alert(
                session, current_user, category=form.category.data, text=form.text.data, lon=form.lon.data, lat=form.lat.data,
                observed_at=_local_time(request.form.get("observed_at")), area_id=form.area_id.data or None,
                registration=form.registration.data, boat_id=form.boat_id.data or None,
                engine_id=form.engine_id.data or None, photos=_uploads("photos"),
                person=form.person(),
            )
        except ServiceError as exc:
            _field_error(form, exc)
            status = exc.status if exc.status in (403, 429) else 422
        else:
            flash(_("Your alert is sent to the people in the area."), "success")
            return redirect(url_for("alerts.detail", alert_id=alert.id))
    view = map_view(session, current_user, [a.id for a in areas] if not service.is_global_poster(current_user) else None)
    return render_template("alerts/new.html", form=form, areas=areas, has_areas=bool(areas), map_view=view,
                           **extras.form_context(session, current_user)), status


def _triages() -> bool:
    """Police contacts (and admins) see unacknowledged alerts first."""
    if current_user.is_police or current_user.is_admin:
        return True
    return AreaRole.police in user_area_roles(get_session(), current_user).values()


def _filters():
    form = FilterForm(request.args)
    form.status.choices = STATUS_FILTERS
    if not form.status.data or form.status.data == "None":
        form.status.data = "open" if _triages() else "all"
    form.category.choices = [("", _l("All categories"))] + [(c.value, CATEGORY_LABELS[c]) for c in Category]
    form.span.choices = [(k, v) for k, v in query.SPAN_LABELS.items()] + [("all", _l("All time"))]
    if not form.span.data or form.span.data == "None":
        form.span.data = "30d"
    return form


@bp.get("")
def list_page():
    """The alerts of the user's areas, newest first: the accessible list next to the map."""
    session = get_session()
    form = _filters()
    try:
        alerts, cursor = query.list_alerts(
            session, current_user, since=query.since_for_span(form.span.data),
            categories=query.parse_categories(form.category.data), cursor=request.args.get("cursor"),
            statuses=query.parse_statuses(form.status.data),
            limit=current_app.config["ALERTS_PAGE_SIZE"],
        )
    except ServiceError:
        alerts, cursor = [], None
    roles = user_area_roles(session, current_user)
    items = present.features(session, alerts, current_user, staff_area_ids(session, current_user, roles))
    return render_template("alerts/list.html", items=items, form=form, cursor=cursor, has_areas=bool(roles) or current_user.is_admin)


@bp.get("/map")
def map_page():
    """The alerts of the user's areas on a map, clustered, with the same list below."""
    form = _filters()
    session = get_session()
    view = map_view(session, current_user)
    return render_template("alerts/map.html", form=form, categories={c.value: str(CATEGORY_LABELS[c]) for c in Category},
                           statuses={s.value: str(STATUS_LABELS[s]) for s in Status}, map_view=view)


def _render_detail(access, status=200, **forms):
    session = get_session()
    data = present.detail(session, access)
    area_names = {a.id: a.name for a in active_areas(session, access.area_ids)}
    forms.setdefault("update_form", UpdateForm(formdata=None))
    forms.setdefault("close_form", CloseForm(formdata=None))
    forms.setdefault("hide_form", HideForm(formdata=None))
    closer = access.alert.closed_by_id
    closed_by_role = query.speaker_roles(session, {closer}, access.area_ids).get(closer) if closer else None
    added = extras.detail_context(session, access.user, access.alert.id)
    return render_template("alerts/detail.html", alert=data, props=data["properties"], access=access,
                           area_names=area_names, closed_by_role=closed_by_role, **added, **forms), status


@bp.get("/<int:alert_id>")
def detail(alert_id: int):
    """One alert: what, where, when, who acknowledged it, the thread, the actions the user may take."""
    session = get_session()
    access = get_alert_for(session, current_user, alert_id)
    record_access(session, actor=current_user, kind="alert", object_id=alert_id, owner_id=access.alert.author_id)
    return _render_detail(access)


@bp.post("/<int:alert_id>/updates")
def add_update(alert_id: int):
    """Add a message (and a photo) to the thread."""
    session = get_session()
    access = get_alert_for(session, current_user, alert_id, need="update")
    form = UpdateForm()
    try:
        files = _uploads("photo")
        lifecycle.add_update(session, access, current_user, text=form.text.data, photo=files[0] if files else None)
    except ServiceError as exc:
        form.text.errors = [str(exc.message)]
        return _render_detail(access, 409 if exc.status == 409 else 422, update_form=form)
    return redirect(url_for("alerts.detail", alert_id=alert_id) + "#updates")


@bp.post("/<int:alert_id>/acknowledge")
def acknowledge(alert_id: int):
    """Acknowledge (police contact of the area, or admin)."""
    session = get_session()
    access = get_alert_for(session, current_user, alert_id, need="ack")
    try:
        lifecycle.acknowledge(session, access, current_user)
    except ServiceError as exc:
        flash(str(exc.message), "error")
    else:
        flash(_("The alert is acknowledged."), "success")
    return redirect(url_for("alerts.detail", alert_id=alert_id))


@bp.post("/<int:alert_id>/close")
def close(alert_id: int):
    """Close with an outcome (police contact of the area, or admin)."""
    session = get_session()
    access = get_alert_for(session, current_user, alert_id, need="close")
    form = CloseForm()
    try:
        lifecycle.close(session, access, current_user, outcome=form.outcome.data, note=form.note.data)
    except ServiceError as exc:
        (form.note if exc.details.get("field") == "note" else form.outcome).errors = [str(exc.message)]
        return _render_detail(access, exc.status, close_form=form)
    flash(_("The alert is closed."), "success")
    return redirect(url_for("alerts.detail", alert_id=alert_id))


@bp.post("/<int:alert_id>/hide")
def hide(alert_id: int):
    """Hide from members with a reason (contact representative of the area, or admin)."""
    session = get_session()
    access = get_alert_for(session, current_user, alert_id, need="hide")
    form = HideForm()
    try:
        lifecycle.hide(session, access, current_user, reason=form.reason.data)
    except ServiceError as exc:
        form.reason.errors = [str(exc.message)]
        return _render_detail(access, exc.status, hide_form=form)
    flash(_("The alert is hidden from members. The person who posted it sees your reason."), "success")
    return redirect(url_for("alerts.detail", alert_id=alert_id))


@bp.get("/<int:alert_id>/photos/<int:photo_id>")
def photo(alert_id: int, photo_id: int):
    """A photo, only to those who may see the alert; never kept by shared caches."""
    session = get_session()
    get_alert_for(session, current_user, alert_id)
    item = session.get(AlertPhoto, photo_id)
    if item is None or item.alert_id != alert_id:
        raise NotFound("photo_not_found", _l("No such photo."))
    record_access(session, actor=current_user, kind="alert_photo", object_id=photo_id, owner_id=item.author_id)
    response = send_from_directory(photo_store.photo_dir(), item.filename, mimetype=item.content_type, max_age=3600)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.app_template_global("format_alert_time")
def format_alert_time(value) -> str:
    """A time (datetime or ISO string) in the user's language and zone."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return unbroken(format_datetime(value, "short"))
