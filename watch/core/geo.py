"""Positions: a longitude and latitude that are given, finite numbers on the globe, stored to 6 decimals.

Whether a point lies inside a municipality is not here: a municipality's outline is
its EST districts, else its watch areas, which the kernel (importing no domain)
cannot read. That check is est's public service, watch/est/places.py, which walks,
graffiti, crisis and open311 call as a service.
"""
from __future__ import annotations

import math

from flask_babel import lazy_gettext as _l

from watch.core.errors import ServiceError

PRECISION = 6  # decimals of a stored degree: about 0.1 m
SET_PIN = _l("Set a pin on the map.")


def finite(*values) -> bool:
    """True if every value is a finite number."""
    try:
        return all(math.isfinite(float(v)) for v in values)
    except (TypeError, ValueError):
        return False


def position(lon, lat, *, field: str = "lon", missing=SET_PIN) -> tuple[float, float]:
    """(lon, lat) as floats, or a ServiceError naming the field.

    A missing coordinate is "where_missing" with the message `missing`; with
    missing=None it counts as "position_invalid", as a non-number or a point off
    the globe does.
    """
    absent = lon in (None, "") or lat in (None, "")
    if absent and missing is not None:
        raise ServiceError("where_missing", missing, 422, field=field)
    if absent or not finite(lon, lat) or not (-180 <= float(lon) <= 180 and -90 <= float(lat) <= 90):
        raise ServiceError("position_invalid", _l("The position is not valid."), 422, field=field)
    return float(lon), float(lat)


def rounded(lon: float, lat: float) -> tuple[float, float]:
    """The point as it is stored."""
    return round(lon, PRECISION), round(lat, PRECISION)
