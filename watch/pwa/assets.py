"""Versioned static URLs, long cache lifetimes and gzip for text responses.

`url_for('static', filename=...)` gains `?v=<content hash>` automatically (and so
does `static_url(path)`); a request whose `v` matches the file's current hash is
cached for a year as immutable. Text responses are gzipped when the client
accepts it: static and vendored files once per file version, pages on the fly.
"""
from __future__ import annotations

import gzip
import hashlib
import importlib
import os
from functools import lru_cache
from pathlib import Path

from flask import Flask, current_app, request, url_for

YEAR = 60 * 60 * 24 * 365
COMPRESSIBLE = {
    "text/html", "text/css", "text/javascript", "application/javascript", "application/json",
    "application/manifest+json", "image/svg+xml", "text/plain", "application/xml",
}


@lru_cache(maxsize=2048)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(65536), b""):
            h.update(chunk)
    return h.hexdigest()[:12]


def file_hash(path: str | Path) -> str | None:
    """A short content hash of a file (recomputed only when it changes), or None if missing."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return _digest(str(path), st.st_mtime_ns, st.st_size)


def static_hash(filename: str) -> str | None:
    """The content hash of a file under the static folder."""
    folder = Path(current_app.static_folder).resolve()
    target = (folder / filename).resolve()
    if folder not in target.parents:
        return None
    return file_hash(target)


def vendor_version(name: str) -> str | None:
    """The XStatic package's version: its files change only with it."""
    from watch.main.vendor import PACKAGES

    module = PACKAGES.get(name)
    if module is None:
        return None
    return importlib.import_module(module).VERSION


def static_url(path: str, **values) -> str:
    """URL of a static file with its content hash, so it can be cached for a year."""
    return url_for("static", filename=path, **values)


def _add_version(endpoint: str, values: dict) -> None:
    if "v" in values:
        return
    if endpoint == "static" and values.get("filename"):
        digest = static_hash(values["filename"])
        if digest:
            values["v"] = digest
    elif endpoint == "vendor.asset" and values.get("name"):
        version = vendor_version(values["name"])
        if version:
            values["v"] = version


def _versioned_request() -> bool:
    v = request.args.get("v")
    if not v or request.endpoint not in ("static", "vendor.asset"):
        return False
    args = request.view_args or {}
    if request.endpoint == "static":
        return v == static_hash(args.get("filename", ""))
    return v == vendor_version(args.get("name", ""))


@lru_cache(maxsize=256)
def _gzip_cached(key: tuple, data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def _cache_headers(response):
    if request.endpoint in ("static", "vendor.asset") and response.status_code in (200, 304):
        if _versioned_request():
            response.cache_control.public = True
            response.cache_control.max_age = YEAR
            response.cache_control.immutable = True
            response.cache_control.no_cache = None
        elif request.endpoint == "static":
            # Unversioned: always revalidate (cheap, by ETag), so a deploy is seen at once.
            response.cache_control.max_age = None
            response.cache_control.no_cache = True
            response.cache_control.public = True
    return response


def _compress(response):
    cfg = current_app.config
    if not cfg.get("STATIC_GZIP", True) or request.method == "HEAD":
        return response
    if response.status_code != 200 or "Content-Encoding" in response.headers or "Content-Range" in response.headers:
        return response
    if response.mimetype not in COMPRESSIBLE:
        return response
    response.vary.add("Accept-Encoding")
    if "gzip" not in request.accept_encodings:
        return response
    if response.is_streamed and not response.direct_passthrough:
        return response
    response.direct_passthrough = False
    data = response.get_data()
    if len(data) < cfg.get("STATIC_GZIP_MIN_SIZE", 512):
        return response
    etag, weak = response.get_etag()
    if request.endpoint in ("static", "vendor.asset") and etag:
        body = _gzip_cached((request.path, etag), data)
    else:
        body = gzip.compress(data, compresslevel=6)
    response.set_data(body)
    response.headers["Content-Encoding"] = "gzip"
    if etag:
        # The gzipped bytes are a different representation: a different validator.
        gz_etag = f"{etag}-gz"
        response.set_etag(gz_etag, weak=weak)
        if request.if_none_match.contains_weak(gz_etag):
            response.set_data(b"")
            response.status_code = 304
            for header in ("Content-Encoding", "Content-Length"):
                response.headers.pop(header, None)
    return response


def _user_header(response):
    # The service worker keeps pages per person: this tells it, with each page and
    # API answer, whose they are, so it drops the last person's copies first.
    from flask import g

    user = getattr(g, "_login_user", None)
    if user is not None:
        response.headers["X-Watch-User"] = (user.get_id() or "") if user.is_authenticated else ""
    return response


def after_request(response):
    """Cache lifetimes first, then compression (which may turn a match into 304)."""
    return _compress(_cache_headers(_user_header(response)))


def init_app(app: Flask) -> None:
    """Hook the URL versioning, the cache headers and gzip into the app."""
    app.url_defaults(_add_version)
    app.after_request(after_request)
    app.jinja_env.globals["static_url"] = static_url
