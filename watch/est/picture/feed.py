"""Grannsamverkan feeds EST: alerts become counts by category, ISO week and area.

Nothing else leaves the alerts domain here (watch.alerts.stats): no text, no
author, no position, no id; only the category, the area and a count.
"""
from __future__ import annotations

from sqlmodel import Session

from watch.alerts.stats import counts_by_area
from watch.est.rules import categories, weeks


def alert_counts(session: Session, municipality: str, year: int, week: int) -> list[tuple[str, str, int]]:
    """[(alert category, zone 'a<area id>', count)] of the municipality's alerts in the ISO week (hidden ones left out)."""
    start, end = weeks.bounds(year, week)
    return [(c, f"a{a}", n) for c, a, n in counts_by_area(session, municipality=municipality, start=start, end=end)]


def feed(session: Session, municipality: str, year: int, week: int) -> list[dict]:
    """The feed as plain rows: {category, est_category, week, zone, count}."""
    key = weeks.key(year, week)
    return [{"category": c, "est_category": categories.ALERT_CATEGORY.get(c, "grannsamverkan"), "week": key,
             "zone": z, "count": n} for c, z, n in alert_counts(session, municipality, year, week)]
