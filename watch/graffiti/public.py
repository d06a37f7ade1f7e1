"""The public graffiti page a municipality may choose: places as grid cells, status, m², time to clean, approved photos;
never who reported, never the note, never the exact point."""
from __future__ import annotations


from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from watch.core.errors import NotFound, ServiceError
from watch.core import grid
from watch.graffiti import rules, targets
from watch.graffiti.models import GraffitiPhoto, GraffitiReport, GraffitiSettings

PUBLIC_LIMIT = 500


def _cell_size() -> float:
    return float(current_app.config["EST_GRID_METRES"])


def require_public(session: Session, municipality: str) -> None:
    """NotFound unless the municipality chose to publish (public by choice, never by accident)."""
    if not targets.settings(session, municipality).public:
        raise NotFound("graffiti_not_public", _l("This municipality does not publish graffiti reports."))


def public_reports(session: Session, municipality: str) -> list[dict]:
    """The latest reports (duplicates left out) with their cell, status, m², hours to clean and approved photo ids."""
    require_public(session, municipality)
    size = _cell_size()
    rows = session.exec(select(GraffitiReport).where(GraffitiReport.municipality == municipality, GraffitiReport.status != "duplicate")
                        .order_by(GraffitiReport.created_at.desc()).limit(PUBLIC_LIMIT)).all()
    ids = [r.id for r in rows] or [-1]
    photos: dict[int, list[int]] = {}
    for p in session.exec(select(GraffitiPhoto).where(GraffitiPhoto.report_id.in_(ids), GraffitiPhoto.approved.is_(True))
                          .order_by(GraffitiPhoto.id)):
        photos.setdefault(p.report_id, []).append(p.id)
    out = []
    for r in rows:
        cell = grid.cell_of(r.lon, r.lat, size)
        x0, y0, x1, y1 = grid.cell_bounds(cell, size)
        out.append({"id": r.id, "cell": cell, "lon": round((x0 + x1) / 2, 5), "lat": round((y0 + y1) / 2, 5),
                    "object_type": r.object_type, "status": r.status, "area_m2": r.area_m2, "month": r.created_at,
                    "hours_to_clean": round((r.cleaned_at - r.created_at).total_seconds() / 3600, 1) if r.cleaned_at else None,
                    "photos": photos.get(r.id, [])})
    return out


def geojson(session: Session, municipality: str) -> dict:
    """The public reports as a GeoJSON FeatureCollection of grid cells (RFC 7946)."""
    size = _cell_size()
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": grid.cell_polygon(r["cell"], size),
         "properties": {"object_type": r["object_type"], "status": r["status"], "area_m2": r["area_m2"],
                        "month": r["month"].strftime("%Y-%m"), "hours_to_clean": r["hours_to_clean"]}}
        for r in public_reports(session, municipality)]}


def public_photo(session: Session, photo_id: int) -> GraffitiPhoto:
    """An approved photo of a published municipality's report that is not a duplicate."""
    photo = session.get(GraffitiPhoto, photo_id)
    report = session.get(GraffitiReport, photo.report_id) if photo else None
    if photo is None or not photo.approved or report is None or report.status == "duplicate":
        raise NotFound("photo_not_found", _l("No such photo."))
    require_public(session, report.municipality)
    return photo


def approve_photo(session: Session, *, user, photo_id: int, approved: bool) -> GraffitiPhoto:
    """A coordinator lets a photo be public (faces and registration plates checked), or withdraws that."""
    photo = session.get(GraffitiPhoto, photo_id)
    report = session.get(GraffitiReport, photo.report_id) if photo else None
    if photo is None or report is None:
        raise NotFound("photo_not_found", _l("No such photo."))
    rules.require_coordinator(session, user, report.municipality)
    photo.approved = bool(approved)
    session.add(photo)
    session.commit()
    return photo


def save_settings(session: Session, *, user, municipality: str, public: bool, working_days: bool) -> GraffitiSettings:
    """Publish or not; count service targets on working days or not (reports already made keep their target)."""
    rules.require_coordinator(session, user, municipality)
    if not isinstance(public, bool) or not isinstance(working_days, bool):
        raise ServiceError("settings_invalid", _l("Choose yes or no."), 422)
    row = session.get(GraffitiSettings, municipality) or GraffitiSettings(municipality=municipality)
    row.public, row.working_days = public, working_days
    session.add(row)
    session.commit()
    return row
