"""Numbers and dates in the user's language through Babel: "4,9 m" and "40 hk" in Swedish,
"4.9 m" in English; a date never wraps at its hyphens ("2026-/11-30")."""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import format_date, format_datetime, format_decimal
from markupsafe import Markup, escape

NBSP = "\u00a0"
NBHY = "\u2011"  # non-breaking hyphen


def decimal(value, digits: int = 2) -> str:
    """A number with at most `digits` decimals in the user's locale (no trailing zeros); "" for None."""
    if value is None or value == "":
        return ""
    pattern = "#,##0" + ("." + "#" * digits if digits > 0 else "")
    return format_decimal(value, format=pattern)


def unbroken(text: str) -> str:
    """A date that never breaks at its hyphens ("2026-/11-30"); a time after it may still go to the next line."""
    return str(text).replace("-", NBHY)


def when(value, fmt: str = "short") -> Markup:
    """A datetime (or ISO string) as <time>, in the user's language and zone, never wrapped."""
    if not value:
        return Markup("")
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    text = format_datetime(value, fmt) if isinstance(value, datetime) else format_date(value, fmt)
    return Markup('<time datetime="{}">{}</time>').format(escape(value.isoformat()), unbroken(text))


def day(value: date | datetime | None, fmt: str = "short") -> str:
    """A date in the user's language, never wrapped."""
    return unbroken(format_date(value, fmt)) if value else ""


def init_app(app) -> None:
    """Register the filters: |decimal, |when, |day."""
    app.jinja_env.filters["decimal"] = decimal
    app.jinja_env.filters["when"] = when
    app.jinja_env.filters["day"] = day
