"""Planning a walk: route, time, organiser, invitations (iCalendar, by e-mail), counts and status."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import shapely
from flask import current_app
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from watch import mail
from watch.accounts.models import User
from watch.core.time import TZ, aware, utcnow
from watch.core.errors import ServiceError
from watch.core.geo import finite, rounded
from watch.est.places import check_point
from watch.organisations.models import Organisation, OrganisationMembership
from watch.walks import access
from watch.walks.models import GROUPS, LIGHT, STATUSES, Walk, WalkInvite

MAX_VERTICES = 500
MAX_COUNT = 10000


def _bad(code: str, message, field: str | None = None, status: int = 422) -> ServiceError:
    return ServiceError(code, message, status, **({"field": field} if field else {}))


def check_route(session: Session, municipality: str, raw) -> str:
    """The route as a normalised GeoJSON LineString inside the municipality, or a ServiceError."""
    try:
        data = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        data = None
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = data.get("geometry")
    if not isinstance(data, dict) or data.get("type") != "LineString":
        raise _bad("route_not_line", _l("Draw the route as a line (GeoJSON LineString)."), "route")
    coords = data.get("coordinates")
    if not isinstance(coords, list) or not 2 <= len(coords) <= MAX_VERTICES or not all(
            isinstance(c, list) and len(c) in (2, 3) and finite(*c) for c in coords):
        raise _bad("route_not_line", _l("A route needs 2 to %(n)s points.", n=MAX_VERTICES), "route")
    line = shapely.LineString([(float(c[0]), float(c[1])) for c in coords])
    if not line.is_valid or line.length == 0:
        raise _bad("route_not_line", _l("The route is not a valid line."), "route")
    for c in coords:
        check_point(session, municipality, c[0], c[1], "route")
    return json.dumps({"type": "LineString", "coordinates": [rounded(float(c[0]), float(c[1])) for c in coords]})


@dataclass
class WalkIn:
    """What an organiser plans (the form and the API fill this)."""

    organiser_id: int
    name: str
    route: str
    starts_at: datetime
    light: str = "dark"
    duration_minutes: int = 90
    meeting_point: str = ""
    invited: list[int] = field(default_factory=list)


def plan(session: Session, *, user, data: WalkIn) -> Walk:
    """Check everything, then store the planned walk and its invited organisations."""
    org = session.get(Organisation, data.organiser_id)
    if org is None or not org.active or not access.may_organise(session, user, org):
        raise _bad("organiser_not_yours", _l("You do not organise walks for that organisation."), "organiser_id", 403)
    name = " ".join((data.name or "").split())
    if not 1 <= len(name) <= 120:
        raise _bad("name_required", _l("Name the area of the walk (at most 120 characters)."), "name")
    if data.light not in LIGHT:
        raise _bad("light_unknown", _l("Choose daylight or dark."), "light")
    if not 15 <= int(data.duration_minutes or 0) <= 600:
        raise _bad("duration_invalid", _l("A walk lasts 15 to 600 minutes."), "duration_minutes")
    if data.starts_at is None:
        raise _bad("starts_at_missing", _l("Give the date and time."), "starts_at")
    meeting_point = (data.meeting_point or "").strip()
    if len(meeting_point) > 200:  # refused, not cut: the form said so and every caller must too
        raise _bad("meeting_point_too_long", _l("The meeting point can be at most %(n)d characters.", n=200), "meeting_point")
    starts = (data.starts_at if data.starts_at.tzinfo else data.starts_at.replace(tzinfo=TZ)).replace(second=0, microsecond=0)
    route = check_route(session, org.municipality, data.route)
    invited = _check_invited(session, org.municipality, data.invited)
    walk = Walk(municipality=org.municipality, name=name, route=route, starts_at=starts, light=data.light,
                duration_minutes=int(data.duration_minutes), meeting_point=meeting_point,
                organiser_id=org.id, created_by_id=getattr(user, "id", None))
    session.add(walk)
    session.flush()
    for oid in invited:
        session.add(WalkInvite(walk_id=walk.id, organisation_id=oid))
    session.commit()
    return walk


def _check_invited(session: Session, municipality: str, ids) -> list[int]:
    ids = sorted({int(i) for i in ids or []})
    if ids:
        found = session.exec(select(Organisation.id).where(Organisation.id.in_(ids), Organisation.municipality == municipality,
                                                          Organisation.active)).all()
        if len(found) != len(ids):
            raise _bad("invited_unknown", _l("Invite only active organisations of the municipality."), "invited")
    return ids


def invited_organisations(session: Session, walk: Walk) -> list[Organisation]:
    """The walk's invited organisations, by name."""
    return list(session.exec(select(Organisation).join(WalkInvite, WalkInvite.organisation_id == Organisation.id)
                             .where(WalkInvite.walk_id == walk.id).order_by(Organisation.name)))


def set_counts(session: Session, *, user, walk_id: int, counts: dict) -> Walk:
    """Participants by group, as counts only."""
    walk = access.get_walk_for(session, user, walk_id, "manage")
    values = {}
    for group in GROUPS:
        raw = counts.get(group, 0)
        try:
            value = int(raw or 0)
        except (TypeError, ValueError):
            raise _bad("count_invalid", _l("Counts are whole numbers from 0 to %(n)s.", n=MAX_COUNT), group)
        if not 0 <= value <= MAX_COUNT:
            raise _bad("count_invalid", _l("Counts are whole numbers from 0 to %(n)s.", n=MAX_COUNT), group)
        values[group] = value
    for group, value in values.items():
        setattr(walk, f"count_{group}", value)
    session.add(walk)
    session.commit()
    return walk


def advance(session: Session, *, user, walk_id: int, to: str, now: datetime | None = None) -> Walk:
    """Move the walk one step forward (planned → invited → walked → … → re-walk planned)."""
    walk = access.get_walk_for(session, user, walk_id, "manage")
    if to not in STATUSES or STATUSES.index(to) != STATUSES.index(walk.status) + 1:
        raise _bad("status_step", _l("A walk moves one step at a time, in order."), "status", 409)
    if to == "invited":
        send_invitations(session, walk, now=now)
    if to == "protocol_published":
        walk.published_at = now or utcnow()
    walk.status = to
    session.add(walk)
    session.commit()
    return walk


def ics(walk: Walk, organiser: Organisation | None = None) -> bytes:
    """The walk as an RFC 5545 calendar with one event (the same UID every time, SEQUENCE bumped on change)."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//Trygg Granne//Trygghetsvandring//SV")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    host = urlsplit(current_app.config["PUBLIC_URL"]).hostname or "localhost"
    event.add("uid", f"walk-{walk.id}@{host}")
    event.add("dtstamp", utcnow())
    event.add("sequence", walk.ics_sequence)
    event.add("dtstart", aware(walk.starts_at).astimezone(TZ))
    event.add("dtend", (aware(walk.starts_at) + timedelta(minutes=walk.duration_minutes)).astimezone(TZ))
    event.add("summary", _("Safety walk: %(name)s", name=walk.name))
    if walk.meeting_point:
        event.add("location", walk.meeting_point)
    details = [_("Light: %(light)s", light=LIGHT[walk.light])]
    if organiser is not None:
        details.append(_("Organiser: %(org)s", org=organiser.name))
    event.add("description", "\n".join(str(d) for d in details))
    event.add("url", mail.public_url("walks.detail", walk_id=walk.id))
    cal.add_component(event)
    return cal.to_ical()


def send_invitations(session: Session, walk: Walk, now: datetime | None = None) -> int:
    """Queue one e-mail per member of each invited organisation (and the organiser's), with the calendar link."""
    org_ids = [walk.organiser_id] + [o.id for o in invited_organisations(session, walk)]
    users = session.exec(select(User).join(OrganisationMembership, OrganisationMembership.user_id == User.id)
                         .where(OrganisationMembership.organisation_id.in_(org_ids)).distinct()).all()
    organiser = session.get(Organisation, walk.organiser_id)
    sent = 0
    for user in users:
        with mail.recipient_locale(user):
            when = format_datetime(walk.starts_at, "EEEE d MMMM y HH:mm")
            text, html = mail.compose(
                greeting=_("Hello %(name)s,", name=user.display_name),
                paragraphs=[_("%(org)s invites you to a safety walk in %(name)s on %(when)s (%(light)s).",
                              org=organiser.name, name=walk.name, when=when, light=LIGHT[walk.light]),
                            _("Meeting point: %(place)s", place=walk.meeting_point or "–"),
                            _("Add it to your calendar with the link below (an iCalendar file).")],
                action=(_("Calendar invitation"), mail.public_url("walks.calendar", walk_id=walk.id)),
            )
            mail.queue(session, to=user.email, to_name=user.display_name, user=user, kind="walk_invitation",
                       subject=_("Invitation: safety walk in %(name)s", name=walk.name), text=text, html=html)
        sent += 1
    for invite in session.exec(select(WalkInvite).where(WalkInvite.walk_id == walk.id)).all():
        invite.sent_at = now or utcnow()
        session.add(invite)
    return sent


def walks_for(session: Session, user) -> list[Walk]:
    """Walks the user takes part in or organises, newest first."""
    rows = session.exec(select(Walk).order_by(Walk.starts_at.desc()).limit(500)).all()
    return [w for w in rows if access.may_observe(session, user, w)]
