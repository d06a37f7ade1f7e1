"""Maps on pages: the settings every map module reads (tiles, attribution, where it opens)."""
from __future__ import annotations

from flask import current_app


def map_config(**extra) -> dict:
    """Settings the map modules read from the page (no user text in JS)."""
    cfg = current_app.config
    return {"tileUrl": cfg["MAP_TILE_URL"], "attribution": cfg["MAP_TILE_ATTRIBUTION"],
            "center": cfg["MAP_DEFAULT_CENTER"], "zoom": cfg["MAP_DEFAULT_ZOOM"], **extra}
