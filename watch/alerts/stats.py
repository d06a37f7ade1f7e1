"""Alerts counted for other domains' reports (EST's picture): only categories, areas and counts leave here.

No text, author, position or id: the query selects the category, the area and a count.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from watch.alerts.models import Alert, AlertArea, Category
from watch.areas.models import Area


def counts_by_area(session: Session, *, municipality: str, start: datetime, end: datetime) -> list[tuple[str, int, int]]:
    """[(category, area id, count)] of the municipality's alerts observed in [start, end); hidden ones and information left out."""
    rows = session.exec(
        select(Alert.category, AlertArea.area_id, func.count())
        .join(AlertArea, AlertArea.alert_id == Alert.id)
        .join(Area, Area.id == AlertArea.area_id)
        .where(Area.municipality == municipality, Alert.observed_at >= start, Alert.observed_at < end,
               Alert.hidden_by_id.is_(None), Alert.category != Category.information.value)
        .group_by(Alert.category, AlertArea.area_id)
    ).all()
    return [(getattr(c, "value", c), a, int(n)) for c, a, n in rows]
