"""After submission: states, the police case number, the after-photo, service targets with escalation, statistics."""
from __future__ import annotations

import csv
import io
from datetime import datetime

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from watch import mail
from watch.accounts.models import User
from watch.core.photos import prepare
from watch.core.db import session_scope
from watch.core.time import TZ, utcnow
from watch.core.errors import NotFound, ServiceError
from watch.est.places import districts_containing
from watch.graffiti import rules
from watch.graffiti.models import CLOSED, NEXT, OBJECT_TYPES, STATUSES, GraffitiPhoto, GraffitiReport, GraffitiUpdate, RoutingRule
from watch.graffiti.service import photo_dir, remove_files
from watch.organisations.models import COORDINATOR, Organisation, OrganisationMembership


def get_report_for(session: Session, user, report_id: int, need: str = "view") -> GraffitiReport:
    """The report for its reporter (`view`) or a handler (`view`, `handle`); NotFound for anyone else."""
    report = session.get(GraffitiReport, report_id)
    if report is None:
        raise NotFound("graffiti_not_found", _l("No such graffiti report."))
    handler = rules.may_handle(session, user, report)
    if not handler and not (need == "view" and report.reporter_id == getattr(user, "id", None)):
        raise NotFound("graffiti_not_found", _l("No such graffiti report."))
    return report


def set_status(session: Session, *, user, report_id: int, status: str, note: str = "", duplicate_of: int | None = None,
               after_photo: bytes | None = None, now: datetime | None = None) -> GraffitiReport:
    """Move a report along: accepted, reported to the police (needs the case number), scheduled, cleaned (needs an after-photo), closed."""
    report = get_report_for(session, user, report_id, "handle")
    if status not in NEXT.get(report.status, ()):
        raise ServiceError("status_step", _l("That status cannot follow the current one."), 409, field="status")
    if status == "police_reported" and not report.police_case_number:
        raise ServiceError("case_number_required", _l("Enter the police case number first."), 422, field="police_case_number")
    if status == "duplicate":
        other = session.get(GraffitiReport, duplicate_of) if duplicate_of else None
        if other is None or other.id == report.id or other.municipality != report.municipality:
            raise ServiceError("duplicate_of_unknown", _l("Choose the report it duplicates."), 422, field="duplicate_of")
        report.duplicate_of_id = other.id
    photo = None
    if status == "cleaned":
        if not after_photo:
            raise ServiceError("after_photo_required", _l("Add a photo of the place after cleaning."), 422, field="after_photo")
        prepared = prepare(after_photo)
        (photo_dir() / prepared.filename).write_bytes(prepared.data)
        photo = prepared.filename
        report.after_photo, report.cleaned_at = photo, now or utcnow()
    report.status, report.status_note, report.updated_at = status, (note or "").strip()[:500], now or utcnow()
    session.add(report)
    try:
        session.commit()
    except Exception:
        session.rollback()
        remove_files([photo])
        raise
    return report


# A case system's update status (FixMyStreet's servicerequestupdates codes, or ours) → our status; None: a note only.
REMOTE_STATUSES = {"OPEN": None, "INVESTIGATING": "accepted", "IN_PROGRESS": "accepted", "ACTION_SCHEDULED": "scheduled",
                   "FIXED": "cleaned", "CLOSED": "closed", "UNABLE_TO_FIX": "closed", "NOT_COUNCILS_RESPONSIBILITY": "not_ours",
                   "ACCEPTED": "accepted", "SCHEDULED": "scheduled", "CLEANED": "cleaned", "NOT_OURS": "not_ours"}


def _reachable(current: str, target: str) -> bool:
    seen, todo = set(), [current]
    while todo:
        for nxt in NEXT.get(todo.pop(), ()):
            if nxt == target:
                return True
            if nxt not in seen and nxt not in ("duplicate", "police_reported"):
                seen.add(nxt)
                todo.append(nxt)
    return False


def apply_update(session: Session, *, user, report_id: int, update_id: str, status: str, description: str = "",
                 now: datetime | None = None) -> tuple[GraffitiReport, bool]:
    """A case system's update: moves the report forward (skipping steps it did on its side); (report, stored) — a replayed
    update_id stores nothing again."""
    report = get_report_for(session, user, report_id, "handle")
    update_id = (update_id or "").strip()
    if not 1 <= len(update_id) <= 80:
        raise ServiceError("update_id_required", _l("update_id is required (at most 80 characters)."), 400, field="update_id")
    code = (status or "").strip().upper()
    if code not in REMOTE_STATUSES:
        raise ServiceError("status_unknown", _l("Unknown status."), 400, field="status")
    if session.exec(select(GraffitiUpdate).where(GraffitiUpdate.report_id == report.id, GraffitiUpdate.update_id == update_id)).first():
        return report, False
    target = REMOTE_STATUSES[code]
    if target is not None and target != report.status and not _reachable(report.status, target):
        raise ServiceError("status_step", _l("That status cannot follow the current one."), 409, field="status")
    now = now or utcnow()
    description = " ".join((description or "").split())[:500]
    if target is not None and target != report.status:
        report.status = target
        if target == "cleaned":
            report.cleaned_at = now
    if description:
        report.status_note = description
    report.updated_at = now
    session.add(report)
    session.add(GraffitiUpdate(report_id=report.id, update_id=update_id, status=code, description=description,
                               by_id=getattr(user, "id", None), created_at=now))
    session.commit()
    return report, True


def set_case_number(session: Session, *, user, report_id: int, case_number: str, now: datetime | None = None) -> GraffitiReport:
    """Record the police case number (K-number); an accepted report becomes 'reported to the police'."""
    report = get_report_for(session, user, report_id, "handle")
    value = " ".join((case_number or "").split())
    if not 1 <= len(value) <= 40:
        raise ServiceError("case_number_invalid", _l("The case number is 1 to 40 characters."), 422, field="police_case_number")
    report.police_case_number = value
    if report.status == "accepted":
        report.status = "police_reported"
    report.updated_at = now or utcnow()
    session.add(report)
    session.commit()
    return report


def photos_of(session: Session, report_id: int) -> list[GraffitiPhoto]:
    """A report's photos in the order they came."""
    return list(session.exec(select(GraffitiPhoto).where(GraffitiPhoto.report_id == report_id).order_by(GraffitiPhoto.id)))


POLICE_COLUMNS = ("id", "observed_at", "address", "lat", "lon", "object_type", "owner_type", "offensive", "area_m2",
                  "photos", "photo_taken_at", "police_case_number")


def police_csv(session: Session, reports: list[GraffitiReport], photo_url) -> str:
    """The police-report package as CSV: time, place, object, m², photo links and the case number field."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(POLICE_COLUMNS)
    for r in reports:
        photos = photos_of(session, r.id)
        writer.writerow([r.id, r.observed_at.astimezone(TZ).isoformat(timespec="minutes"), r.address, r.lat, r.lon,
                         r.object_type, r.owner_type, "yes" if r.offensive else "no", r.area_m2,
                         " ".join(photo_url(p) for p in photos),
                         " ".join(p.taken_at.astimezone(TZ).isoformat(timespec="minutes") if p.taken_at else "" for p in photos),
                         r.police_case_number or ""])
    return out.getvalue()


def queue_for(session: Session, user, municipality: str) -> list[GraffitiReport]:
    """Open reports a handler works on, oldest due first."""
    rows = session.exec(select(GraffitiReport).where(GraffitiReport.municipality == municipality,
                                                     GraffitiReport.status.not_in(CLOSED)).order_by(GraffitiReport.due_at)).all()
    return [r for r in rows if rules.may_handle(session, user, r)]


def escalate(session: Session, now: datetime | None = None) -> int:
    """E-mail the routed address and the municipality's coordinators once a report passes its service target."""
    now = now or utcnow()
    late = session.exec(select(GraffitiReport).where(GraffitiReport.due_at < now, GraffitiReport.escalated_at.is_(None),
                                                     GraffitiReport.status.not_in(CLOSED + ("cleaned", "not_ours")))).all()
    for report in late:
        to = set()
        rule = session.exec(select(RoutingRule.address).where(RoutingRule.municipality == report.municipality,
                                                              RoutingRule.organisation_id == report.organisation_id)).first()
        if rule:
            to.add(rule)
        coordinators = session.exec(select(User.email).join(OrganisationMembership, OrganisationMembership.user_id == User.id)
                                    .join(Organisation, Organisation.id == OrganisationMembership.organisation_id)
                                    .where(Organisation.municipality == report.municipality,
                                           OrganisationMembership.role == COORDINATOR)).all()
        to.update(coordinators)
        with mail.recipient_locale(None):
            text, html = mail.compose(
                greeting=_("Graffiti no. %(id)s has passed its service target.", id=report.id),
                paragraphs=[_("Status: %(s)s. Object: %(o)s, %(a)s.", s=STATUSES[report.status], o=OBJECT_TYPES[report.object_type],
                              a=report.address or "–")],
                action=(_("Open the report"), mail.public_url("graffiti.detail", report_id=report.id)))
            for address in sorted(to):
                mail.queue(session, to=address, kind="graffiti_escalation", text=text, html=html,
                           subject=_("Late: graffiti no. %(id)s", id=report.id))
        report.escalated_at = now
        session.add(report)
    session.commit()
    return len(late)


def escalation_task(app: Flask) -> None:
    """The registered escalation task."""
    with session_scope(app) as session:
        escalate(session)


def statistics(session: Session, municipality: str, year: int) -> list[dict]:
    """Count, m² and mean hours to clean, by district and month (duplicates left out)."""
    start, end = datetime(year, 1, 1, tzinfo=TZ), datetime(year + 1, 1, 1, tzinfo=TZ)
    rows: dict[tuple[str, int], dict] = {}
    for r in session.exec(select(GraffitiReport).where(GraffitiReport.municipality == municipality, GraffitiReport.status != "duplicate",
                                                       GraffitiReport.observed_at >= start, GraffitiReport.observed_at < end)):
        districts = districts_containing(session, municipality, r.lon, r.lat)
        key = (districts[0].name if districts else "–", r.observed_at.astimezone(TZ).month)
        row = rows.setdefault(key, {"district": key[0], "month": key[1], "count": 0, "m2": 0.0, "hours": []})
        row["count"] += 1
        row["m2"] += r.area_m2
        if r.cleaned_at:
            row["hours"].append((r.cleaned_at - r.created_at).total_seconds() / 3600)
    out = []
    for key in sorted(rows):
        row = rows[key]
        hours = row.pop("hours")
        row["mean_hours_to_clean"] = round(sum(hours) / len(hours), 1) if hours else None
        row["m2"] = round(row["m2"], 1)
        out.append(row)
    return out
