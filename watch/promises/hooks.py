"""GDPR receivers and the organisation guard.

Promises are public documents about places, kept as the municipality's record (no retention
purge). Progress entries and revisions record who posted them: that is in the person's export,
and forgotten (the entry stays) when the account is deleted.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlmodel import select

from watch.core import events
from watch.core.errors import ServiceError
from watch.promises.models import ProgressEntry, Promise, PromiseActivity, PromiseRevision, PromiseSignatory


def on_user_deleting(user, session, **_kw) -> None:
    """Entries and revisions stay (they describe the promise's work), forgetting who posted them."""
    for model, column in ((ProgressEntry, ProgressEntry.author_id), (PromiseRevision, PromiseRevision.author_id),
                          (Promise, Promise.created_by_id)):
        for row in session.exec(select(model).where(column == user.id)).all():
            setattr(row, column.key, None)
            session.add(row)
    session.flush()


def on_user_export(user, session, data, **_kw) -> None:
    """The progress entries and revisions the user posted."""
    rows = session.exec(select(ProgressEntry, PromiseActivity, Promise)
                        .join(PromiseActivity, PromiseActivity.id == ProgressEntry.activity_id)
                        .join(Promise, Promise.id == PromiseActivity.promise_id)
                        .where(ProgressEntry.author_id == user.id).order_by(ProgressEntry.id))
    data["promise_progress_entries"] = [
        {"promise": p.title, "municipality": p.municipality, "activity": a.description, "entry_on": e.entry_on.isoformat(),
         "amount": e.amount, "text": e.text, "link": e.link, "has_photo": bool(e.photo), "posted_at": e.created_at.isoformat()}
        for e, a, p in rows
    ]
    revs = session.exec(select(PromiseRevision, Promise).join(Promise, Promise.id == PromiseRevision.promise_id)
                        .where(PromiseRevision.author_id == user.id).order_by(PromiseRevision.id))
    data["promise_revisions"] = [
        {"promise": p.title, "municipality": p.municipality, "version": r.version, "revised_on": r.revised_on.isoformat(),
         "note": r.note}
        for r, p in revs
    ]


def on_organisation_deleting(org, session, **_kw) -> None:
    """A party to a promise or the owner of an activity is kept: deactivate it instead."""
    used = session.exec(select(PromiseSignatory.id).where(PromiseSignatory.organisation_id == org.id).limit(1)).first() or \
        session.exec(select(PromiseActivity.id).where(PromiseActivity.organisation_id == org.id).limit(1)).first()
    if used is not None:
        raise ServiceError("organisation_in_use", _l("The organisation is a party to a citizens' promise: deactivate it instead."), 409)


def connect() -> None:
    """Connect the receivers."""
    events.user_deleting.connect(on_user_deleting)
    events.user_export.connect(on_user_export)
    events.organisation_deleting.connect(on_organisation_deleting)
