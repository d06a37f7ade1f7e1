"""Alert photos, stored in the instance folder (prepared by watch.core.photos)."""
from __future__ import annotations

from pathlib import Path

from flask import current_app

from watch.core.photos import Prepared


def photo_dir() -> Path:
    """Where photos live (ALERTS_PHOTO_DIR, else <instance>/alert-photos)."""
    configured = current_app.config.get("ALERTS_PHOTO_DIR")
    path = Path(configured) if configured else Path(current_app.instance_path) / "alert-photos"
    path.mkdir(parents=True, exist_ok=True)
    return path


def write(prepared: Prepared) -> Path:
    """Write a prepared photo; returns its path."""
    path = photo_dir() / prepared.filename
    with path.open("xb") as fh:
        fh.write(prepared.data)
    return path


def remove(filenames) -> None:
    """Delete photo files (missing ones are fine)."""
    base = photo_dir()
    for name in filenames:
        (base / name).unlink(missing_ok=True)
