"""Receivers of the per-user data signals (GDPR delete and export)."""
from __future__ import annotations

from sqlmodel import select

from watch.core import events
from watch.areas.models import Area, AreaJoinRequest, AreaMembership, AreaOutlineChange, Household


def on_user_deleting(user, session, **_):
    """Delete the user's memberships and join requests; keep areas, forgetting who made them."""
    for model in (AreaMembership, AreaJoinRequest):
        for row in session.exec(select(model).where(model.user_id == user.id)).all():
            session.delete(row)
    for area in session.exec(select(Area).where((Area.created_by_id == user.id) | (Area.decided_by_id == user.id))).all():
        if area.created_by_id == user.id:
            area.created_by_id = None
        if area.decided_by_id == user.id:
            area.decided_by_id = None
        session.add(area)
    for c in session.exec(select(AreaOutlineChange).where((AreaOutlineChange.proposed_by_id == user.id)
                                                          | (AreaOutlineChange.decided_by_id == user.id))).all():
        if c.proposed_by_id == user.id:
            c.proposed_by_id = None
        if c.decided_by_id == user.id:
            c.decided_by_id = None
        session.add(c)
    for h in session.exec(select(Household).where((Household.entered_by_id == user.id) | (Household.keeper_id == user.id))).all():
        if h.entered_by_id == user.id:
            h.entered_by_id = None
        if h.keeper_id == user.id:
            h.keeper_id = None
        session.add(h)
    session.flush()


def on_user_export(user, session, data, **_):
    """Add the user's memberships, join requests and the households they entered."""
    areas = {a.id: a for a in session.exec(select(Area).join(AreaMembership, AreaMembership.area_id == Area.id)
                                           .where(AreaMembership.user_id == user.id))}
    data["area_memberships"] = [
        {"area_id": m.area_id, "area": areas[m.area_id].name if m.area_id in areas else None, "role": m.role.value,
         "is_main_contact": m.is_main_contact, "trained_on": m.trained_on.isoformat() if m.trained_on else None,
         "joined_at": m.created_at.isoformat()}
        for m in session.exec(select(AreaMembership).where(AreaMembership.user_id == user.id))
    ]
    data["area_join_requests"] = [
        {"area_id": r.area_id, "message": r.message, "status": r.status.value, "created_at": r.created_at.isoformat()}
        for r in session.exec(select(AreaJoinRequest).where(AreaJoinRequest.user_id == user.id))
    ]
    data["areas_registered"] = [
        {"id": a.id, "name": a.name, "kind": a.kind.value, "status": a.status.value, "created_at": a.created_at.isoformat()}
        for a in session.exec(select(Area).where(Area.created_by_id == user.id))
    ]
    data["area_outlines_proposed"] = [
        {"area_id": c.area_id, "municipality": c.municipality, "status": c.status.value, "proposed_at": c.proposed_at.isoformat(),
         "reason": c.reason}
        for c in session.exec(select(AreaOutlineChange).where(AreaOutlineChange.proposed_by_id == user.id))
    ]
    data["households_entered"] = [
        {"area_id": h.area_id, "address": h.address, "participates": h.participates, "contact_name": h.contact_name,
         "contact_phone": h.contact_phone, "created_at": h.created_at.isoformat()}
        for h in session.exec(select(Household).where(Household.entered_by_id == user.id))
    ]


def connect() -> None:
    """Connect the receivers (weakly held functions at module level stay alive)."""
    events.user_deleting.connect(on_user_deleting)
    events.user_export.connect(on_user_export)
