"""Great-circle distance and its honest Swedish-style label: no routing engine runs offline, so it is as the crow flies."""
from __future__ import annotations

import math

from flask_babel import format_decimal
from flask_babel import gettext as _

EARTH_M = 6371000


def metres(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Distance on the sphere (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_M * math.asin(math.sqrt(min(1.0, a)))


def label(distance_m: float) -> str:
    """'as the crow flies about 1.2 km' in the current locale (sv: 'fågelvägen ca 1,2 km'); metres below 1 km."""
    if distance_m < 1000:
        return _("as the crow flies about %(n)s m", n=format_decimal(max(10, round(distance_m / 10) * 10), format="#,##0"))
    return _("as the crow flies about %(n)s km", n=format_decimal(round(distance_m / 1000, 1), format="#,##0.0"))
