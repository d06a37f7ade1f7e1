"""The app shell the service worker precaches, and the cache version derived from it."""
from __future__ import annotations

import hashlib
import importlib
from pathlib import Path

from flask import current_app, url_for

from watch.pwa.assets import file_hash

# Vendored files the map needs offline (XStatic package name -> files).
VENDOR_FILES = {
    "leaflet": (
        "leaflet.js", "leaflet.css", "images/marker-icon.png", "images/marker-icon-2x.png",
        "images/marker-shadow.png", "images/layers.png", "images/layers-2x.png",
    ),
    "markercluster": ("leaflet.markercluster.js", "MarkerCluster.css", "MarkerCluster.Default.css"),
}
STATIC_GLOBS = ("css/*.css", "css/**/*.css", "js/*.js", "js/**/*.js", "icons/*.png", "icons/*.svg")
SW_SOURCE = "js/pwa/sw.js"


def static_files() -> list[str]:
    """Our own static files that belong in the shell (paths relative to the static folder)."""
    folder = Path(current_app.static_folder)
    found = set()
    for pattern in STATIC_GLOBS:
        for path in folder.glob(pattern):
            rel = path.relative_to(folder).as_posix()
            if path.is_file() and rel != SW_SOURCE:
                found.add(rel)
    return sorted(found)


def vendor_files() -> list[tuple[str, str]]:
    """(package, filename) pairs of vendored files that exist in the installed packages."""
    from watch.main.vendor import PACKAGES

    pairs = []
    for name, files in VENDOR_FILES.items():
        base = Path(importlib.import_module(PACKAGES[name]).BASE_DIR)
        pairs += [(name, f) for f in files if (base / f).is_file()]
    return pairs


def precache_urls() -> list[str]:
    """Every URL the service worker stores at install: versioned assets, the offline page."""
    urls = [url_for("static", filename=f) for f in static_files()]
    urls += [url_for("vendor.asset", name=n, filename=f) for n, f in vendor_files()]
    urls += [url_for("pwa.offline"), url_for("pwa.manifest")]
    return urls


def version() -> str:
    """A hash over the shell's contents: a new one makes the worker re-install and drop old caches."""
    from watch.core import ROOT

    folder = Path(current_app.static_folder)
    h = hashlib.sha256()
    for rel in static_files() + [SW_SOURCE]:
        h.update(f"{rel}:{file_hash(folder / rel)}\n".encode())
    for name, f in vendor_files():
        h.update(f"{name}/{f}:{url_for('vendor.asset', name=name, filename=f)}\n".encode())
    for template in sorted((ROOT / "templates" / "pwa").glob("*.html")) + [ROOT / "templates" / "base.html"]:
        h.update(f"{template.name}:{file_hash(template)}\n".encode())
    return h.hexdigest()[:16]
