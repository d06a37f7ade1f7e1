"""iCalendar building shared by the feeds (training sessions, night-walk shifts): the calendar, stable UIDs, the
timing part of an event.

UIDs never change for the life of the thing and SEQUENCE counts its changes, so
calendar apps update their copy instead of duplicating it.
"""
from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app
from icalendar import Calendar, Event

from watch.core.time import aware


def calendar(name: str, product: str) -> Calendar:
    """An empty calendar named `name`, from the product `product` (the domain)."""
    cal = Calendar()
    cal.add("prodid", f"-//Trygg Granne//{product}//SV")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    return cal


def uid(prefix: str, thing_id: int) -> str:
    """A stable UID from the thing's kind and id and the site's host."""
    host = urlsplit(current_app.config["PUBLIC_URL"]).hostname or "watch"
    return f"{prefix}-{thing_id}@{host}"


def event(uid: str, *, updated_at: datetime, sequence: int, starts_at: datetime, ends_at: datetime) -> Event:
    """A VEVENT with its identity and timing; the caller adds what it is about."""
    ev = Event()
    ev.add("uid", uid)
    ev.add("dtstamp", aware(updated_at))
    ev.add("last-modified", aware(updated_at))
    ev.add("sequence", sequence)
    ev.add("dtstart", aware(starts_at))
    ev.add("dtend", aware(ends_at))
    return ev
