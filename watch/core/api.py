"""The JSON API under /api/v1: one spec (spectree), one error envelope.

Domains declare their routes on their own blueprints (url_prefix /api/v1/...)
and decorate them with `spec.validate(...)` directly under the route decorator
(another decorator in between hides the route from the document); login is
checked by `bp.before_request(require_login)`. The OpenAPI document is served
at /api/v1/openapi.json.
"""
from __future__ import annotations

import copy
import json

from flask import Blueprint, Flask, jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from pydantic import BaseModel
from spectree import SecurityScheme, SpecTree
from spectree.models import SecuritySchemeData

from watch.core.errors import MESSAGES, envelope


class ErrorBody(BaseModel):
    """The error envelope's inner object."""

    status: int
    code: str
    message: str
    details: list | dict | None = None


class Error(BaseModel):
    """Every 4xx/5xx answer of the API has this shape."""

    error: ErrorBody


def _envelope_validation_errors(req, resp, req_validation_error, instance, model_adapter=None):
    # spectree answers a bad request body itself; rewrite it into our envelope.
    if req_validation_error is None or resp is None:
        return
    details = [
        {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
        for e in req_validation_error.errors(include_url=False, include_context=False)
    ]
    body = {"error": {"status": 422, "code": "validation_error", "message": str(MESSAGES[422]), "details": details}}
    resp.set_data(json.dumps(body))
    resp.mimetype = "application/json"


spec = SpecTree(
    "flask",
    title="watch API",
    version="1",
    path="api/v1/docs",  # spectree leaves routes under its own path out of the document
    mode="strict",
    page_templates={},
    validation_error_status=422,
    before=_envelope_validation_errors,
    security_schemes=[
        SecurityScheme(name="token", data=SecuritySchemeData(type="http", scheme="bearer")),
        SecurityScheme(name="session", data=SecuritySchemeData(type="apiKey", name="watch_session", field_in="cookie")),
    ],
    security={"token": [], "session": []},
)

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def require_login():
    """Blueprint before_request hook: 401 envelope unless logged in (session or token).

    Use `bp.before_request(require_login)` rather than flask-login's decorator,
    which would hide the route from the OpenAPI document.
    """
    if not current_user.is_authenticated:

        return envelope(401, "unauthorized", MESSAGES[401])
    return None


UNSAFE = {"post", "put", "patch", "delete"}
# Answers any route can give besides its own: who is asking (a bad token is 401 everywhere),
# CSRF for cookie requests that change something, the body limit, and a bad id or query.
GENERAL_ERRORS = {
    "401": "Not logged in, or the API token is invalid or revoked (code unauthorized or token_invalid).",
    "400": "A request with the session cookie but without a valid X-CSRFToken header (code csrf_failed); "
           "token requests never get it.",
    "413": "The request body is larger than the server accepts (code too_large).",
    "422": "The request does not validate (code validation_error, details per field) or a rule refuses it.",
}


def document() -> dict:
    """spectree's document with the error answers every route really gives, all in the one envelope."""
    doc = copy.deepcopy(spec.spec)
    error_ref = next(({"$ref": f"#/components/schemas/{name}"} for name in doc.get("components", {}).get("schemas", {})
                      if name.split(".")[0] == "Error"), None)
    if error_ref is None:
        return doc
    for path, item in doc.get("paths", {}).items():
        for method, op in item.items():
            if method not in UNSAFE | {"get"} or path in ("/api/v1/openapi.json", "/api/v1/"):
                continue
            wanted = ["401"]
            if method in UNSAFE:
                wanted.append("400")
            if "requestBody" in op:
                wanted.append("413")
            if "requestBody" in op or op.get("parameters"):
                wanted.append("422")
            responses = op.setdefault("responses", {})
            for status in wanted:
                responses.setdefault(status, {"description": GENERAL_ERRORS[status],
                                              "content": {"application/json": {"schema": error_ref}}})
            for status, answer in responses.items():
                if status.startswith(("4", "5")):
                    # spectree would describe its own validation body; the app rewrites it into the envelope.
                    answer["content"] = {"application/json": {"schema": error_ref}}
    return doc


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3 document of this API."""
    return jsonify(document())


@bp.get("/")
def index():
    """Where the API document lives."""
    return jsonify(openapi="/api/v1/openapi.json")


def init_app(app: Flask) -> None:
    """Register the API root and the OpenAPI route."""
    app.register_blueprint(bp)
    spec.register(app)


def _reject_constant(name: str):
    raise ValueError(name)


def strict_json():
    """Name the problem when a body is not JSON, or holds NaN/Infinity (which JSON does not allow)."""
    if request.method not in ("POST", "PUT", "PATCH") or not request.content_length:
        return None
    if not request.is_json:
        return envelope(415, "unsupported_media_type", _l("Send the request body as JSON (Content-Type: application/json)."))
    try:
        json.loads(request.get_data(cache=True), parse_constant=_reject_constant)
    except UnicodeDecodeError:
        return envelope(400, "invalid_json", _l("The request body is not valid JSON (it is not UTF-8)."))
    except json.JSONDecodeError as exc:
        return envelope(400, "invalid_json", _l("The request body is not valid JSON (line %(line)d, column %(col)d).", line=exc.lineno, col=exc.colno))
    except ValueError as exc:
        return envelope(400, "not_finite", _l("The request contains %(value)s; only finite numbers are allowed.", value=str(exc)[:10]))
    return None


class Empty(BaseModel):
    """Nothing to say."""
