"""Time: instants are aware UTC; people read them in the one local time zone.

The zone is the BABEL_DEFAULT_TIMEZONE of config/default.py, read once here so that
weeks, reminders, quiet hours and the dates Babel formats agree.
"""
from __future__ import annotations

import runpy
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from watch.core import ROOT

ZONE = runpy.run_path(str(ROOT / "config" / "default.py"))["BABEL_DEFAULT_TIMEZONE"]
TZ = ZoneInfo(ZONE)


def utcnow() -> datetime:
    """Now, in UTC (aware)."""
    return datetime.now(UTC)


def aware(dt: datetime) -> datetime:
    """SQLite hands back naive UTC; PostgreSQL aware. Always aware UTC."""
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def local(dt: datetime) -> datetime:
    """An instant in local time (a naive one is taken as UTC)."""
    return aware(dt).astimezone(TZ)
