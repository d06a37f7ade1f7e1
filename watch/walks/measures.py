"""Measures: what will be done about observations, by whom and when; followed until done or publicly declined."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from watch.core.time import TZ, aware, utcnow
from watch.core.errors import ServiceError
from watch.organisations.models import Organisation
from watch.walks import access
from watch.walks.models import PRIORITIES, RESPONSIBLE, Measure, MeasureObservation, Walk, WalkObservation
from watch.walks.observations import remove_files, store_photo

# The status a measure may move to from each status.
NEXT = {"open": ("scheduled", "done", "not_feasible"), "scheduled": ("done", "not_feasible", "open"),
        "done": (), "not_feasible": ("open",)}


def _bad(code: str, message, field: str | None = None, status: int = 422) -> ServiceError:
    return ServiceError(code, message, status, **({"field": field} if field else {}))


def _today() -> date:
    return utcnow().astimezone(TZ).date()


def default_due(today: date | None = None) -> date:
    """Six months (WALKS_MEASURE_DUE_DAYS) from today."""
    return (today or _today()) + timedelta(days=int(current_app.config["WALKS_MEASURE_DUE_DAYS"]))


@dataclass
class MeasureIn:
    """What the organisers decide to do."""

    title: str
    responsible_kind: str
    observation_ids: list[int] = field(default_factory=list)
    responsible_org_id: int | None = None
    priority: int = 2
    due_date: date | None = None


def add(session: Session, *, user, walk_id: int, data: MeasureIn, today: date | None = None) -> Measure:
    """Check everything, then store the measure linked to its observations."""
    walk = access.get_walk_for(session, user, walk_id, "manage")
    title = " ".join((data.title or "").split())
    if not 1 <= len(title) <= 200:
        raise _bad("title_required", _l("Say what will be done (at most 200 characters)."), "title")
    if data.responsible_kind not in RESPONSIBLE:
        raise _bad("responsible_unknown", _l("Choose who is responsible."), "responsible_kind")
    if data.responsible_org_id is not None:
        org = session.get(Organisation, data.responsible_org_id)
        if org is None or org.municipality != walk.municipality:
            raise _bad("responsible_org_unknown", _l("Choose an organisation of the municipality."), "responsible_org_id")
    if data.priority not in PRIORITIES:
        raise _bad("priority_unknown", _l("Choose a priority."), "priority")
    today = today or _today()
    due = data.due_date or default_due(today)
    if due < today:
        raise _bad("due_in_past", _l("The due date has passed: choose today or a later date."), "due_date")
    ids = sorted({int(i) for i in data.observation_ids or []})
    if not ids:
        raise _bad("observations_required", _l("Choose at least one observation."), "observation_ids")
    found = session.exec(select(WalkObservation.id).where(WalkObservation.id.in_(ids), WalkObservation.walk_id == walk.id)).all()
    if len(found) != len(ids):
        raise _bad("observation_unknown", _l("Choose observations of this walk."), "observation_ids")
    measure = Measure(walk_id=walk.id, title=title, responsible_kind=data.responsible_kind,
                      responsible_org_id=data.responsible_org_id, priority=data.priority, due_date=due)
    session.add(measure)
    session.flush()
    for oid in ids:
        session.add(MeasureObservation(measure_id=measure.id, observation_id=oid))
    session.commit()
    return measure


def get_measure_for(session: Session, user, measure_id: int) -> tuple[Measure, Walk]:
    """The measure and its walk, for a manager of the walk."""
    measure = session.get(Measure, measure_id)
    if measure is None:
        raise ServiceError("measure_not_found", _l("No such measure."), 404)
    return measure, access.get_walk_for(session, user, measure.walk_id, "manage")


def decide(session: Session, *, user, measure_id: int, decision: str, reason: str | None = None,
           now: datetime | None = None) -> Measure:
    """Accept, or decline with a reason that the public protocol shows."""
    measure, _walk = get_measure_for(session, user, measure_id)
    reason = " ".join((reason or "").split())
    if decision == "accepted":
        measure.decline_reason = None
    elif decision == "declined":
        if not reason or len(reason) > 500:
            raise _bad("reason_required", _l("Give the reason for declining (at most 500 characters): it is published."), "reason")
        measure.decline_reason = reason
    else:
        raise _bad("decision_unknown", _l("Unknown decision."), "decision")
    measure.decision, measure.decided_at = decision, now or utcnow()
    session.add(measure)
    session.commit()
    return measure


def set_status(session: Session, *, user, measure_id: int, status: str, after_photo: bytes | None = None,
               now: datetime | None = None) -> Measure:
    """Move an accepted measure: open → scheduled → done (with an after-photo) or not feasible."""
    measure, _walk = get_measure_for(session, user, measure_id)
    if measure.decision != "accepted":
        raise _bad("not_accepted", _l("Only an accepted measure is followed up."), "status", 409)
    if status not in NEXT.get(measure.status, ()):
        raise _bad("status_step", _l("That status cannot follow the current one."), "status", 409)
    photo = None
    if status == "done":
        if not after_photo:
            raise _bad("after_photo_required", _l("Add a photo of the place after the work."), "after_photo")
        photo = store_photo(after_photo)
    old = measure.after_photo if status != "done" else None
    measure.status = status
    measure.done_at = (now or utcnow()) if status == "done" else None
    if status == "done":
        measure.after_photo = photo
    elif status == "open":
        measure.after_photo = None
    session.add(measure)
    try:
        session.commit()
    except Exception:
        session.rollback()
        remove_files([photo])
        raise
    if old and measure.after_photo is None:
        remove_files([old])
    return measure


def measures_of(session: Session, walk_id: int) -> list[Measure]:
    """A walk's measures, highest priority first."""
    return list(session.exec(select(Measure).where(Measure.walk_id == walk_id).order_by(Measure.priority, Measure.id)))


def observation_ids(session: Session, measure_ids) -> dict[int, list[int]]:
    """measure id -> its observation ids."""
    out: dict[int, list[int]] = {}
    if measure_ids:
        for mid, oid in session.exec(select(MeasureObservation.measure_id, MeasureObservation.observation_id)
                                     .where(MeasureObservation.measure_id.in_(list(measure_ids)))):
            out.setdefault(mid, []).append(oid)
    return out


def done_within(measures, walk: Walk, days: int) -> tuple[int, int]:
    """(accepted measures done within `days` of the walk, accepted measures)."""
    accepted = [m for m in measures if m.decision == "accepted"]
    limit = walk.starts_at + timedelta(days=days)
    done = [m for m in accepted if m.status == "done" and m.done_at is not None and aware(m.done_at) <= aware(limit)]
    return len(done), len(accepted)

