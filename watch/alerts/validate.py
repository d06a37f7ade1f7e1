"""Checks on what a poster sends: each refusal has a field and a translated message."""
from __future__ import annotations

import math
import re
from datetime import datetime, timedelta, timezone

from flask import current_app
from flask_babel import lazy_gettext as _l

from watch.alerts.models import Category
from watch.core.time import utcnow
from watch.core.errors import ServiceError

_STANDARD = re.compile(r"^[A-Z]{3}[0-9]{2}[A-Z0-9]$")  # ABC 123, ABC 12A
_PERSONAL = re.compile(r"^[A-ZÅÄÖ0-9]{2,7}$")  # personalised plates


def invalid(code: str, message, field: str) -> ServiceError:
    """A 422 refusal tied to a form field."""
    return ServiceError(code, message, 422, field=field)


def category(value) -> Category:
    """A known category."""
    try:
        return Category(value)
    except ValueError:
        raise invalid("category_unknown", _l("Choose what you saw."), "category")


def text(value, *, field: str = "text") -> str:
    """Non-empty text within the configured length (surrounding whitespace dropped)."""
    value = (value or "").strip() if isinstance(value, str) else ""
    limit = current_app.config["ALERTS_TEXT_MAX"]
    if not value:
        raise invalid("text_missing", _l("Describe what you saw."), field)
    if len(value) > limit:
        raise invalid("text_too_long", _l("The text can be at most %(n)s characters.", n=limit), field)
    return value


def coordinate(lon, lat) -> tuple[float, float]:
    """A finite WGS84 point."""
    if lon in (None, "") or lat in (None, ""):
        raise invalid("location_missing", _l("Give the position: use your location, tap the map, or choose an area."), "location")
    try:
        lon, lat = float(lon), float(lat)
    except (TypeError, ValueError):
        raise invalid("location_not_number", _l("The position must be numbers (longitude and latitude)."), "location")
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise invalid("location_not_number", _l("The position must be numbers (longitude and latitude)."), "location")
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise invalid("location_out_of_range", _l("The position is outside the map (longitude -180 to 180, latitude -90 to 90)."), "location")
    return lon, lat


def area_id(value) -> int | None:
    """The chosen area's id (a form sends text), or None when none was chosen."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = int(str(value).strip()) if not isinstance(value, bool) else None
    except ValueError:
        number = None
    if number is None or not 0 < number <= 2**31 - 1:
        raise invalid("area_not_allowed", _l("You cannot post in that area."), "area_id")
    return number


def observed(value: datetime | None) -> datetime:
    """When it was seen: default now; not in the future (beyond a small skew) nor too long ago."""
    now = utcnow()
    if value is None:
        return now
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    value = value.astimezone(timezone.utc)
    cfg = current_app.config
    if value > now + timedelta(seconds=cfg["ALERTS_CLOCK_SKEW_SECONDS"]):
        raise invalid("observed_future", _l("The time cannot be in the future."), "observed_at")
    days = cfg["ALERTS_OBSERVED_MAX_AGE_DAYS"]
    if value < now - timedelta(days=days):
        raise invalid("observed_too_old", _l("The time can be at most %(n)s days back.", n=days), "observed_at")
    return value


def registration(value) -> str | None:
    """A Swedish registration number in display form (ABC 123), a personalised plate, or None."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise invalid("registration_invalid", _l("That is not a registration number (e.g. ABC 123)."), "registration")
    compact = re.sub(r"[\s-]+", "", value).upper()
    if not compact:
        return None
    if _STANDARD.match(compact):
        return f"{compact[:3]} {compact[3:]}"
    if _PERSONAL.match(compact):
        return compact
    raise invalid("registration_invalid", _l("That is not a registration number (e.g. ABC 123)."), "registration")
