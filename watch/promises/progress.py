"""Progress on a promise's activities: dated entries with their evidence, and each indicator against its target."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from watch.core.time import utcnow
from watch.core.errors import NotFound, ServiceError
from watch.organisations.models import Organisation
from watch.promises import access, indicators, photos
from watch.promises.common import bad as _bad
from watch.promises.common import MAX_TARGET, activities, entries, get_activity, today
from watch.promises.models import MANUAL, ProgressEntry, Promise, PromiseActivity


@dataclass
class ProgressIn:
    """A dated progress entry with its evidence."""

    entry_on: date | None
    text: str = ""
    link: str = ""
    amount: int | None = None
    photo: bytes | None = None


def add_progress(session: Session, *, user, activity_id: int, data: ProgressIn) -> ProgressEntry:
    """A dated entry on an activity. A manual indicator needs the amount done; a counted one refuses it."""
    activity, promise = get_activity(session, activity_id)
    if promise.status == "draft" and not access.may_edit(session, user, promise.municipality):
        raise NotFound("activity_not_found", _l("No such activity."))
    if not access.may_post_progress(session, user, activity, promise.municipality):
        raise ServiceError("promise_progress_forbidden", _l("Only the coordinator or the responsible organisation may report progress."), 403)
    if promise.status not in ("signed", "active", "revised"):
        raise _bad("promise_not_running", _l("Progress is reported while the promise is signed or active."), None, 409)
    if data.entry_on is None:
        raise _bad("entry_date_missing", _l("Enter the date."), "entry_on")
    if data.entry_on > today():
        raise _bad("entry_in_future", _l("The date cannot be in the future."), "entry_on")
    if not promise.period_start <= data.entry_on <= promise.period_end:
        raise _bad("entry_outside_period", _l("The date is outside the promise's period (%(a)s – %(b)s).",
                                              a=format_date(promise.period_start), b=format_date(promise.period_end)), "entry_on")
    if activity.indicator == MANUAL:
        if data.amount is None or not 0 <= data.amount <= MAX_TARGET:
            raise _bad("amount_missing", _l("Enter how many were done since the last entry (0 or more)."), "amount")
    elif data.amount is not None:
        raise _bad("amount_counted", _l("The app counts this indicator itself: leave the number out."), "amount")
    text = (data.text or "").strip()
    if len(text) > 2000:
        raise _bad("text_too_long", _l("At most %(n)s characters.", n=2000), "text")
    link = (data.link or "").strip() or None
    if link is not None:
        parts = urlsplit(link)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(link) > 500 or any(c.isspace() for c in link):
            raise _bad("link_invalid", _l("The link must be a web address starting with https://."), "link")
    if not text and not link and not data.photo and data.amount is None:
        raise _bad("evidence_missing", _l("Write what was done, or add a photo or a link."), "text")
    photo = photos.store(data.photo) if data.photo else None
    entry = ProgressEntry(activity_id=activity.id, entry_on=data.entry_on, amount=data.amount if activity.indicator == MANUAL else None,
                          text=text, link=link, photo=photo, author_id=user.id)
    session.add(entry)
    if activity.status == "planned":
        activity.status = "ongoing"
        session.add(activity)
    promise.updated_at = utcnow()
    session.add(promise)
    try:
        session.commit()
    except Exception:
        session.rollback()
        photos.remove([photo])
        raise
    return entry


@dataclass
class Progress:
    """One activity's indicator now."""

    activity: PromiseActivity
    organisation: str
    label: str
    value: int
    target: int
    counted: bool
    last_entry: date | None

    @property
    def percent(self) -> int:
        """How far toward the target, 0..100."""
        return min(100, round(100 * self.value / self.target)) if self.target else 0


def progress(session: Session, promise: Promise, *, until: date | None = None) -> list[Progress]:
    """Each activity's value against its target: the app's own count, or the sum of the manual entries (up to `until`)."""
    end = min(promise.period_end, until or promise.period_end)
    names = dict(session.exec(select(Organisation.id, Organisation.name).where(
        Organisation.municipality == promise.municipality)).all())
    out = []
    for act in activities(session, promise.id):
        rows = [e for e in entries(session, act.id) if e.entry_on <= end]
        if act.indicator == MANUAL:
            value = sum(e.amount or 0 for e in rows)
        else:
            value = indicators.counted(session, act.indicator, promise.municipality, promise.period_start, end) \
                if end >= promise.period_start else 0
        out.append(Progress(activity=act, organisation=names.get(act.organisation_id, ""),
                            label=str(indicators.label(act.indicator, act.indicator_label)), value=value, target=act.target,
                            counted=act.indicator != MANUAL, last_entry=rows[0].entry_on if rows else None))
    return out
