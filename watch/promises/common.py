"""What the promise modules share: today's date in Sweden, the refusal shape, an activity and its entries."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from watch.core.time import TZ, utcnow
from watch.core.errors import NotFound, ServiceError
from watch.promises.models import ProgressEntry, Promise, PromiseActivity

MAX_TARGET = 100_000


def bad(code: str, message, fld: str | None = None, status: int = 422) -> ServiceError:
    """A refusal naming the field it is about (422 unless told)."""
    return ServiceError(code, message, status, **({"field": fld} if fld else {}))


def today() -> date:
    """Today in Sweden."""
    return utcnow().astimezone(TZ).date()


def add_years(day: date, years: int) -> date:
    """The same day `years` later (28 February for 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def activities(session: Session, promise_id: int) -> list[PromiseActivity]:
    """The promise's activities by due date."""
    return list(session.exec(select(PromiseActivity).where(PromiseActivity.promise_id == promise_id).order_by(PromiseActivity.due_on,
                                                                                                            PromiseActivity.id)))


def get_activity(session: Session, activity_id: int) -> tuple[PromiseActivity, Promise]:
    """The activity and its promise, else NotFound (the callers check who may see it)."""
    activity = session.get(PromiseActivity, activity_id)
    if activity is None:
        raise NotFound("activity_not_found", _l("No such activity."))
    return activity, session.get(Promise, activity.promise_id)


def entries(session: Session, activity_id: int, *, with_amount: bool = False) -> list[ProgressEntry]:
    """The activity's progress entries, newest first (only those with an amount, if asked)."""
    query = select(ProgressEntry).where(ProgressEntry.activity_id == activity_id)
    if with_amount:
        query = query.where(ProgressEntry.amount.is_not(None))
    return list(session.exec(query.order_by(ProgressEntry.entry_on.desc(), ProgressEntry.id.desc())))
