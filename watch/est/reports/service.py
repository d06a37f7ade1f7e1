"""Submitting and reviewing reports: every check before anything is written."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from watch.core.time import TZ, local, utcnow
from watch.core import geo, pii
from watch.core.errors import ServiceError
from watch.est import access
from watch.est.models import ACCEPTED, MERGED, REJECTED, SUBMITTED, EstPlace, EstReport, EstReportZone, EstSnapshot
from watch.est.places import cell_for, zones_for
from watch.est.rules import categories, weeks
from watch.organisations.access import reporting_organisations, organisation_ids_of
# Refusals that leave the feeding domain's own record standing (a walk observation, a graffiti report) and only
# keep it out of the picture: the week is closed or frozen, or the municipality's own taxonomy lacks the category.
NOT_COUNTED = ("week_frozen", "too_old", "category_unknown", "subcategory_unknown")


def _bad(code: str, message, field: str | None = None, status: int = 422, **details) -> ServiceError:
    return ServiceError(code, message, status, **({"field": field} if field else {}), **details)


@dataclass
class ReportIn:
    """What a reporter submits (the form, the API and the offline queue all fill this)."""

    municipality: str
    organisation_id: int
    occurred_at: datetime
    category: str
    subcategory: str | None = None
    lon: float | None = None
    lat: float | None = None
    place_id: int | None = None
    setting: str = "outdoor"
    people_band: str | None = None
    people_count: int | None = None
    description: str = ""
    police_reported: bool = False
    police_ref: str | None = None
    source: str = "rapportor"
    client_key: str | None = None
    confirm_personal_data: bool = False


def week_is_frozen(session: Session, municipality: str, week_key: int) -> bool:
    """True if the week's picture is frozen."""
    return session.exec(select(EstSnapshot.id).where(EstSnapshot.municipality == municipality,
                                                     EstSnapshot.week_key == week_key)).first() is not None


def check_text(description: str, confirmed: bool) -> str:
    """Refuse a personal identity number; warn (unless confirmed) about a phone number or a name with a class."""
    text = (description or "").strip()
    if len(text) > 2000:
        raise _bad("too_long", _l("At most %(n)s characters.", n=2000), "description")
    found = pii.check(text)
    if found.personnummer:
        raise _bad("personnummer", _l("The description contains a personal identity number. EST records places and "
                                      "situations, never persons: remove it."), "description")
    if found.warnings and not confirmed:
        message = " ".join(str(pii.MESSAGES[w]) for w in found.warnings) + " " + str(
            _l("EST records places and situations, never persons. Remove it, or confirm that it is not personal data."))
        raise _bad("personal_data_warning", message, "description", warnings=found.warnings)
    return text


def _check_when(session: Session, municipality: str, occurred_at: datetime, now: datetime) -> tuple[int, int]:
    if occurred_at.tzinfo is None:
        occurred_at = occurred_at.replace(tzinfo=TZ)
    if occurred_at > now + timedelta(minutes=int(current_app.config["EST_FUTURE_SLACK_MINUTES"])):
        raise _bad("in_future", _l("The time is in the future."), "occurred_at")
    cfg = access.config_of(session, municipality)
    y, w = weeks.week_of(occurred_at)
    oldest = weeks.key(*weeks.shift(*weeks.week_of(now), -int(cfg.open_weeks)))
    if weeks.key(y, w) < oldest:
        raise _bad("too_old", _l("Week %(w)s is closed: reports can be made for the current week and the %(n)s before it.",
                                 w=w, n=cfg.open_weeks), "occurred_at")
    if week_is_frozen(session, municipality, weeks.key(y, w)):
        raise _bad("week_frozen", _l("The picture of week %(w)s is already frozen.", w=w), "occurred_at", status=409)
    return y, w


def submit(session: Session, *, user, data: ReportIn, now: datetime | None = None) -> EstReport:
    """Check everything, then store the report and its zones in one commit."""
    now = now or utcnow()
    muni = (data.municipality or "").strip()
    access.require(session, user, muni, access.REPORTER)
    if data.client_key and user is not None:
        earlier = session.exec(select(EstReport).where(EstReport.reporter_id == user.id,
                                                       EstReport.client_key == data.client_key)).first()
        if earlier is not None:
            return earlier  # the offline queue sent it twice
    orgs = {o.id: o for o in reporting_organisations(session, user, muni)}
    if data.organisation_id not in orgs and not getattr(user, "is_admin", False):
        raise _bad("organisation_not_yours", _l("You do not report for that organisation."), "organisation_id", status=403)
    cfg = access.config_of(session, muni)
    tax = categories.taxonomy(cfg.categories)
    if data.category not in tax:
        raise _bad("category_unknown", _l("Unknown category."), "category")
    if data.subcategory and data.subcategory not in tax[data.category][1]:
        raise _bad("subcategory_unknown", _l("Unknown subcategory for that category."), "subcategory")
    if data.setting not in categories.SETTINGS:
        raise _bad("setting_unknown", _l("Unknown kind of place."), "setting")
    if data.source not in categories.SOURCES:
        raise _bad("source_unknown", _l("Unknown source."), "source")
    band = data.people_band or None
    if data.people_count is not None:
        if not 1 <= data.people_count <= int(current_app.config["EST_MAX_PEOPLE"]):
            raise _bad("people_absurd", _l("The number of people must be between 1 and %(n)s.",
                                           n=current_app.config["EST_MAX_PEOPLE"]), "people_count")
        band = categories.band_for_count(data.people_count)
    if band is not None and band not in categories.PEOPLE_BANDS:
        raise _bad("people_band_unknown", _l("Choose how many people as 1–4, 5–10 or more."), "people_band")
    ref = (data.police_ref or "").strip() or None
    if ref and (len(ref) > 40 or not data.police_reported):
        raise _bad("police_ref", _l("A police reference needs 'reported to the police' and at most 40 characters."), "police_ref")
    lon, lat = data.lon, data.lat
    if data.place_id is not None:
        place = session.get(EstPlace, data.place_id)
        if place is None or place.municipality != muni or not place.active:
            raise _bad("place_unknown", _l("Unknown place."), "place_id")
        if lon is None:
            lon, lat = place.lon, place.lat
    lon, lat = geo.position(lon, lat, missing=_l("Set a pin on the map or choose a place."))
    zones, inside = zones_for(session, muni, lon, lat)
    if not inside:
        raise _bad("outside_municipality", _l("The place is outside %(m)s.", m=muni), "lon")
    cell = cell_for(lon, lat)  # from the point as given; it is stored rounded
    lon, lat = geo.rounded(lon, lat)
    text = check_text(data.description, data.confirm_personal_data)
    occurred = data.occurred_at if data.occurred_at.tzinfo else data.occurred_at.replace(tzinfo=TZ)
    y, w = _check_when(session, muni, occurred, now)
    loc = local(occurred)
    report = EstReport(
        municipality=muni, organisation_id=data.organisation_id, reporter_id=getattr(user, "id", None),
        occurred_at=occurred, time_band=categories.time_band(loc.hour), week_key=weeks.key(y, w),
        weekday=loc.weekday(), hour=loc.hour, lon=lon, lat=lat, cell=cell,
        place_id=data.place_id, setting=data.setting, category=data.category, subcategory=data.subcategory or None,
        people_band=band, description=text, police_reported=bool(data.police_reported), police_ref=ref,
        source=data.source, client_key=data.client_key or None,
    )
    session.add(report)
    session.flush()
    for zone in zones:
        session.add(EstReportZone(report_id=report.id, zone=zone))
    session.commit()
    return report


def review(session: Session, *, user, report_id: int, decision: str, reason: str | None = None,
           into_id: int | None = None, now: datetime | None = None) -> EstReport:
    """Accept, reject (with a reason) or merge into another report of the same municipality."""
    report = access.get_report_for(session, user, report_id, "review")
    if week_is_frozen(session, report.municipality, report.week_key):
        raise _bad("week_frozen", _l("The picture of week %(w)s is already frozen.", w=weeks.split(report.week_key)[1]),
                   status=409)
    if decision == "accept":
        report.status, report.reject_reason, report.merged_into_id = ACCEPTED, None, None
    elif decision == "reject":
        reason = (reason or "").strip()
        if not reason or len(reason) > 500:
            raise _bad("reason_required", _l("Give a reason (at most 500 characters) for rejecting."), "reason")
        report.status, report.reject_reason = REJECTED, reason
    elif decision == "merge":
        target = session.get(EstReport, into_id) if into_id is not None else None
        if target is None:
            raise _bad("merge_target", _l("Choose the report it duplicates."), "into_id")
        if target.municipality != report.municipality:
            raise _bad("merge_municipality", _l("Reports of two municipalities cannot be merged."), "into_id", status=409)
        access.get_report_for(session, user, target.id, "review")
        if target.id == report.id or target.status in (MERGED, REJECTED):
            raise _bad("merge_target", _l("A report can only be merged into another counted report."), "into_id")
        report.status, report.merged_into_id = MERGED, target.id
    else:
        raise _bad("decision_unknown", _l("Unknown decision."), "decision")
    report.reviewed_by_id, report.reviewed_at = user.id, now or utcnow()
    session.add(report)
    session.commit()
    return report


def list_week(session: Session, user, municipality: str, week_key: int, *, status: str | None = None) -> list[EstReport]:
    """The week's reports the user may see in full, newest first."""
    access.require(session, user, municipality, access.READER)
    query = select(EstReport).where(EstReport.municipality == municipality, EstReport.week_key == week_key)
    if status:
        query = query.where(EstReport.status == status)
    if not access.full_access(session, user, municipality):
        query = query.where(EstReport.organisation_id.in_(organisation_ids_of(session, user, municipality) or [-1]))
    return list(session.exec(query.order_by(EstReport.occurred_at.desc())))


__all__ = ["ReportIn", "SUBMITTED", "NOT_COUNTED", "submit", "review", "list_week", "check_text", "week_is_frozen"]
