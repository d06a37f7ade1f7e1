"""Security base: CSRF, rate limits, token auth for integrations, response headers."""
from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import Flask, current_app, g, request
from flask_limiter import Limiter
from flask_login import current_user
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, headers_enabled=True)

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def init_app(app: Flask) -> None:
    """CSRF on every unsafe request not made with an API token; limits; headers."""
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    app.config.setdefault("WTF_CSRF_HEADERS", ["X-CSRFToken", "X-CSRF-Token"])
    csrf.init_app(app)
    limiter.init_app(app)
    app.before_request(_protect)
    app.after_request(_headers)


def bearer_token() -> str | None:
    """The API token in the Authorization header, if any."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def _via_token() -> bool:
    # Asking who is logged in runs flask-login's loaders; for a bearer request
    # only the token one (watch.accounts.auth), which answers 401 to a bad token.
    return bearer_token() is not None and current_user.is_authenticated and bool(g.get("auth_via_token"))


def _protect() -> None:
    # Token requests never carry the session (see accounts.auth), so a forged
    # cross-site request cannot ride on a cookie: only they skip CSRF.
    token_request = _via_token()
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    if request.path.startswith("/open311/"):
        return  # GeoReport v2 authenticates by its api_key parameter only and never reads the session cookie
    if request.method in UNSAFE_METHODS and not token_request:
        # A view marked csrf_free authorises itself by a secret in the body, never by a cookie.
        if getattr(current_app.view_functions.get(request.endpoint or ""), "csrf_free", False):
            return
        csrf.protect()


def content_security_policy(app: Flask) -> str:
    """A CSP without unsafe-inline; tile hosts from MAP_TILE_URL are allowed as images."""
    img = ["'self'", "data:", "blob:"]
    tile = urlsplit(app.config.get("MAP_TILE_URL") or "")
    if tile.scheme and tile.netloc:
        img.append(f"{tile.scheme}://{tile.netloc.replace('{s}', '*')}")
    img += list(app.config.get("CSP_EXTRA_IMG_SRC") or [])
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": " ".join(img),
        "connect-src": "'self'",
        "font-src": "'self'",
        "manifest-src": "'self'",
        "worker-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{k} {v}" for k, v in directives.items())


def _headers(response):
    app = current_app
    if "csp" not in app.extensions:
        app.extensions["csp"] = content_security_policy(app)
    h = response.headers
    h.setdefault("Content-Security-Policy", app.extensions["csp"])
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("Referrer-Policy", "same-origin")
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("Permissions-Policy", "geolocation=(self), camera=(self), microphone=(), payment=()")
    h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if app.config["ENV"] == "production":
        h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.path.startswith("/api/") or getattr(g, "_login_user", None) is not None:
        # Pages and data about people are never stored by shared caches.
        h.setdefault("Cache-Control", "no-store")
    return response


def safe_next(target: str | None) -> str | None:
    """`target` if it is a same-site relative path (for redirects after login and the like), else None.

    Browsers ignore tabs and newlines in URLs and treat a backslash as a slash, so a
    value with any control character, whitespace or backslash is refused outright;
    what is left must start with one slash, have no scheme and no host.
    """
    for value in (target, unquote(target or "")):  # and once decoded, in case something decodes it again
        if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
            return None
        if any(ch.isspace() or ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F for ch in value):
            return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
        return None
    return target
