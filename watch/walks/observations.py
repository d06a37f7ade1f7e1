"""Observations logged on the walk (online or from the phone's offline queue); each feeds EST as 'trygghetsvandring'."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from watch.core.photos import prepare
from watch.core.time import TZ, utcnow
from watch.core.errors import ServiceError
from watch.est.places import check_point
from watch.est.reports import service as est
from watch.walks import access
from watch.walks.models import CATEGORIES, PUBLISHED, WalkObservation, Walk

# Walk categories as EST categories (the default taxonomy); positive findings are not incidents and stay out.
EST_CATEGORY = {
    "lighting_missing": ("otrygg_plats", "belysning"), "lighting_broken": ("otrygg_plats", "belysning"),
    "lighting_insufficient": ("otrygg_plats", "belysning"), "vegetation": ("otrygg_plats", "siktlinjer"),
    "graffiti": ("skadegorelse", "klotter"), "litter": ("otrygg_plats", "nedskrapning"), "damage": ("skadegorelse", None),
    "crossing": ("otrygg_plats", None), "tunnel": ("otrygg_plats", None), "deserted": ("otrygg_plats", "ode"),
    "wayfinding": ("otrygg_plats", None),
}
OPEN_FOR_OBSERVATIONS = ("planned", "invited", "walked", "protocol_draft")


def photo_dir() -> Path:
    """WALKS_PHOTO_DIR, else <instance>/walk-photos."""
    configured = current_app.config.get("WALKS_PHOTO_DIR")
    path = Path(configured) if configured else Path(current_app.instance_path) / "walk-photos"
    path.mkdir(parents=True, exist_ok=True)
    return path


def remove_files(names) -> None:
    """Delete photo files (missing ones are fine)."""
    base = photo_dir()
    for name in names:
        if name:
            (base / name).unlink(missing_ok=True)


def store_photo(raw: bytes) -> str:
    """Check and re-encode (EXIF and GPS stripped, alerts' rules), write; returns the file name."""
    prepared = prepare(raw)
    with (photo_dir() / prepared.filename).open("xb") as fh:
        fh.write(prepared.data)
    return prepared.filename


@dataclass
class ObservationIn:
    """What a walker logs (the form, the API and the offline queue fill this)."""

    lon: float | None
    lat: float | None
    category: str
    note: str = ""
    suggestion: str = ""
    photo: bytes | None = None
    client_key: str | None = None
    observed_at: datetime | None = None
    confirm_personal_data: bool = False


class _OnBehalf:
    """The walker, reporting to EST for the walk's organiser: the walks domain already checked who may observe."""

    is_authenticated = True
    is_admin = True
    is_police = False

    def __init__(self, user):
        self.id = user.id
        self.municipality = getattr(user, "municipality", None)


def observe(session: Session, *, user, walk_id: int, data: ObservationIn, now: datetime | None = None) -> WalkObservation:
    """Check everything, store the observation (and its stripped photo) and its EST report in one commit."""
    now = now or utcnow()
    walk = access.get_walk_for(session, user, walk_id, "observe")
    key = (data.client_key or "").strip()[:64] or None
    if key:
        earlier = session.exec(select(WalkObservation).where(WalkObservation.walk_id == walk.id,
                                                             WalkObservation.client_key == key)).first()
        if earlier is not None:
            return earlier  # the phone's queue sent it again
    if walk.status not in OPEN_FOR_OBSERVATIONS:
        raise ServiceError("walk_closed", _l("The protocol is published: observations can no longer be added."), 409)
    if data.category not in CATEGORIES:
        raise ServiceError("category_unknown", _l("Choose a category."), 422, field="category")
    lon, lat = check_point(session, walk.municipality, data.lon, data.lat)
    note = est.check_text(data.note, data.confirm_personal_data)
    if len(note) > 1000:
        raise ServiceError("too_long", _l("At most %(n)s characters.", n=1000), 422, field="note")
    suggestion = est.check_text(data.suggestion, data.confirm_personal_data)
    if len(suggestion) > 500:
        raise ServiceError("too_long", _l("At most %(n)s characters.", n=500), 422, field="suggestion")
    observed = data.observed_at or now
    if observed.tzinfo is None:
        observed = observed.replace(tzinfo=TZ)
    if observed > now:
        observed = now
    photo = store_photo(data.photo) if data.photo else None
    obs = WalkObservation(walk_id=walk.id, lon=lon, lat=lat, category=data.category, note=note, suggestion=suggestion,
                          photo=photo, author_id=user.id, client_key=key, observed_at=observed)
    try:
        session.add(obs)
        session.flush()
        report = _feed_est(session, user, walk, obs, now)
        if report is not None:
            obs.est_report_id = report.id
            session.add(obs)
        session.commit()
    except Exception:
        session.rollback()
        remove_files([photo])
        raise
    return obs


def _feed_est(session: Session, user, walk, obs: WalkObservation, now: datetime):
    """One EST report with source 'trygghetsvandring' through EST's own submit (which commits both)."""
    if obs.category not in EST_CATEGORY:
        return None
    category, sub = EST_CATEGORY[obs.category]
    text = " ".join(part for part in (str(CATEGORIES[obs.category]), obs.note) if part)
    data = est.ReportIn(municipality=walk.municipality, organisation_id=walk.organiser_id, occurred_at=obs.observed_at,
                        category=category, subcategory=sub, lon=obs.lon, lat=obs.lat, description=text[:2000],
                        source="trygghetsvandring", client_key=f"walk-observation-{obs.id}", confirm_personal_data=True)
    try:
        return est.submit(session, user=_OnBehalf(user), data=data, now=now)
    except ServiceError as exc:
        if exc.code in est.NOT_COUNTED:
            return None
        raise


def observations_of(session: Session, walk_id: int) -> list[WalkObservation]:
    """A walk's observations in the order they were made."""
    return list(session.exec(select(WalkObservation).where(WalkObservation.walk_id == walk_id)
                             .order_by(WalkObservation.observed_at, WalkObservation.id)))


def approve_photo(session: Session, *, user, observation_id: int, approved: bool) -> WalkObservation:
    """A manager decides whether the photo may be public (faces and registration plates checked)."""
    obs = session.get(WalkObservation, observation_id)
    if obs is None:
        raise ServiceError("observation_not_found", _l("No such observation."), 404)
    access.get_walk_for(session, user, obs.walk_id, "manage")
    obs.photo_approved = bool(approved and obs.photo)
    session.add(obs)
    session.commit()
    return obs


def public_photo(session: Session, observation_id: int) -> WalkObservation | None:
    """The observation if its photo is approved and its walk's protocol is published."""
    obs = session.get(WalkObservation, observation_id)
    if obs is None or not obs.photo or not obs.photo_approved:
        return None
    walk = session.get(Walk, obs.walk_id)
    return obs if walk is not None and walk.status in PUBLISHED else None
