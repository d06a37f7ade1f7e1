"""Front-end libraries from PyPI's XStatic packages, served by the app."""
from __future__ import annotations

import importlib

from flask import Blueprint, abort, send_from_directory

bp = Blueprint("vendor", __name__, url_prefix="/vendor")

# name in URLs -> XStatic module
PACKAGES = {
    "leaflet": "xstatic.pkg.leaflet",
    "markercluster": "xstatic.pkg.leaflet_markercluster",
}


def package_dir(name: str) -> str:
    """The folder of an XStatic package's files."""
    module = PACKAGES.get(name)
    if module is None:
        abort(404)
    return importlib.import_module(module).BASE_DIR


@bp.get("/<name>/<path:filename>")
def asset(name: str, filename: str):
    """One file of a vendored library (long-cached: versioned by the package)."""
    return send_from_directory(package_dir(name), filename, max_age=60 * 60 * 24 * 365)
