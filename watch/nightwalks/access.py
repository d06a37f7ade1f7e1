"""Who may see and run a night-walk group and its shifts: one place to ask."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from watch.core.errors import Forbidden, NotFound, ServiceError
from watch.nightwalks.models import NightShift, NightWalker, NightWalkGroup
from watch.training.access import can_organise


def _authenticated(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and getattr(user, "id", None))


def walker_of(session: Session, user, group_id: int) -> NightWalker | None:
    """The user's walker row in the group, if any."""
    if not _authenticated(user):
        return None
    return session.exec(select(NightWalker).where(NightWalker.group_id == group_id, NightWalker.user_id == user.id)).first()


def can_manage(session: Session, user, group: NightWalkGroup) -> bool:
    """Group leaders, and the municipality's organisers (admin, police, safety coordinator)."""
    if not _authenticated(user):
        return False
    if can_organise(session, user, group.municipality):
        return True
    w = walker_of(session, user, group.id)
    return bool(w and w.leader)


def get_group_for(session: Session, user, group_id: int, need: str = "view") -> NightWalkGroup:
    """The group if the user may `view` it (anyone logged in: to join), be a `member`, or `manage` it."""
    if not _authenticated(user):
        raise ServiceError("login_required", _l("Please log in first."), 401)
    group = session.get(NightWalkGroup, group_id)
    if group is None:
        raise NotFound("group_not_found", _l("No such night-walk group."))
    if need == "view" or can_manage(session, user, group):
        return group
    if need == "member" and walker_of(session, user, group.id) is not None:
        return group
    if need == "manage":
        raise Forbidden("group_forbidden", _l("Only the group's leaders and the municipality's organisers may do that."))
    raise Forbidden("group_forbidden", _l("Only the walkers of the group may do that."))


def get_shift_for(session: Session, user, shift_id: int, need: str = "member") -> tuple[NightShift, NightWalkGroup]:
    """The shift and its group, if the user is a walker of the group (`member`) or may `manage` it."""
    shift = session.get(NightShift, shift_id) if _authenticated(user) else None
    if shift is None:
        if not _authenticated(user):
            raise ServiceError("login_required", _l("Please log in first."), 401)
        raise NotFound("shift_not_found", _l("No such shift."))
    try:
        group = get_group_for(session, user, shift.group_id, need=need)
    except Forbidden:
        if walker_of(session, user, shift.group_id) is not None:
            raise  # a walker who is not a leader: they know the shift, they may not do this
        raise NotFound("shift_not_found", _l("No such shift."))  # outsiders do not learn when a group walks
    return shift, group
