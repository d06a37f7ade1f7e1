"""The home page as each person's to-do list: what waits for them, most urgent first.

Read-only counts from the domains' own tables and rules; the home page renders them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func
from sqlmodel import Session, select

from watch.alerts.models import Alert, AlertArea, Status
from watch.areas.registration import service as registration
from watch.areas.models import Area, AreaJoinRequest, AreaMembership, AreaRole, AreaStatus, JoinRequestStatus
from watch.core.time import utcnow

# How long before a contact representative's yearly training runs out the home page says so.
TRAINING_WARN_DAYS = 30


@dataclass
class Task:
    """One line of the to-do list: what, where to do it, and how urgent (danger, notice, info)."""

    key: str
    text: str
    url: str
    kind: str = "notice"
    action: str = ""


def _memberships(session: Session, user) -> list[tuple[AreaMembership, Area]]:
    return list(session.exec(select(AreaMembership, Area).join(Area, Area.id == AreaMembership.area_id)
                             .where(AreaMembership.user_id == user.id, Area.status.in_([AreaStatus.active, AreaStatus.pending]))))


def unacknowledged(session: Session, user, police_area_ids: set[int]) -> int:
    """Open (not yet acknowledged) visible alerts in the areas the user is police contact for; all for admins."""
    q = select(func.count(func.distinct(Alert.id))).select_from(Alert).where(Alert.status == Status.open, Alert.hidden_at.is_(None))
    if not user.is_admin:
        if not police_area_ids:
            return 0
        q = q.join(AlertArea, AlertArea.alert_id == Alert.id).where(AlertArea.area_id.in_(police_area_ids))
    return session.exec(q).one()


def tasks_for(session: Session, user) -> list[Task]:
    """What waits for this person, most urgent first."""
    out: list[Task] = []
    rows = _memberships(session, user)
    active = {a.id for m, a in rows if a.status is AreaStatus.active}
    police_ids = {a.id for m, a in rows if m.role is AreaRole.police and a.status is AreaStatus.active}
    contact_rows = [(m, a) for m, a in rows if m.role is AreaRole.contact]

    if user.is_admin or police_ids:
        n = unacknowledged(session, user, police_ids)
        if n:
            out.append(Task("alerts", ngettext("%(num)s alert is waiting for acknowledgement",
                                               "%(num)s alerts are waiting for acknowledgement", n),
                            url_for("alerts.list_page", status="open"), "danger", _("Show")))
    if user.is_admin or user.is_police:
        n = len(registration.approval_queue(session, user))
        if n:
            out.append(Task("approve", ngettext("%(num)s area is waiting for your approval", "%(num)s areas are waiting for your approval", n),
                            url_for("areas.queue"), "notice", _("Review")))
    contact_active = [a.id for m, a in contact_rows if a.status is AreaStatus.active]
    if contact_active:
        per_area = dict(session.exec(select(AreaJoinRequest.area_id, func.count()).where(
            AreaJoinRequest.area_id.in_(contact_active), AreaJoinRequest.status == JoinRequestStatus.pending)
            .group_by(AreaJoinRequest.area_id)).all())
        for area_id, n in sorted(per_area.items()):
            name = next(a.name for m, a in contact_rows if a.id == area_id)
            out.append(Task(f"join-{area_id}", ngettext("%(num)s request to join %(area)s", "%(num)s requests to join %(area)s", n, area=name),
                            url_for("areas.members_page", area_id=area_id), "notice", _("Answer")))
    for m, a in contact_rows:
        if a.status is AreaStatus.pending:
            out.append(Task(f"pending-{a.id}", _("%(area)s is waiting for the police's approval", area=a.name),
                            url_for("areas.detail", area_id=a.id), "info", _("What happens next")))
    out += _training(contact_rows)
    if not active and not user.is_police and not user.is_admin and not contact_rows:
        out.append(Task("join", _("You are not in a watch area yet: find yours, or start one"),
                        url_for("areas.map_page"), "notice", _("Find an area")))
    return out


def _training(contact_rows) -> list[Task]:
    """The contact representative's yearly training: running out soon, or missing."""
    valid_days = current_app.config["AREA_TRAINING_VALID_DAYS"]
    today = utcnow().date()
    dated = [m.trained_on for m, a in contact_rows if m.trained_on is not None]
    if not contact_rows:
        return []
    area = contact_rows[0][1]
    if not dated:
        return [Task("training", _("You need the contact representative training: ask the police or the municipality's safety coordinator"),
                     url_for("areas.detail", area_id=area.id), "notice", _("How"))]
    expires = max(dated) + timedelta(days=valid_days)
    left = (expires - today).days
    if left < 0:
        return [Task("training", _("Your training has run out: book this year's training with the police or the municipality"),
                     url_for("areas.detail", area_id=area.id), "danger", _("How"))]
    if left <= TRAINING_WARN_DAYS:
        return [Task("training", ngettext("Your training runs out in %(num)s day", "Your training runs out in %(num)s days", left),
                     url_for("areas.detail", area_id=area.id), "notice", _("How"))]
    return []
