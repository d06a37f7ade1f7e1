"""GeoReport v2 endpoints; the format is the path's extension (.json or .xml), as the specification asks."""
from __future__ import annotations

from datetime import datetime
from xml.etree import ElementTree as ET

from flask import Blueprint, Response, current_app, json, request, url_for

from watch.accounts.service import user_for_token
from watch.core.db import get_session
from watch.core.errors import ServiceError
from watch.core.time import TZ
from watch.open311 import service
from watch.open311.service import Open311Error

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
# XML element names of list items, by their parent.
ITEMS = {"services": "service", "service_requests": "request", "attributes": "attribute", "values": "value",
         "errors": "error", "endpoints": "endpoint", "formats": "format", "service_request_updates": "request_update"}


def _xml(root: str, value) -> bytes:
    def fill(node, v):
        if isinstance(v, list):
            for item in v:
                fill(ET.SubElement(node, ITEMS.get(node.tag, "item")), item)
        elif isinstance(v, dict):
            for k, x in v.items():
                fill(ET.SubElement(node, k), x)
        elif isinstance(v, bool):
            node.text = "true" if v else "false"
        elif v is not None:
            node.text = str(v)

    top = ET.Element(root)
    fill(top, value)
    return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8")


def _answer(fmt: str, root: str, value, status: int = 200) -> Response:
    if fmt == "xml":
        return Response(_xml(root, value), status=status, mimetype="text/xml")
    return Response(json.dumps(value), status=status, mimetype="application/json")


def _fmt(fmt: str) -> str:
    if fmt not in ("json", "xml"):
        raise Open311Error("format_unknown", "Use .json or .xml.", 404)
    return fmt


def _error(fmt: str, exc: ServiceError) -> Response:
    return _answer(fmt if fmt in ("json", "xml") else "json", "errors",
                   [{"code": exc.status, "description": f"{exc.code}: {exc.message}"}], exc.status)


def _user():
    key = request.values.get("api_key") or ""
    user = user_for_token(get_session(), key) if key else None
    if user is None:
        raise Open311Error("api_key_invalid", "A valid api_key is required.", 403)
    return user


def _date(name: str) -> datetime | None:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error("date_invalid", f"{name} must be a W3C date-time.", 400)
    if value.tzinfo is None:
        value = value.replace(tzinfo=TZ)
    return value


def _guard(fn):
    def wrapper(fmt: str, **kw):
        try:
            return fn(fmt=_fmt(fmt), **kw)
        except ServiceError as exc:
            get_session().rollback()
            return _error(fmt, exc)

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


@bp.get("/discovery.<fmt>")
@_guard
def discovery(fmt: str):
    """The discovery document."""
    return _answer(fmt, "discovery", {
        "changeset": "2026-11-30T00:00:00+01:00", "contact": current_app.config.get("MAIL_DEFAULT_SENDER") or "",
        "key_service": "API tokens are made by a logged-in user on the profile page.",
        "endpoints": [{"specification": "http://wiki.open311.org/GeoReport_v2", "url": url_for("open311.services", fmt="json", _external=True).rsplit("/services", 1)[0],
                       "changeset": "2026-11-30T00:00:00+01:00", "type": "production", "formats": ["text/xml", "application/json"]}]})


@bp.get("/services.<fmt>")
@_guard
def services(fmt: str):
    """GET services."""
    return _answer(fmt, "services", service.services())


@bp.get("/services/<code>.<fmt>")
@_guard
def service_definition(code: str, fmt: str):
    """GET services/{code}: the attributes."""
    return _answer(fmt, "service_definition", service.definition(code))


@bp.post("/requests.<fmt>")
@_guard
def create(fmt: str):
    """POST requests (api_key required; media as multipart files)."""
    user = _user()
    media = [f.read() for f in request.files.getlist("media") if f and f.filename]
    key = request.headers.get("Idempotency-Key") or request.form.get("client_key") or None
    rid, notice = service.create(get_session(), user=user, form=request.form, media=media, client_key=key)
    return _answer(fmt, "service_requests", [{"service_request_id": rid, "service_notice": notice, "account_id": ""}], 201)


@bp.get("/requests.<fmt>")
@_guard
def requests(fmt: str):
    """GET requests (api_key required: requests are not public by default)."""
    user = _user()
    ids = [i.strip() for i in request.args.get("service_request_id", "").split(",") if i.strip()] or None
    status = request.args.get("status") or None
    if status not in (None, "open", "closed"):
        raise Open311Error("status_invalid", "status is open or closed.", 400)
    code = request.args.get("service_code") or None
    if code:
        service.definition(code)
    rows = service.records(get_session(), user, ids=ids, service_code=code, status=status, start=_date("start_date"), end=_date("end_date"))
    return _answer(fmt, "service_requests", rows)


@bp.get("/requests/<rid>.<fmt>")
@_guard
def request_one(rid: str, fmt: str):
    """GET requests/{id}."""
    rows = service.records(get_session(), _user(), ids=[rid])
    if not rows:
        raise Open311Error("request_not_found", "No such service request.", 404)
    return _answer(fmt, "service_requests", rows)


@bp.get("/servicerequestupdates.<fmt>")
@_guard
def updates(fmt: str):
    """GET servicerequestupdates (the widely used extension): the current state of each request as an update."""
    rows = service.updates(get_session(), _user(), start=_date("start_date"), end=_date("end_date"))
    return _answer(fmt, "service_request_updates", rows)


@bp.post("/servicerequestupdates.<fmt>")
@_guard
def receive_update(fmt: str):
    """POST servicerequestupdates: the owner's case system reports progress (api_key of a handler of the request)."""
    row, new = service.receive_update(get_session(), _user(), request.form)
    return _answer(fmt, "service_request_updates", [row], 201 if new else 200)
