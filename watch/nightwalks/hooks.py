"""GDPR receivers and the organisation guard: walkers are personal data; debriefs hold counts only."""
from __future__ import annotations

from sqlmodel import select

from watch.core import events
from watch.nightwalks.models import NightShift, NightWalker, NightWalkGroup, ShiftDebrief, ShiftSignup
from watch.core.time import aware


def on_user_deleting(user, session, **_kw) -> None:
    """The person's walker rows, sign-ups and check-ins go; debriefs (counts) and shifts stay, forgetting who wrote them."""
    for model in (ShiftSignup, NightWalker):
        for row in session.exec(select(model).where(model.user_id == user.id)).all():
            session.delete(row)
    for d in session.exec(select(ShiftDebrief).where(ShiftDebrief.written_by_id == user.id)).all():
        d.written_by_id = None
        session.add(d)
    for model in (NightShift, NightWalkGroup):
        for row in session.exec(select(model).where(model.created_by_id == user.id)).all():
            row.created_by_id = None
            session.add(row)
    session.flush()


def on_user_export(user, session, data, **_kw) -> None:
    """The person's groups (birth year, trained, leader), sign-ups with check-ins, and the debriefs they wrote."""
    data["nightwalk_groups"] = [
        {"group": g.name, "municipality": g.municipality, "birth_year": w.birth_year, "trained": w.trained,
         "leader": w.leader, "joined_at": aware(w.joined_at).isoformat()}
        for w, g in session.exec(select(NightWalker, NightWalkGroup).join(NightWalkGroup, NightWalkGroup.id == NightWalker.group_id)
                                 .where(NightWalker.user_id == user.id).order_by(NightWalker.id)).all()]
    data["nightwalk_signups"] = [
        {"group": g.name, "starts_at": aware(sh.starts_at).isoformat(), "meeting_point": sh.meeting_point, "subgroup": s.subgroup,
         "signed_up_at": aware(s.signed_up_at).isoformat(),
         "cancelled_at": aware(s.cancelled_at).isoformat() if s.cancelled_at else None,
         "checked_in_at": aware(s.checked_in_at).isoformat() if s.checked_in_at else None}
        for s, sh, g in session.exec(select(ShiftSignup, NightShift, NightWalkGroup)
                                     .join(NightShift, NightShift.id == ShiftSignup.shift_id)
                                     .join(NightWalkGroup, NightWalkGroup.id == NightShift.group_id)
                                     .where(ShiftSignup.user_id == user.id).order_by(ShiftSignup.id)).all()]
    data["nightwalk_debriefs_written"] = [
        {"shift_starts_at": aware(sh.starts_at).isoformat(), "adults": d.adults, "hours": d.hours, "places": d.places,
         "notes": d.notes}
        for d, sh in session.exec(select(ShiftDebrief, NightShift).join(NightShift, NightShift.id == ShiftDebrief.shift_id)
                                  .where(ShiftDebrief.written_by_id == user.id).order_by(ShiftDebrief.id)).all()]


def on_organisation_deleting(org, session, **_kw) -> None:
    """Groups affiliated with the organisation lose the link (their events then stay out of EST)."""
    for g in session.exec(select(NightWalkGroup).where(NightWalkGroup.organisation_id == org.id)).all():
        g.organisation_id = None
        session.add(g)


def connect() -> None:
    """Connect the receivers."""
    events.user_deleting.connect(on_user_deleting)
    events.user_export.connect(on_user_export)
    events.organisation_deleting.connect(on_organisation_deleting)
