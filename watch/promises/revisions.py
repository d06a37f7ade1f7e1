"""A signed promise's versions: a change after signing becomes a revision that shows what changed."""
from __future__ import annotations

import json
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from watch.organisations.models import Organisation
from watch.promises.common import today
from watch.promises.models import Promise, PromiseActivity, PromiseRevision

FIELD_LABELS = {"title": _l("Title"), "period_start": _l("Period starts"), "period_end": _l("Period ends"),
                "problem": _l("The problem it answers"), "est_week_key": _l("EST picture"), "focus_areas": _l("Focus areas"),
                "scope": _l("Geographic scope")}
# An activity's fields a revision names, in this order.
ACTIVITY_FIELDS = ("description", "indicator_label", "target", "due_on", "organisation_id", "indicator")


def _shown(key: str, value) -> str:
    if value is None:
        return ""
    if key == "focus_areas":
        return ", ".join(json.loads(value))
    if key == "scope":
        return str(_l("Area on the map"))
    if isinstance(value, date):
        return value.isoformat()
    if key == "est_week_key":
        return f"{value // 100} v.{value % 100:02d}"
    return str(value)


def promise_changes(promise: Promise, values: dict) -> list[dict]:
    """What the checked `values` change in the promise, each as it reads before and after."""
    return [{"what": key, "before": _shown(key, getattr(promise, key)), "after": _shown(key, value)}
            for key, value in values.items() if getattr(promise, key) != value]


def activity_changes(session: Session, activity: PromiseActivity, values: dict) -> list[dict]:
    """What the checked `values` change in the activity (not its status); organisations by name."""
    changes = []
    for key in ACTIVITY_FIELDS:
        if getattr(activity, key) != values[key]:
            before, after = getattr(activity, key), values[key]
            if key == "organisation_id":
                before, after = session.get(Organisation, before).name, session.get(Organisation, after).name
            changes.append({"what": f"activity_{key}", "activity": activity.description,
                            "before": str(before), "after": str(after)})
    return changes


def record_revision(session: Session, promise: Promise, user, changes: list[dict], note: str = "") -> None:
    """A change to a signed promise becomes a new version with its visible difference (the caller commits)."""
    if promise.status == "draft" or not changes:
        return
    promise.version += 1
    promise.status = "revised" if promise.status != "completed" else promise.status
    session.add(PromiseRevision(promise_id=promise.id, version=promise.version, revised_on=today(), note=note[:500],
                                changes=json.dumps(changes, ensure_ascii=False), author_id=user.id))


def revisions(session: Session, promise_id: int) -> list[PromiseRevision]:
    """The promise's revisions, newest first."""
    return list(session.exec(select(PromiseRevision).where(PromiseRevision.promise_id == promise_id)
                             .order_by(PromiseRevision.version.desc())))
