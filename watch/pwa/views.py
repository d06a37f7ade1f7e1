"""Manifest, service worker, offline page, the worker's session probe; /notifications redirects to the one notifications page."""
from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf

from watch.pwa import shell

bp = Blueprint("pwa", __name__)

# POSTs the worker keeps in its offline queue when the network is gone.
QUEUED_POSTS = ("alerts_api.create", "est_api.create_report", "walks_api.create_observation")


def template_globals() -> dict:
    """Values the PWA parts of base.html use."""
    user = current_user.get_id() if current_user.is_authenticated else ""
    return {"pwa_user": user or ""}


def _shortcuts() -> list[dict]:
    wanted = [
        ("alerts.new", _("Report"), _("Report something suspicious"), "icons/shortcut-report-96.png"),
        ("areas.map_page", _("Map"), _("Map of my areas"), "icons/shortcut-map-96.png"),
    ]
    out = []
    for endpoint, name, description, icon in wanted:
        out.append({
            "name": name, "short_name": name, "description": description, "url": url_for(endpoint),
            "icons": [{"src": url_for("static", filename=icon), "sizes": "96x96", "type": "image/png"}],
        })
    return out


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest, in Swedish (the app's first language)."""
    cfg = current_app.config
    with force_locale(cfg["BABEL_DEFAULT_LOCALE"]):
        icon = lambda f, size, purpose: {  # noqa: E731
            "src": url_for("static", filename=f"icons/{f}"), "sizes": size, "type": "image/png", "purpose": purpose,
        }
        body = {
            "id": "/",
            "name": cfg["PWA_NAME"],
            "short_name": cfg["PWA_SHORT_NAME"],
            "description": _("Neighbourhood and boat watch: report what you see to your neighbours and the police."),
            "lang": cfg["BABEL_DEFAULT_LOCALE"],
            "dir": "ltr",
            "start_url": url_for("main.index"),
            "scope": "/",
            "display": "standalone",
            "orientation": "portrait-primary",
            "theme_color": cfg["PWA_THEME_COLOR"],
            "background_color": cfg["PWA_BACKGROUND_COLOR"],
            "categories": ["social", "utilities"],
            "icons": [
                icon("icon-192.png", "192x192", "any"),
                icon("icon-512.png", "512x512", "any"),
                icon("maskable-512.png", "512x512", "maskable"),
            ],
            "shortcuts": _shortcuts(),
        }
    response = Response(json.dumps(body, ensure_ascii=False, indent=1), mimetype="application/manifest+json")
    response.cache_control.no_cache = True
    return response


@bp.get("/sw.js")
def service_worker():
    """The service worker, from the root so its scope is the whole app."""
    config = {
        "version": shell.version(),
        "name": current_app.config["PWA_SHORT_NAME"],
        "precache": shell.precache_urls(),
        "offline": url_for("pwa.offline"),
        "session": url_for("pwa.session_probe"),
        "logout": url_for("accounts.logout"),
        "queued": [url_for(endpoint) for endpoint in QUEUED_POSTS],
        # Reads under these prefixes fall back to the public copies pages keep (cache 'watch-public').
        "public": [url_for("crisis.index")],
        "icon": url_for("static", filename="icons/icon-192.png"),
        "badge": url_for("static", filename="icons/badge-96.png"),
    }
    source = Path(current_app.static_folder, shell.SW_SOURCE).read_text(encoding="utf-8")
    body = f"const WATCH = {json.dumps(config)};\n{source}"
    response = Response(body, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    response.cache_control.no_cache = True
    response.cache_control.max_age = 0
    return response


@bp.get("/offline")
def offline():
    """Shown by the service worker for a page it has never seen while the network is gone."""
    # Cached for whoever uses the phone next: no user in it, and the page must not claim one.
    return render_template("pwa/offline.html", pwa_user=None)


@bp.get("/pwa/session")
def session_probe():
    """Who is logged in, and a fresh CSRF token: the worker sends queued alerts only as their author."""
    user = current_user.get_id() if current_user.is_authenticated else None
    response = jsonify(user=user, csrf_token=generate_csrf() if user else None)
    response.cache_control.no_store = True
    return response


@bp.get("/notifications")
@login_required
def notifications():
    """The old address of the notifications page: it is one page now, under the account."""
    return redirect(url_for("push.devices"))
