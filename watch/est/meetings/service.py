"""Meetings, decisions and actions: the coordinator writes, the EST group reads."""
from __future__ import annotations

import json
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from watch.core.errors import NotFound, ServiceError
from watch.est import access
from watch.est.models import ACTION_STATUSES, EstAction, EstDecision, EstMeeting, EstPlace
from watch.est.rules import weeks
from watch.organisations.models import Organisation


def _bad(code, message, field=None, status=422):
    return ServiceError(code, message, status, **({"field": field} if field else {}))


def _orgs_of(session: Session, municipality: str, ids) -> list[int]:
    ids = [int(i) for i in ids or []]
    known = set(session.exec(select(Organisation.id).where(Organisation.municipality == municipality,
                                                           Organisation.id.in_(ids or [-1]))).all())
    if set(ids) - known:
        raise _bad("organisation_unknown", _l("Unknown organisation."), "organisation_id")
    return ids


def _place(session: Session, municipality: str, place_id: int | None) -> int | None:
    if place_id is None:
        return None
    place = session.get(EstPlace, place_id)
    if place is None or place.municipality != municipality:
        raise _bad("place_unknown", _l("Unknown place."), "place_id")
    return place.id


def create_meeting(session: Session, *, user, municipality: str, held_on: date, agenda: str = "",
                   attendance: list[int] | None = None) -> EstMeeting:
    """A meeting; it discusses the latest week that ended before it."""
    access.require(session, user, municipality, access.COORDINATOR)
    if len(agenda or "") > 5000:
        raise _bad("too_long", _l("At most %(n)s characters.", n=5000), "agenda")
    ids = _orgs_of(session, municipality, attendance)
    y, w = weeks.shift(*held_on.isocalendar()[:2], -1)
    meeting = EstMeeting(municipality=municipality, held_on=held_on, week_key=weeks.key(y, w), agenda=(agenda or "").strip(),
                         attendance=json.dumps(ids))
    session.add(meeting)
    session.commit()
    return meeting


def get_meeting(session: Session, user, meeting_id: int, need: str = access.READER) -> EstMeeting:
    """The meeting, if the user is in its municipality's EST group (coordinator for changes)."""
    meeting = session.get(EstMeeting, meeting_id)
    if meeting is None or not access.orgs.has_role(session, user, meeting.municipality, access.READER):
        raise NotFound("meeting_not_found", _l("No such meeting."))
    access.require(session, user, meeting.municipality, need)
    return meeting


def add_decision(session: Session, *, user, meeting_id: int, text: str, organisation_id: int | None = None,
                 place_id: int | None = None) -> EstDecision:
    """A line in the decision log: a focus for the next period, per organisation."""
    meeting = get_meeting(session, user, meeting_id, access.COORDINATOR)
    text = " ".join((text or "").split())
    if not text or len(text) > 500:
        raise _bad("text_required", _l("Write the decision (at most 500 characters)."), "text")
    if organisation_id is not None:
        _orgs_of(session, meeting.municipality, [organisation_id])
    decision = EstDecision(meeting_id=meeting.id, organisation_id=organisation_id, text=text,
                           place_id=_place(session, meeting.municipality, place_id))
    session.add(decision)
    session.commit()
    return decision


def decisions_of(session: Session, meeting_id: int) -> list[tuple[EstDecision, str | None]]:
    """The decision log with organisation names."""
    return list(session.exec(select(EstDecision, Organisation.name)
                             .join(Organisation, Organisation.id == EstDecision.organisation_id, isouter=True)
                             .where(EstDecision.meeting_id == meeting_id).order_by(EstDecision.id)).all())


def meetings_of(session: Session, user, municipality: str) -> list[EstMeeting]:
    """The municipality's meetings, newest first."""
    access.require(session, user, municipality, access.READER)
    return list(session.exec(select(EstMeeting).where(EstMeeting.municipality == municipality)
                             .order_by(EstMeeting.held_on.desc(), EstMeeting.id.desc())))


def create_action(session: Session, *, user, municipality: str, owner_organisation_id: int, title: str,
                  starts_on: date, ends_on: date, place_id: int | None = None, cell: str | None = None,
                  meeting_id: int | None = None) -> EstAction:
    """An action with an owner, a place or hot-spot cell, and a period."""
    access.require(session, user, municipality, access.COORDINATOR)
    _orgs_of(session, municipality, [owner_organisation_id])
    title = " ".join((title or "").split())
    if not title or len(title) > 200:
        raise _bad("title_required", _l("Give the action a title (at most 200 characters)."), "title")
    if ends_on < starts_on:
        raise _bad("period_invalid", _l("The action cannot end before it starts."), "ends_on")
    if cell is not None and (len(cell) > 24 or not _valid_cell(cell)):
        raise _bad("cell_invalid", _l("Unknown hot-spot cell."), "cell")
    if place_id is None and cell is None:
        raise _bad("where_missing", _l("Choose a place or a hot-spot cell."), "place_id")
    if meeting_id is not None:
        get_meeting(session, user, meeting_id, access.COORDINATOR)
    action = EstAction(municipality=municipality, owner_organisation_id=owner_organisation_id, title=title,
                       starts_on=starts_on, ends_on=ends_on, place_id=_place(session, municipality, place_id),
                       cell=cell, meeting_id=meeting_id)
    session.add(action)
    session.commit()
    return action


def _valid_cell(cell: str) -> bool:
    parts = cell.split(":")
    return len(parts) == 2 and all(p.lstrip("-").isdigit() for p in parts)


def update_action(session: Session, *, user, action_id: int, status: str | None = None,
                  effect_note: str | None = None) -> EstAction:
    """Move an action on (planned, ongoing, done, evaluated) and note its effect."""
    action = session.get(EstAction, action_id)
    if action is None or not access.orgs.has_role(session, user, action.municipality, access.READER):
        raise NotFound("action_not_found", _l("No such action."))
    access.require(session, user, action.municipality, access.COORDINATOR)
    if status is not None:
        if status not in ACTION_STATUSES:
            raise _bad("status_unknown", _l("Unknown status."), "status")
        action.status = status
    if effect_note is not None:
        if len(effect_note) > 5000:
            raise _bad("too_long", _l("At most %(n)s characters.", n=5000), "effect_note")
        action.effect_note = effect_note.strip()
    session.add(action)
    session.commit()
    return action


def actions_of(session: Session, user, municipality: str) -> list[tuple[EstAction, str]]:
    """The municipality's actions with owner names, newest first."""
    access.require(session, user, municipality, access.READER)
    return list(session.exec(select(EstAction, Organisation.name)
                             .join(Organisation, Organisation.id == EstAction.owner_organisation_id)
                             .where(EstAction.municipality == municipality)
                             .order_by(EstAction.starts_on.desc(), EstAction.id.desc())).all())
