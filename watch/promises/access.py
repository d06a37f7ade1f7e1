"""Who may do what with a promise, in one place.

- edit (write the promise, its signatories and activities, move its status): admins and
  the municipality's safety coordinators (EST role samordnare, watch.organisations);
- post progress on an activity: the editors, and reporters (rapportör or stronger) of the
  activity's responsible organisation;
- everyone, without logging in, reads a promise that is no longer a draft.
"""
from __future__ import annotations

from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlmodel import Session

from watch.core.errors import MESSAGES, Forbidden, NotFound
from watch.organisations import access as orgs
from watch.organisations.models import COORDINATOR, RANK, REPORTER
from watch.promises.models import PUBLIC, Promise, PromiseActivity


def may_edit(session: Session, user, municipality: str) -> bool:
    """True for admins and the municipality's safety coordinators."""
    return orgs.has_role(session, user, municipality, COORDINATOR)


def require_editor(session: Session, user, municipality: str) -> None:
    """Forbidden unless the user may edit the municipality's promises."""
    if not may_edit(session, user, municipality):
        raise Forbidden("promise_editor_only", _l("Only the municipality's safety coordinator may change its citizens' promises."))


def may_post_progress(session: Session, user, activity: PromiseActivity, municipality: str) -> bool:
    """An editor, or a reporter of the activity's responsible organisation."""
    if may_edit(session, user, municipality):
        return True
    return any(org.id == activity.organisation_id and org.active and RANK[m.role] >= RANK[REPORTER]
               for m, org in orgs.memberships_of(session, user))


def get_promise_for(session: Session, user, promise_id: int) -> Promise:
    """The promise for its editors; NotFound for a draft others may not know, Forbidden for a public one."""
    promise = session.get(Promise, promise_id)
    if promise is None:
        raise NotFound("promise_not_found", _l("No such citizens' promise."))
    if not may_edit(session, user, promise.municipality):
        if promise.status not in PUBLIC:
            raise NotFound("promise_not_found", _l("No such citizens' promise."))
        require_editor(session, user, promise.municipality)
    return promise


def public_promise(session: Session, promise_id: int, municipality: str | None = None) -> Promise:
    """A promise anyone may read (not a draft), else NotFound."""
    promise = session.get(Promise, promise_id)
    if promise is None or promise.status not in PUBLIC or (municipality is not None and promise.municipality != municipality):
        raise NotFound("promise_not_found", _l("No such citizens' promise."))
    return promise


class ActivityAccess(NamedTuple):
    """An activity, its promise, and what the user may do with it."""

    activity: PromiseActivity
    promise: Promise
    editor: bool  # may change the activity (may_edit)
    poster: bool  # may post progress on it (may_post_progress)


def get_activity_for(session: Session, user, activity_id: int) -> ActivityAccess:
    """The activity for the promise's editors, and for its progress posters once the promise is out of draft; else NotFound."""
    activity = session.get(PromiseActivity, activity_id)
    if activity is not None:
        promise = session.get(Promise, activity.promise_id)
        editor = may_edit(session, user, promise.municipality)
        poster = may_post_progress(session, user, activity, promise.municipality)
        if editor or (poster and promise.status != "draft"):
            return ActivityAccess(activity, promise, editor, poster)
    # The plain 404 page: nothing tells an outsider whether the activity exists.
    raise NotFound("not_found", MESSAGES[404])
