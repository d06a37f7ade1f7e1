"""Report photos: the alerts' checks and re-encoding (EXIF and GPS stripped), stored apart."""
from __future__ import annotations

from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, func, select

from watch.core.photos import prepare
from watch.core.errors import ServiceError
from watch.est.models import EstPhoto, EstReport


def photo_dir() -> Path:
    """EST_PHOTO_DIR, else <instance>/est-photos."""
    configured = current_app.config.get("EST_PHOTO_DIR")
    path = Path(configured) if configured else Path(current_app.instance_path) / "est-photos"
    path.mkdir(parents=True, exist_ok=True)
    return path


def add_photo(session: Session, report: EstReport, raw: bytes) -> EstPhoto:
    """Check, strip and store one photo of a report (the caller checked access)."""
    count = session.exec(select(func.count()).select_from(EstPhoto).where(EstPhoto.report_id == report.id)).one()
    if count >= int(current_app.config["EST_MAX_PHOTOS"]):
        raise ServiceError("photo_limit", _l("A report can have at most %(n)s photos.", n=current_app.config["EST_MAX_PHOTOS"]),
                           422, field="photos")
    prepared = prepare(raw)
    path = photo_dir() / prepared.filename
    photo = EstPhoto(report_id=report.id, filename=prepared.filename, width=prepared.width, height=prepared.height)
    session.add(photo)
    session.flush()
    with path.open("xb") as fh:
        fh.write(prepared.data)
    try:
        session.commit()
    except Exception:
        path.unlink(missing_ok=True)
        raise
    return photo


def remove_files(names) -> None:
    """Delete photo files (missing ones are fine)."""
    base = photo_dir()
    for name in names:
        (base / name).unlink(missing_ok=True)
