"""Evidence photos of progress entries: re-encoded by the alerts domain's rules (EXIF and GPS stripped)."""
from __future__ import annotations

from pathlib import Path

from flask import current_app

from watch.core.photos import prepare


def photo_dir() -> Path:
    """PROMISES_PHOTO_DIR, else <instance>/promise-photos."""
    configured = current_app.config.get("PROMISES_PHOTO_DIR")
    path = Path(configured) if configured else Path(current_app.instance_path) / "promise-photos"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store(raw: bytes) -> str:
    """Check and re-encode one photo, write it; returns the file name (a ServiceError for anything else)."""
    prepared = prepare(raw)
    with (photo_dir() / prepared.filename).open("xb") as fh:
        fh.write(prepared.data)
    return prepared.filename


def remove(names) -> None:
    """Delete photo files (missing ones are fine)."""
    base = photo_dir()
    for name in names:
        if name:
            (base / name).unlink(missing_ok=True)
