"""One error shape: a JSON envelope under /api/, a translated page elsewhere."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class ServiceError(Exception):
    """A refusal by a service function: a stable code, a translatable message, a status."""

    status = 400

    def __init__(self, code: str, message, status: int | None = None, **details):
        super().__init__(str(message))
        self.code = code
        self.message = message
        if status is not None:
            self.status = status
        self.details = details


class NotFound(ServiceError):
    """The thing does not exist, or the user may not know that it does."""

    status = 404


class Forbidden(ServiceError):
    """The user is known but may not do this."""

    status = 403


MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("Please log in first."),
    403: _l("You do not have permission to do that."),
    404: _l("That page does not exist, or you cannot see it."),
    405: _l("That method is not allowed here."),
    409: _l("That conflicts with the current state."),
    413: _l("What you sent is too large."),
    415: _l("That content type is not supported."),
    422: _l("Some fields are not valid."),
    429: _l("Too many attempts. Wait a moment and try again."),
    500: _l("Something went wrong on our side. Please try again."),
}

CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
    422: "validation_error", 429: "rate_limited", 500: "server_error",
}


def wants_json() -> bool:
    """API paths, and clients that ask for JSON over HTML, get the envelope."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def envelope(status: int, code: str, message, details=None):
    """The JSON error body every API error uses."""
    body = {"error": {"status": status, "code": code, "message": str(message)}}
    if details:
        body["error"]["details"] = details
    return jsonify(body), status


def render_error(status: int, code: str, message, details=None):
    """Respond with the envelope or the error page."""
    from watch.core.db import get_session

    get_session().rollback()
    if wants_json():
        return envelope(status, code, message, details)
    return render_template("errors/error.html", status=status, message=str(message)), status


def init_app(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(ServiceError)
    def _service_error(exc: ServiceError):
        return render_error(exc.status, exc.code, exc.message, exc.details or None)

    @app.errorhandler(CSRFError)
    def _csrf_error(exc: CSRFError):
        return render_error(400, "csrf_failed", _l("The form has expired or was not sent from this site. Reload the page and try again."))

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        status = exc.code or 500
        # Our own aborts may carry a specific message; library ones (e.g. the
        # rate limiter's "10 per 1 minute") get the translated standard text.
        custom = exc.description != type(exc).description and status != 429
        message = exc.description if custom else MESSAGES.get(status, exc.description)
        return render_error(status, CODES.get(status, "error"), message)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(500, "server_error", MESSAGES[500])
