"""Submitting graffiti: every check first, then the report, its photos, the work order and the EST report in one commit."""
from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from PIL import Image
from sqlmodel import Session, select

from watch import mail
from watch.core.photos import prepare
from watch.core.time import TZ, utcnow
from watch.core.errors import ServiceError
from watch.est.places import check_point
from watch.est.reports import service as est
from watch.graffiti import delivery, rules, targets
from watch.graffiti.models import CLOSED, OBJECT_TYPES, OWNER_TYPES, GraffitiPhoto, GraffitiReport

DUPLICATE_METRES = 50
DUPLICATE_DAYS = 14
MAX_PHOTOS = 3


def _bad(code: str, message, field: str | None = None, status: int = 422, **details) -> ServiceError:
    return ServiceError(code, message, status, **({"field": field} if field else {}), **details)


def photo_dir() -> Path:
    """GRAFFITI_PHOTO_DIR, else <instance>/graffiti-photos."""
    configured = current_app.config.get("GRAFFITI_PHOTO_DIR")
    path = Path(configured) if configured else Path(current_app.instance_path) / "graffiti-photos"
    path.mkdir(parents=True, exist_ok=True)
    return path


def remove_files(names) -> None:
    """Delete photo files (missing ones are fine)."""
    for name in names:
        if name:
            (photo_dir() / name).unlink(missing_ok=True)


def taken_at(raw: bytes) -> datetime | None:
    """When the photo was taken (EXIF DateTimeOriginal, else DateTime), read before the metadata is stripped."""
    try:
        with Image.open(io.BytesIO(raw)) as image:
            exif = image.getexif()
            value = exif.get_ifd(0x8769).get(0x9003) or exif.get(0x0132)
        return datetime.strptime(str(value).strip(), "%Y:%m:%d %H:%M:%S").replace(tzinfo=TZ) if value else None
    except Exception:  # no or broken EXIF: the photo itself is checked by prepare()
        return None


def metres(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Distance on the sphere, good enough for 50 m."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371000 * math.asin(math.sqrt(a))


def likely_duplicates(session: Session, municipality: str, lon: float, lat: float, now: datetime | None = None) -> list[GraffitiReport]:
    """Open reports within 50 m and 14 days, nearest first."""
    since = (now or utcnow()) - timedelta(days=DUPLICATE_DAYS)
    dlat = DUPLICATE_METRES / 111000
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    rows = session.exec(select(GraffitiReport).where(
        GraffitiReport.municipality == municipality, GraffitiReport.created_at >= since, GraffitiReport.status.not_in(CLOSED),
        GraffitiReport.lon.between(lon - dlon, lon + dlon), GraffitiReport.lat.between(lat - dlat, lat + dlat))).all()
    near = [(metres(lon, lat, r.lon, r.lat), r) for r in rows]
    return [r for d, r in sorted(near, key=lambda x: x[0]) if d <= DUPLICATE_METRES]


@dataclass
class GraffitiIn:
    """What a resident sends (the form and the API fill this)."""

    municipality: str
    lon: float | None
    lat: float | None
    object_type: str
    area_m2: float | None
    photos: list[bytes] = field(default_factory=list)
    address: str = ""
    offensive: bool = False
    observed_at: datetime | None = None
    description: str = ""
    in_progress: bool = False
    owner_type: str | None = None  # None: from the owner layer
    client_key: str | None = None
    same_as: int | None = None  # "same graffiti? add your photo"
    not_duplicate: bool = False  # the reporter looked at the suggestions and it is new


def submit(session: Session, *, user, data: GraffitiIn, now: datetime | None = None) -> GraffitiReport:
    """Check everything, then store the report, its photos, its work order and its EST report in one commit."""
    now = now or utcnow()
    if data.in_progress:
        raise _bad("in_progress", _l("Is someone painting right now? Call 112 first: that is a crime in progress."),
                   "in_progress", 409)
    key = (data.client_key or "").strip()[:64] or None
    if key:
        earlier = session.exec(select(GraffitiReport).where(GraffitiReport.reporter_id == user.id,
                                                            GraffitiReport.client_key == key)).first()
        if earlier is not None:
            return earlier  # the same submission again
    muni = (data.municipality or "").strip()
    lon, lat = check_point(session, muni, data.lon, data.lat)
    if not 1 <= len(data.photos) <= MAX_PHOTOS:
        raise _bad("photos_count", _l("Add 1 to %(n)s photos.", n=MAX_PHOTOS), "photos")
    if data.same_as is not None:
        return _add_to_existing(session, user=user, report_id=data.same_as, photos=data.photos, lon=lon, lat=lat, now=now)
    if data.object_type not in OBJECT_TYPES:
        raise _bad("object_type_unknown", _l("Choose what is painted."), "object_type")
    try:
        area = float(data.area_m2) if data.area_m2 not in (None, "") else None
    except (TypeError, ValueError):
        area = None
    if area is None or not math.isfinite(area) or not 0 < area <= 10000:
        raise _bad("area_invalid", _l("Give the approximate area in m² (more than 0, at most 10 000)."), "area_m2")
    observed = data.observed_at or now
    observed = observed if observed.tzinfo else observed.replace(tzinfo=TZ)
    if observed > now + timedelta(minutes=10) or observed < now - timedelta(days=365):
        raise _bad("observed_invalid", _l("The time must be within the last year, not in the future."), "observed_at")
    zone = rules.owner_at(session, muni, lon, lat)
    owner_type = zone.owner_type if zone is not None else (data.owner_type or "unknown")
    if owner_type not in OWNER_TYPES:
        raise _bad("owner_type_unknown", _l("Choose the kind of owner."), "owner_type")
    description = est.check_text(data.description, True)[:1000]
    rule = rules.route(session, muni, data.object_type, owner_type, lon, lat)
    if rule is None:
        raise _bad("not_routed", _l("%(m)s does not take graffiti reports for this kind of place yet.", m=muni), "object_type")
    if not data.not_duplicate:
        dups = likely_duplicates(session, muni, lon, lat, now)
        if dups:
            raise _bad("likely_duplicate", _l("Someone reported graffiti within 50 m in the last 14 days. Is it the same? Add your photo to it."),
                       "same_as", 409, candidates=[d.id for d in dups])
    prepared = [(prepare(raw), taken_at(raw)) for raw in data.photos]
    target = int(current_app.config["GRAFFITI_TARGET_HOURS_OFFENSIVE" if data.offensive else "GRAFFITI_TARGET_HOURS"])
    due_at = targets.due(session, muni, now, target)
    report = GraffitiReport(
        municipality=muni, lon=lon, lat=lat, address=(data.address or "").strip()[:200], object_type=data.object_type,
        owner_type=owner_type, offensive=bool(data.offensive), area_m2=round(area, 1), observed_at=observed,
        description=description, reporter_id=user.id, client_key=key, organisation_id=rule.organisation_id,
        channel=rule.channel, due_at=due_at, created_at=now, updated_at=now)
    written = []
    try:
        session.add(report)
        session.flush()
        for p, taken in prepared:
            (photo_dir() / p.filename).write_bytes(p.data)
            written.append(p.filename)
            session.add(GraffitiPhoto(report_id=report.id, filename=p.filename, taken_at=taken))
        if rule.address:
            work_order(session, report, rule.address)
        delivery.queue(session, report, rule)
        est_report = _feed_est(session, user, report, now)
        if est_report is not None:
            report.est_report_id = est_report.id
            session.add(report)
        session.commit()
    except Exception:
        session.rollback()
        remove_files(written)
        raise
    return report


def _feed_est(session: Session, user, report: GraffitiReport, now: datetime):
    """One EST report with source 'klotter' through EST's own submit (which commits with ours)."""
    try:
        return est.submit(session, user=_OnBehalf(user), now=now, data=est.ReportIn(
            municipality=report.municipality, organisation_id=report.organisation_id, occurred_at=min(report.observed_at, now),
            category="skadegorelse", subcategory="klotter", lon=report.lon, lat=report.lat,
            description=str(OBJECT_TYPES[report.object_type]), source="klotter", client_key=f"graffiti-{report.id}",
            confirm_personal_data=True))
    except ServiceError as exc:
        if exc.code in est.NOT_COUNTED:  # a closed or frozen week keeps the report out of the picture, not out of the app
            return None
        raise


class _OnBehalf:
    """The reporter, reporting to EST for the organisation the report was routed to (the graffiti rules chose it)."""

    is_authenticated, is_admin, is_police = True, True, False

    def __init__(self, user):
        self.id = user.id
        self.municipality = getattr(user, "municipality", None)


def _add_to_existing(session: Session, *, user, report_id: int, photos: list[bytes], lon: float, lat: float,
                     now: datetime) -> GraffitiReport:
    report = session.get(GraffitiReport, report_id)
    if report is None or report.status in CLOSED or metres(lon, lat, report.lon, report.lat) > DUPLICATE_METRES:
        raise _bad("same_as_unknown", _l("That report is not open near this place."), "same_as")
    count = len(session.exec(select(GraffitiPhoto.id).where(GraffitiPhoto.report_id == report.id)).all())
    prepared = [(prepare(raw), taken_at(raw)) for raw in photos[:max(0, 6 - count)]]
    written = []
    try:
        for p, taken in prepared:
            (photo_dir() / p.filename).write_bytes(p.data)
            written.append(p.filename)
            session.add(GraffitiPhoto(report_id=report.id, filename=p.filename, taken_at=taken))
        report.updated_at = now
        session.add(report)
        session.commit()
    except Exception:
        session.rollback()
        remove_files(written)
        raise
    return report


def work_order(session: Session, report: GraffitiReport, address: str) -> None:
    """Queue the work order e-mail to the owning body (in Swedish; links need a login)."""
    with mail.recipient_locale(None):
        facts = [
            _("Object: %(o)s, owner: %(w)s, about %(m)s m².", o=OBJECT_TYPES[report.object_type], w=OWNER_TYPES[report.owner_type],
              m=report.area_m2),
            _("Place: %(a)s (%(lat).5f, %(lon).5f)", a=report.address or "–", lat=report.lat, lon=report.lon),
            _("Offensive or racist: remove within 24 hours.") if report.offensive else _("Remove within 48 hours."),
            _("Photograph and report to the police before cleaning: the police package is at the link."),
        ]
        text, html = mail.compose(greeting=_("Work order: graffiti no. %(id)s", id=report.id), paragraphs=facts,
                                  action=(_("Open the report"), mail.public_url("graffiti.detail", report_id=report.id)))
        mail.queue(session, to=address, kind="graffiti_work_order", text=text, html=html,
                   subject=_("Graffiti no. %(id)s: %(o)s", id=report.id, o=OBJECT_TYPES[report.object_type]))
