"""EST in the JSON API under /api/v1/est: a housing company's own system submits reports with an API token."""
from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, request, url_for
from flask_login import current_user
from pydantic import BaseModel, Field
from spectree import Response

from watch.core.api import Error, require_login, spec
from watch.core.db import DbId, get_session
from watch.est import access
from watch.est.meetings import service as meetings
from watch.est.picture import feed as feed_mod
from watch.est.picture import snapshots
from watch.est.picture.views import export_response
from watch.est.reports import service as reports
from watch.est.rules import categories, weeks
from watch.est.picture.compute import action_effect
from watch.core.errors import ServiceError
from watch.est.reports.photos import add_photo as store
from watch.organisations.access import organisation_ids_of

bp = Blueprint("est_api", __name__, url_prefix="/api/v1/est")
bp.before_request(require_login)
TAG = ["est"]


class ReportBody(BaseModel):
    """A report: places and situations, never persons (no person fields exist)."""

    municipality: str = Field(min_length=1, max_length=80)
    organisation_id: DbId
    occurred_at: datetime
    category: str = Field(min_length=1, max_length=40)
    subcategory: str | None = Field(default=None, max_length=40)
    lon: float | None = None
    lat: float | None = None
    place_id: DbId | None = None
    setting: str = Field(default="outdoor", max_length=16)
    people_band: str | None = Field(default=None, max_length=8)
    people_count: int | None = None
    description: str = Field(default="", max_length=2000)
    police_reported: bool = False
    police_ref: str | None = Field(default=None, max_length=40)
    source: str = Field(default="rapportor", max_length=20)
    client_key: str | None = Field(default=None, max_length=64)
    confirm_personal_data: bool = False


class ReportOut(BaseModel):
    """A stored report."""

    id: int
    municipality: str
    organisation_id: int
    occurred_at: datetime
    iso_week: str
    time_band: str
    category: str
    subcategory: str | None
    setting: str
    people_band: str | None
    lon: float | None
    lat: float | None
    place_id: int | None
    description: str
    police_reported: bool
    police_ref: str | None
    source: str
    status: str
    merged_into_id: int | None
    reject_reason: str | None


class ReportList(BaseModel):
    """Reports."""

    items: list[ReportOut]


class ReviewBody(BaseModel):
    """A review decision."""

    decision: str = Field(pattern="^(accept|reject|merge)$")
    reason: str | None = Field(default=None, max_length=500)
    into_id: DbId | None = None


class Picture(BaseModel):
    """A week's aggregates (frozen or live)."""

    frozen: bool
    title: str
    data: dict


class FeedRow(BaseModel):
    """Alerts as counts: category, ISO week, area. Nothing else."""

    category: str
    est_category: str
    week: int
    zone: str
    count: int


class FeedList(BaseModel):
    """The grannsamverkan feed of one week."""

    items: list[FeedRow]


class CategoryList(BaseModel):
    """The municipality's categories: code -> {label, sub: {code: label}}."""

    categories: dict
    people_bands: list[str]
    settings: list[str]
    sources: list[str]


class MeetingBody(BaseModel):
    """A meeting."""

    municipality: str = Field(min_length=1, max_length=80)
    held_on: date
    agenda: str = Field(default="", max_length=5000)
    attendance: list[DbId] = []


class MeetingOut(BaseModel):
    """A meeting."""

    id: int
    municipality: str
    held_on: date
    iso_week: str
    agenda: str


class DecisionBody(BaseModel):
    """A line in a meeting's decision log."""

    text: str = Field(min_length=1, max_length=500)
    organisation_id: DbId | None = None
    place_id: DbId | None = None


class ActionBody(BaseModel):
    """An action (insats)."""

    municipality: str = Field(min_length=1, max_length=80)
    owner_organisation_id: DbId
    title: str = Field(min_length=1, max_length=200)
    starts_on: date
    ends_on: date
    place_id: DbId | None = None
    cell: str | None = Field(default=None, max_length=24)
    meeting_id: DbId | None = None


class ActionUpdate(BaseModel):
    """A status change and effect note."""

    status: str | None = Field(default=None, pattern="^(planned|ongoing|done|evaluated)$")
    effect_note: str | None = Field(default=None, max_length=5000)


class ActionOut(BaseModel):
    """An action with before/after counts at its place."""

    id: int
    title: str
    owner_organisation_id: int
    starts_on: date
    ends_on: date
    status: str
    effect_note: str
    before: int
    after: int


def _iso(key: int) -> str:
    y, w = weeks.split(key)
    return f"{y}-W{w:02d}"


def _report_out(r) -> ReportOut:
    return ReportOut(id=r.id, municipality=r.municipality, organisation_id=r.organisation_id, occurred_at=r.occurred_at,
                     iso_week=_iso(r.week_key), time_band=r.time_band, category=r.category, subcategory=r.subcategory,
                     setting=r.setting, people_band=r.people_band, lon=r.lon, lat=r.lat, place_id=r.place_id,
                     description=r.description, police_reported=r.police_reported, police_ref=r.police_ref,
                     source=r.source, status=r.status, merged_into_id=r.merged_into_id, reject_reason=r.reject_reason)


def _action_out(session, a) -> ActionOut:
    before, after = action_effect(session, a)
    return ActionOut(id=a.id, title=a.title, owner_organisation_id=a.owner_organisation_id, starts_on=a.starts_on,
                     ends_on=a.ends_on, status=a.status, effect_note=a.effect_note, before=before, after=after)


@bp.get("/categories/<municipality>")
@spec.validate(resp=Response(HTTP_200=CategoryList, HTTP_401=Error, HTTP_403=Error), tags=TAG)
def list_categories(municipality: str):
    """The municipality's categories and the allowed values of the other choice fields."""
    session = get_session()
    access.require(session, current_user, municipality)
    tax = categories.taxonomy(access.config_of(session, municipality).categories)
    return CategoryList(categories={c: {"label": str(n), "sub": {k: str(v) for k, v in s.items()}} for c, (n, s) in tax.items()},
                        people_bands=list(categories.PEOPLE_BANDS), settings=list(categories.SETTINGS),
                        sources=list(categories.SOURCES))


@bp.post("/reports")
@spec.validate(json=ReportBody, resp=Response(HTTP_201=ReportOut, HTTP_401=Error, HTTP_403=Error, HTTP_409=Error, HTTP_422=Error), tags=TAG)
def create_report(json: ReportBody):
    """Submit a report (rapportör). Send client_key (or an Idempotency-Key header) to make retries safe:
    the same key answers with the report stored the first time."""
    data = reports.ReportIn(**json.model_dump())
    key = request.headers.get("Idempotency-Key")
    if not data.client_key and key:
        if len(key) > 64 or not key.isprintable():
            raise ServiceError("idempotency_key_invalid", "Idempotency-Key: 1–64 printable characters", 422)
        data.client_key = key
    r = reports.submit(get_session(), user=current_user, data=data)
    return _report_out(r), 201, {"Location": f"/api/v1/est/reports/{r.id}"}


class PhotoOut(BaseModel):
    """A stored photo (re-encoded, without EXIF)."""

    id: int
    width: int
    height: int
    url: str


@bp.post("/reports/<int:report_id>/photos")
@spec.validate(resp=Response(HTTP_201=PhotoOut, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error, HTTP_422=Error), tags=TAG)
def add_photo(report_id: int):
    """Add a photo to your own organisation's report (multipart field `photo`); EXIF and GPS are removed."""
    session = get_session()
    report = access.get_report_for(session, current_user, report_id)
    if report.organisation_id not in organisation_ids_of(session, current_user, report.municipality):
        raise ServiceError("est_role_required", "Only the reporting organisation adds photos.", 403)
    upload = request.files.get("photo")
    if upload is None:
        raise ServiceError("photo_missing", "multipart field 'photo'", 422, field="photo")
    p = store(session, report, upload.read())
    return PhotoOut(id=p.id, width=p.width, height=p.height,
                    url=url_for("est_reports.photo", municipality=report.municipality, photo_id=p.id)), 201


@bp.get("/reports")
@spec.validate(resp=Response(HTTP_200=ReportList, HTTP_401=Error, HTTP_403=Error, HTTP_422=Error), tags=TAG)
def list_reports():
    """The reports of ?municipality= and ?week=2026-W48 the user may see in full."""
    muni = request.args.get("municipality") or ""
    try:
        y, w = (int(v) for v in (request.args.get("week") or "").split("-W"))
        assert weeks.valid(y, w)
    except (ValueError, AssertionError):
        raise ServiceError("week_invalid", "week=YYYY-Www", 422, field="week")
    return ReportList(items=[_report_out(r) for r in reports.list_week(get_session(), current_user, muni, weeks.key(y, w))])


@bp.get("/reports/<int:report_id>")
@spec.validate(resp=Response(HTTP_200=ReportOut, HTTP_401=Error, HTTP_404=Error), tags=TAG)
def get_report(report_id: int):
    """One report."""
    return _report_out(access.get_report_for(get_session(), current_user, report_id))


@bp.post("/reports/<int:report_id>/review")
@spec.validate(json=ReviewBody, resp=Response(HTTP_200=ReportOut, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error, HTTP_409=Error,
                                              HTTP_422=Error), tags=TAG)
def review_report(report_id: int, json: ReviewBody):
    """Accept, reject (with a reason) or merge into a duplicate (samordnare)."""
    return _report_out(reports.review(get_session(), user=current_user, report_id=report_id, decision=json.decision,
                                      reason=json.reason, into_id=json.into_id))


@bp.get("/pictures/<municipality>/<int:year>/<int:week>")
@spec.validate(resp=Response(HTTP_200=Picture, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error), tags=TAG)
def get_picture(municipality: str, year: int, week: int):
    """The week's picture: frozen, or live until frozen."""
    data, snap = snapshots.view(get_session(), current_user, municipality, year, week)
    return Picture(frozen=snap is not None, title=f"Lägesbild v.{week:02d}", data=data)


@bp.post("/pictures/<municipality>/<int:year>/<int:week>/freeze")
@spec.validate(resp=Response(HTTP_201=Picture, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error, HTTP_409=Error), tags=TAG)
def freeze_picture(municipality: str, year: int, week: int):
    """Freeze "Lägesbild v.NN" (samordnare); a second freeze is a 409."""
    import json as _json

    snap = snapshots.freeze(get_session(), user=current_user, municipality=municipality, year=year, week=week)
    return Picture(frozen=True, title=f"Lägesbild v.{week:02d}", data=_json.loads(snap.data)), 201


@bp.get("/feed/<municipality>/<int:year>/<int:week>")
@spec.validate(resp=Response(HTTP_200=FeedList, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error), tags=TAG)
def get_feed(municipality: str, year: int, week: int):
    """Grannsamverkan alerts of the week as counts by category and area: no text, author or position."""
    session = get_session()
    access.require(session, current_user, municipality)
    snapshots.check_week(year, week)
    return FeedList(items=[FeedRow(**r) for r in feed_mod.feed(session, municipality, year, week)])


@bp.post("/meetings")
@spec.validate(json=MeetingBody, resp=Response(HTTP_201=MeetingOut, HTTP_401=Error, HTTP_403=Error, HTTP_422=Error), tags=TAG)
def create_meeting(json: MeetingBody):
    """Open a meeting (samordnare)."""
    m = meetings.create_meeting(get_session(), user=current_user, municipality=json.municipality, held_on=json.held_on,
                                agenda=json.agenda, attendance=json.attendance)
    return MeetingOut(id=m.id, municipality=m.municipality, held_on=m.held_on, iso_week=_iso(m.week_key), agenda=m.agenda), 201


@bp.post("/meetings/<int:meeting_id>/decisions")
@spec.validate(json=DecisionBody, resp=Response(HTTP_201=DecisionBody, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error, HTTP_422=Error), tags=TAG)
def add_decision(meeting_id: int, json: DecisionBody):
    """Record a decision (samordnare)."""
    d = meetings.add_decision(get_session(), user=current_user, meeting_id=meeting_id, text=json.text,
                              organisation_id=json.organisation_id, place_id=json.place_id)
    return DecisionBody(text=d.text, organisation_id=d.organisation_id, place_id=d.place_id), 201


@bp.post("/actions")
@spec.validate(json=ActionBody, resp=Response(HTTP_201=ActionOut, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error, HTTP_422=Error), tags=TAG)
def create_action(json: ActionBody):
    """Record an action (samordnare)."""
    session = get_session()
    a = meetings.create_action(session, user=current_user, **json.model_dump())
    return _action_out(session, a), 201


@bp.patch("/actions/<int:action_id>")
@spec.validate(json=ActionUpdate, resp=Response(HTTP_200=ActionOut, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error, HTTP_422=Error), tags=TAG)
def update_action(action_id: int, json: ActionUpdate):
    """Change an action's status or effect note (samordnare)."""
    session = get_session()
    return _action_out(session, meetings.update_action(session, user=current_user, action_id=action_id, status=json.status,
                                                       effect_note=json.effect_note))


@bp.get("/exports/<municipality>/<int:year>/<kind>")
@spec.validate(resp=Response(HTTP_401=Error, HTTP_403=Error, HTTP_404=Error), tags=TAG)
def export(municipality: str, year: int, kind: str):
    """A streamed export of a year: reports.csv, reports.geojson (full access: all; a housing company: its own),
    aggregates.csv, cells.geojson."""
    return export_response(get_session(), current_user, municipality, kind, year)
