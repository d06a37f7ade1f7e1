"""Receivers of the accounts domain's signals: export and anonymise a person's alerts."""
from __future__ import annotations

from sqlalchemy import update
from sqlmodel import select

from watch.core import events
from watch.alerts.models import Alert, AlertPhoto, AlertUpdate
from watch.alerts.query import areas_of


def on_user_deleting(user, session, **_kw) -> None:
    """Keep the user's alerts and updates for the area, without their name."""
    for model in (Alert, AlertUpdate, AlertPhoto):
        session.execute(update(model).where(model.author_id == user.id).values(author_id=None).execution_options(synchronize_session=False))
    for column in ("acknowledged_by_id", "closed_by_id", "hidden_by_id"):
        col = getattr(Alert, column)
        session.execute(update(Alert).where(col == user.id).values({column: None}).execution_options(synchronize_session=False))


def on_user_export(user, session, data, **_kw) -> None:
    """Add the alerts and updates the user wrote."""
    alerts = list(session.exec(select(Alert).where(Alert.author_id == user.id).order_by(Alert.id)))
    area_map = areas_of(session, [a.id for a in alerts])
    data["alerts"] = [
        {
            "id": a.id, "category": a.category.value, "text": a.text, "observed_at": a.observed_at.isoformat(),
            "created_at": a.created_at.isoformat(), "lon": a.lon, "lat": a.lat, "registration": a.registration,
            "status": a.status.value, "outcome": a.outcome.value if a.outcome else None,
            "hidden_reason": a.hidden_reason, "area_ids": sorted(area_map.get(a.id, [])),
        }
        for a in alerts
    ]
    data["alert_updates"] = [
        {"alert_id": u.alert_id, "text": u.text, "created_at": u.created_at.isoformat()}
        for u in session.exec(select(AlertUpdate).where(AlertUpdate.author_id == user.id).order_by(AlertUpdate.id))
    ]


def connect() -> None:
    """Subscribe to the accounts domain's signals (weakly held, so module-level functions)."""
    events.user_deleting.connect(on_user_deleting)
    events.user_export.connect(on_user_export)
