"""Who may see and act on an alert: the one place that decides, for HTML, API and map alike.

Visible to: admins; the author; members, contact representatives and police
contacts of one of the alert's (active) areas. A hidden alert is visible only
to its author, the areas' contact representatives and police contacts, and
admins. Anyone else gets 404, never 403, so ids reveal nothing.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, false, or_
from sqlmodel import Session, select

from watch.areas.service import user_area_roles
from watch.alerts.models import Alert, AlertArea
from watch.areas.models import AreaRole
from watch.core.errors import Forbidden, NotFound

NEEDS = ("view", "update", "ack", "close", "hide")
STAFF = (AreaRole.contact, AreaRole.police)


class AlertAccess:
    """An alert with what the user may do with it."""

    def __init__(self, alert: Alert, area_ids: list[int], roles: dict, user):
        self.alert = alert
        self.area_ids = area_ids
        self.user = user
        self.is_admin = bool(getattr(user, "is_admin", False))
        self.roles = {a: roles[a] for a in area_ids if a in roles}
        self.is_author = alert.author_id is not None and alert.author_id == getattr(user, "id", None)

    def has_role(self, *wanted: AreaRole) -> bool:
        """Whether the user holds one of these roles in one of the alert's areas."""
        return any(r in wanted for r in self.roles.values())

    @property
    def can_view(self) -> bool:
        """See it at all."""
        if self.is_admin or self.is_author:
            return True
        if not self.roles:
            return False
        return self.alert.hidden_at is None or self.has_role(*STAFF)

    @property
    def can_ack(self) -> bool:
        """Acknowledge and close: the areas' police contacts, admins."""
        return self.is_admin or self.has_role(AreaRole.police)

    @property
    def can_hide(self) -> bool:
        """Hide with a reason: the areas' contact representatives, admins."""
        return self.is_admin or self.has_role(AreaRole.contact)


def alert_area_ids(session: Session, alert_id: int) -> list[int]:
    """The ids of the areas an alert belongs to."""
    return list(session.exec(select(AlertArea.area_id).where(AlertArea.alert_id == alert_id).order_by(AlertArea.area_id)))


def access_for(session: Session, user, alert: Alert, roles: dict | None = None) -> AlertAccess:
    """What this user may do with this alert (no refusal raised)."""
    if roles is None:
        roles = user_area_roles(session, user)
    return AlertAccess(alert, alert_area_ids(session, alert.id), roles, user)


def get_alert_for(session: Session, user, alert_id: int, need: str = "view") -> AlertAccess:
    """The alert if the user may `need` it: NotFound if they may not see it, Forbidden otherwise."""
    if need not in NEEDS:
        raise ValueError(need)
    alert = session.get(Alert, alert_id) if getattr(user, "is_authenticated", False) else None
    if alert is None:
        raise NotFound("alert_not_found", _l("No such alert, or you cannot see it."))
    access = access_for(session, user, alert)
    if not access.can_view:
        raise NotFound("alert_not_found", _l("No such alert, or you cannot see it."))
    if need in ("ack", "close") and not access.can_ack:
        raise Forbidden("alert_police_only", _l("Only the area's police contact or an admin may do that."))
    if need == "hide" and not access.can_hide:
        raise Forbidden("alert_contact_only", _l("Only the area's contact representative or an admin may hide an alert."))
    return access


def staff_area_ids(session: Session, user, roles: dict | None = None) -> set[int] | None:
    """The areas in whose alerts the user is staff (sees hiding details); None for an admin: all of them."""
    if user.is_admin:
        return None
    if roles is None:
        roles = user_area_roles(session, user)
    return {a for a, r in roles.items() if r in STAFF}


def visible_clause(session: Session, user):
    """The same rule as AlertAccess.can_view, as a SQL condition on Alert (None: everything)."""
    if not getattr(user, "is_authenticated", False):
        return false()
    if user.is_admin:
        return None
    roles = user_area_roles(session, user)
    all_ids = sorted(roles)
    staff_ids = sorted(staff_area_ids(session, user, roles))

    def in_areas(ids):
        if not ids:
            return false()
        return Alert.id.in_(select(AlertArea.alert_id).where(AlertArea.area_id.in_(ids)))

    return or_(
        Alert.author_id == user.id,
        and_(in_areas(all_ids), or_(Alert.hidden_at.is_(None), in_areas(staff_ids))),
    )
