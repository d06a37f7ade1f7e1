"""Grannsamverkan feeds EST: alerts become counts by category, ISO week and area.

Nothing else leaves the alerts domain here: no text, no author, no position,
no id. The query selects only the category, the area and a count.
"""
from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from watch.alerts.models import Alert, AlertArea
from watch.areas.models import Area
from watch.est.rules import categories, weeks


def alert_counts(session: Session, municipality: str, year: int, week: int) -> list[tuple[str, str, int]]:
    """[(alert category, zone 'a<area id>', count)] of the municipality's alerts in the ISO week (hidden ones left out)."""
    start, end = weeks.bounds(year, week)
    rows = session.exec(
        select(Alert.category, AlertArea.area_id, func.count())
        .join(AlertArea, AlertArea.alert_id == Alert.id)
        .join(Area, Area.id == AlertArea.area_id)
        .where(Area.municipality == municipality, Alert.observed_at >= start, Alert.observed_at < end,
               Alert.hidden_by_id.is_(None), Alert.category != "information")
        .group_by(Alert.category, AlertArea.area_id)
    ).all()
    return [(getattr(c, "value", c), f"a{a}", int(n)) for c, a, n in rows]


def feed(session: Session, municipality: str, year: int, week: int) -> list[dict]:
    """The feed as plain rows: {category, est_category, week, zone, count}."""
    key = weeks.key(year, week)
    return [{"category": c, "est_category": categories.ALERT_CATEGORY.get(c, "grannsamverkan"), "week": key,
             "zone": z, "count": n} for c, z, n in alert_counts(session, municipality, year, week)]
