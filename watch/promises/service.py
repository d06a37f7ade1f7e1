"""Writing a promise: its text, period and scope, signatories, activities and status.

A change after signing is recorded by `revisions`; progress entries and indicators are in
`progress` (both importable from here as before).

Every function checks everything before it writes and commits once: a refusal is a
ServiceError naming the field, and nothing is half-written.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date

import shapely
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from watch.core import municipalities
from watch.core.time import utcnow
from watch.core.errors import NotFound
from watch.organisations.models import Organisation
from watch.promises import access, indicators
from watch.promises.common import bad as _bad
from watch.promises.common import MAX_TARGET, activities, add_years, entries, get_activity, today
from watch.promises.models import ACTIVITY_STATUSES, MANUAL, NEXT, PUBLIC, STATUS_LABELS, Promise, PromiseActivity, PromiseSignatory
from watch.promises.revisions import activity_changes, promise_changes, record_revision

MAX_SCOPE_VERTICES = 1000
MAX_FOCUS = 10


@dataclass
class PromiseIn:
    """What an editor writes (the form fills this)."""

    title: str
    period_start: date | None
    period_end: date | None
    problem: str = ""
    est_week_key: int | None = None
    focus_areas: list[str] = field(default_factory=list)
    scope: str | None = None


@dataclass
class ActivityIn:
    """One activity: the responsible party, what, the indicator and its target, the due date."""

    organisation_id: int | None
    description: str
    indicator: str
    target: int | None
    due_on: date | None
    indicator_label: str = ""
    status: str = "planned"


def check_scope(raw) -> str | None:
    """The geographic scope as a normalised GeoJSON Polygon, None when empty, else a ServiceError."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        data = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        data = None
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = data.get("geometry")
    if not isinstance(data, dict) or data.get("type") != "Polygon":
        raise _bad("scope_not_polygon", _l("Draw the scope as one area on the map (a GeoJSON Polygon)."), "scope")
    rings = data.get("coordinates")
    if not isinstance(rings, list) or not rings:
        raise _bad("scope_not_polygon", _l("Draw the scope as one area on the map (a GeoJSON Polygon)."), "scope")
    out = []
    for ring in rings:
        if not isinstance(ring, list) or not 4 <= len(ring) <= MAX_SCOPE_VERTICES:
            raise _bad("scope_not_polygon", _l("An area needs 3 to %(n)s corners.", n=MAX_SCOPE_VERTICES - 1), "scope")
        points = []
        for pos in ring:
            if not isinstance(pos, list) or len(pos) not in (2, 3) or not all(
                    isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in pos):
                raise _bad("scope_not_polygon", _l("Every corner needs a longitude and a latitude."), "scope")
            lon, lat = float(pos[0]), float(pos[1])
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                raise _bad("scope_out_of_range", _l("A corner lies outside the world's longitudes and latitudes."), "scope")
            points.append([round(lon, 6), round(lat, 6)])
        if points[0] != points[-1]:
            points.append(points[0])
        out.append(points)
    poly = shapely.Polygon(out[0], out[1:])
    if not poly.is_valid or poly.area == 0:
        raise _bad("scope_invalid", _l("The area crosses itself or has no surface: draw it again."), "scope")
    return json.dumps({"type": "Polygon", "coordinates": out}, separators=(",", ":"))


def _check_promise(data: PromiseIn) -> dict:
    title = (data.title or "").strip()
    if not title:
        raise _bad("title_missing", _l("Give the promise a title."), "title")
    if len(title) > 200:
        raise _bad("title_too_long", _l("The title can be at most %(n)s characters.", n=200), "title")
    if data.period_start is None:
        raise _bad("period_start_missing", _l("Enter the first day of the period."), "period_start")
    if data.period_end is None:
        raise _bad("period_end_missing", _l("Enter the last day of the period."), "period_end")
    if data.period_end <= data.period_start:
        raise _bad("period_reversed", _l("The period must end after it starts."), "period_end")
    if data.period_end >= add_years(data.period_start, 2):
        raise _bad("period_too_long", _l("A citizens' promise runs for one or two years: the period can be at most two years."),
                   "period_end")
    focus = [f.strip() for f in data.focus_areas if f and f.strip()]
    if len(focus) > MAX_FOCUS or any(len(f) > 120 for f in focus):
        raise _bad("focus_invalid", _l("At most %(n)s focus areas of at most 120 characters each.", n=MAX_FOCUS), "focus_areas")
    if len(data.problem or "") > 5000:
        raise _bad("problem_too_long", _l("The problem can be at most %(n)s characters.", n=5000), "problem")
    week = data.est_week_key
    if week is not None and not (2000 * 100 + 1 <= week <= 2100 * 100 + 53 and 1 <= week % 100 <= 53):
        raise _bad("est_week_invalid", _l("Choose a week of the EST picture."), "est_week_key")
    return {"title": title, "period_start": data.period_start, "period_end": data.period_end,
            "problem": (data.problem or "").strip(), "est_week_key": week, "focus_areas": json.dumps(focus, ensure_ascii=False),
            "scope": check_scope(data.scope)}


def create_promise(session: Session, *, user, municipality: str, data: PromiseIn) -> Promise:
    """A new draft promise for the municipality."""
    municipality = municipalities.check(municipality)
    access.require_editor(session, user, municipality)
    values = _check_promise(data)
    promise = Promise(municipality=municipality, created_by_id=user.id, **values)
    session.add(promise)
    session.commit()
    return promise


def update_promise(session: Session, *, user, promise_id: int, data: PromiseIn, note: str = "") -> Promise:
    """Change the promise; after signing, the change is a revision (a new version with its difference)."""
    promise = access.get_promise_for(session, user, promise_id)
    if promise.status == "completed":
        raise _bad("promise_completed", _l("A completed promise can no longer be changed."), None, 409)
    values = _check_promise(data)
    for act in activities(session, promise.id):
        if not values["period_start"] <= act.due_on <= values["period_end"]:
            raise _bad("activity_outside_period", _l("The activity “%(a)s” is due %(d)s, outside the new period. Move the activity first.",
                                                     a=act.description, d=format_date(act.due_on)), "period_end")
    changes = promise_changes(promise, values)
    for key, value in values.items():
        setattr(promise, key, value)
    promise.updated_at = utcnow()
    record_revision(session, promise, user, changes, note)
    session.add(promise)
    session.commit()
    return promise


def _organisation(session: Session, municipality: str, organisation_id, fld: str) -> Organisation:
    org = session.get(Organisation, organisation_id) if isinstance(organisation_id, int) else None
    if org is None or org.municipality != municipality or not org.active:
        raise _bad("organisation_invalid", _l("Choose one of the municipality's active organisations."), fld)
    return org


def signatories(session: Session, promise_id: int) -> list[tuple[PromiseSignatory, Organisation]]:
    """The parties with their organisations."""
    return list(session.exec(select(PromiseSignatory, Organisation).join(Organisation, Organisation.id == PromiseSignatory.organisation_id)
                             .where(PromiseSignatory.promise_id == promise_id).order_by(PromiseSignatory.id)))


def add_signatory(session: Session, *, user, promise_id: int, organisation_id: int | None, role_title: str,
                  signed_on: date | None) -> PromiseSignatory:
    """A party: an organisation and the role title that signs for it (no person's name), with the signing date once signed."""
    promise = access.get_promise_for(session, user, promise_id)
    if promise.status not in ("draft",):
        raise _bad("promise_signed", _l("The parties are fixed once the promise is signed."), None, 409)
    org = _organisation(session, promise.municipality, organisation_id, "organisation_id")
    role = (role_title or "").strip()
    if not role or len(role) > 120:
        raise _bad("role_title_missing", _l("Enter the role that signs, for example “kommunstyrelsens ordförande” (at most 120 characters)."),
                   "role_title")
    if signed_on is not None and signed_on > today():
        raise _bad("signed_in_future", _l("The signing date cannot be in the future."), "signed_on")
    existing = session.exec(select(PromiseSignatory).where(PromiseSignatory.promise_id == promise.id,
                                                           PromiseSignatory.organisation_id == org.id)).first()
    sig = existing or PromiseSignatory(promise_id=promise.id, organisation_id=org.id, role_title=role)
    sig.role_title, sig.signed_on = role, signed_on
    session.add(sig)
    session.commit()
    return sig


def remove_signatory(session: Session, *, user, promise_id: int, signatory_id: int) -> None:
    """Take a party off a draft."""
    promise = access.get_promise_for(session, user, promise_id)
    if promise.status != "draft":
        raise _bad("promise_signed", _l("The parties are fixed once the promise is signed."), None, 409)
    sig = session.get(PromiseSignatory, signatory_id)
    if sig is None or sig.promise_id != promise.id:
        raise NotFound("signatory_not_found", _l("No such party."))
    session.delete(sig)
    session.commit()


def set_status(session: Session, *, user, promise_id: int, status: str) -> Promise:
    """Move the promise one step: draft -> signed -> active -> completed (revised -> active or completed)."""
    promise = access.get_promise_for(session, user, promise_id)
    if status not in NEXT.get(promise.status, ()):
        raise _bad("status_step", _l("A promise that is %(now)s cannot become %(next)s.", now=STATUS_LABELS[promise.status],
                                     next=STATUS_LABELS.get(status, status)), "status", 409)
    if status == "signed":
        parties = signatories(session, promise.id)
        if not parties or any(s.signed_on is None for s, _o in parties):
            raise _bad("not_signed", _l("Every party needs a signing date before the promise is signed."), "status", 409)
        if not activities(session, promise.id):
            raise _bad("no_activities", _l("Add at least one activity before the promise is signed."), "status", 409)
    promise.status = status
    promise.updated_at = utcnow()
    session.add(promise)
    session.commit()
    return promise


def _check_activity(session: Session, promise: Promise, data: ActivityIn) -> dict:
    org = _organisation(session, promise.municipality, data.organisation_id, "organisation_id")
    text = (data.description or "").strip()
    if not text or len(text) > 500:
        raise _bad("description_missing", _l("Say what will be done (at most 500 characters)."), "description")
    if data.indicator != MANUAL and data.indicator not in indicators.REGISTRY:
        raise _bad("indicator_unknown", _l("Choose an indicator from the list."), "indicator")
    label = (data.indicator_label or "").strip()
    if data.indicator == MANUAL and not label:
        raise _bad("indicator_label_missing", _l("Say what is counted, for example “traffic checks on road 225”."), "indicator_label")
    if len(label) > 200:
        raise _bad("indicator_label_too_long", _l("At most %(n)s characters.", n=200), "indicator_label")
    if data.target is None or not 1 <= data.target <= MAX_TARGET:
        raise _bad("target_invalid", _l("The target is a whole number from 1 to %(n)s.", n=MAX_TARGET), "target")
    if data.due_on is None:
        raise _bad("due_missing", _l("Enter the due date."), "due_on")
    if not promise.period_start <= data.due_on <= promise.period_end:
        raise _bad("activity_outside_period", _l("The activity is due outside the promise's period (%(a)s – %(b)s).",
                                                 a=format_date(promise.period_start), b=format_date(promise.period_end)), "due_on")
    if data.status not in ACTIVITY_STATUSES:
        raise _bad("activity_status_invalid", _l("Choose a status from the list."), "status")
    return {"organisation_id": org.id, "description": text, "indicator": data.indicator,
            "indicator_label": label if data.indicator == MANUAL else "", "target": data.target, "due_on": data.due_on,
            "status": data.status}


def add_activity(session: Session, *, user, promise_id: int, data: ActivityIn, note: str = "") -> PromiseActivity:
    """A new activity (after signing: a revision)."""
    promise = access.get_promise_for(session, user, promise_id)
    if promise.status == "completed":
        raise _bad("promise_completed", _l("A completed promise can no longer be changed."), None, 409)
    values = _check_activity(session, promise, data)
    activity = PromiseActivity(promise_id=promise.id, **values)
    session.add(activity)
    record_revision(session, promise, user, [{"what": "activity_added", "before": "", "after": values["description"]}], note)
    promise.updated_at = utcnow()
    session.add(promise)
    session.commit()
    return activity


def update_activity(session: Session, *, user, activity_id: int, data: ActivityIn, note: str = "") -> PromiseActivity:
    """Change an activity; a change other than its status, after signing, is a revision."""
    activity, promise = get_activity(session, activity_id)
    access.get_promise_for(session, user, promise.id)
    if promise.status == "completed":
        raise _bad("promise_completed", _l("A completed promise can no longer be changed."), None, 409)
    values = _check_activity(session, promise, data)
    if values["indicator"] != activity.indicator and entries(session, activity.id, with_amount=True):
        raise _bad("indicator_has_entries", _l("The indicator has progress entries with amounts: it cannot change kind."), "indicator", 409)
    changes = activity_changes(session, activity, values)
    for key, value in values.items():
        setattr(activity, key, value)
    session.add(activity)
    record_revision(session, promise, user, changes, note)
    promise.updated_at = utcnow()
    session.add(promise)
    session.commit()
    return activity


def list_promises(session: Session, municipality: str, *, public: bool) -> list[Promise]:
    """The municipality's promises, newest period first (public: no drafts)."""
    query = select(Promise).where(Promise.municipality == municipality)
    if public:
        query = query.where(Promise.status.in_(PUBLIC))
    return list(session.exec(query.order_by(Promise.period_start.desc(), Promise.id.desc())))
