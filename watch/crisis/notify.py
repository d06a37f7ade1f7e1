"""Telling a municipality's members that a trygghetspunkt opened: which point, how far from their area, what it offers.

The audience is everyone with an active watch area in the municipality. Each gets a push notice (watch.push.notices.service)
on their devices; e-mail goes to those who chose it (CrisisMailChoice) and confirmed their address. Both are written
in the activation's own transaction: nothing leaves if it rolls back."""
from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlmodel import Session, select

from watch import mail
from watch.accounts.models import User
from watch.areas.models import Area, AreaMembership, AreaStatus
from watch.crisis import distance
from watch.crisis.models import OFFERS, CrisisMailChoice, CrisisPoint, split_offers
from watch.push.notices.service import count_deliveries, send_notice


def audience(session: Session, point: CrisisPoint) -> dict[int, tuple[int, str, float]]:
    """user id -> (id and name of their nearest area in the municipality, metres from its centre to the point)."""
    rows = session.exec(
        select(AreaMembership.user_id, Area.id, Area.name, Area.min_lon, Area.min_lat, Area.max_lon, Area.max_lat)
        .join(Area, Area.id == AreaMembership.area_id)
        .where(Area.municipality == point.municipality, Area.status == AreaStatus.active)
    ).all()
    best: dict[int, tuple[int, str, float]] = {}
    for user_id, area_id, name, x1, y1, x2, y2 in rows:
        d = distance.metres((x1 + x2) / 2, (y1 + y2) / 2, point.lon, point.lat)
        if user_id not in best or d < best[user_id][2]:
            best[user_id] = (area_id, name, d)
    return best


def offers_text(point: CrisisPoint) -> str:
    """What the point offers now, in the current locale."""
    return ", ".join(str(OFFERS[k]) for k in split_offers(point.offered_now))


def activation(session: Session, point: CrisisPoint, *, now: datetime) -> dict:
    """Queue the e-mails of an activation in the caller's transaction; returns the counts."""
    people = audience(session, point)
    chose = set(session.exec(select(CrisisMailChoice.user_id).where(CrisisMailChoice.user_id.in_(list(people) or [0]))).all())
    sent = 0
    for user in session.exec(select(User).where(User.id.in_(sorted(chose) or [0]))).all():
        if user.email_verified_at is None:
            continue
        _area_id, area_name, metres = people[user.id]
        with mail.recipient_locale(user):
            facts = [
                _("The municipality has opened the trygghetspunkt %(name)s, %(address)s.", name=point.name,
                  address=point.address or "–"),
                _("From your area %(area)s: %(distance)s.", area=area_name, distance=distance.label(metres)),
                _("Open: %(hours)s. Offered now: %(offers)s.", hours=point.opening_hours, offers=offers_text(point)),
                _("In an emergency, call 112."),
            ]
            text, html = mail.compose(
                greeting=_("Hello %(name)s,", name=user.display_name), paragraphs=facts,
                action=(_("See the trygghetspunkter"), mail.public_url("crisis.point", point_id=point.id)),
                footer=_("You get this because you chose e-mail about trygghetspunkter. Change it at %(url)s",
                         url=mail.public_url("crisis.municipality", code=code_of(point.municipality))))
            mail.queue(session, to=user.email, to_name=user.display_name, user=user, kind="crisis_activated", text=text,
                       html=html, subject=_("Trygghetspunkt open: %(name)s", name=point.name))
        sent += 1
    return {"audience": len(people), "email": sent, "push": push(session, point, people, now)}


def push(session: Session, point: CrisisPoint, people: dict[int, tuple[int, str, float]], now: datetime) -> int:
    """One urgent push notice per (nearest area, language), in the caller's transaction; returns the devices reached.

    Urgent: it goes through quiet hours; with the area, a member who set that area to "none" is not pushed."""
    locales = dict(session.exec(select(User.id, User.locale).where(User.id.in_(list(people) or [0]))).all())
    groups: dict[tuple[int, str | None], list[int]] = {}
    for user_id, (area_id, _name, _m) in people.items():
        groups.setdefault((area_id, locales.get(user_id)), []).append(user_id)
    url = urlsplit(mail.public_url("crisis.point", point_id=point.id)).path
    notice_ids = []
    for (area_id, locale), user_ids in sorted(groups.items(), key=lambda g: (g[0][0], g[0][1] or "")):
        area_name, metres = people[user_ids[0]][1], people[user_ids[0]][2]
        with mail.recipient_locale(locale=locale):
            title = _("Trygghetspunkt open: %(name)s", name=point.name)
            body = _("%(distance)s from %(area)s. Open: %(hours)s. Offered now: %(offers)s.", distance=distance.label(metres),
                     area=area_name, hours=point.opening_hours, offers=offers_text(point))
        notice = send_notice(session, user_ids=user_ids, title=title[:120], body=body[:500], url=url, kind="crisis_point",
                             priority="urgent", ttl=6 * 3600, area_id=area_id, now=now)
        notice_ids.append(notice.id)
    # One count for all notices (a big municipality has thousands of areas).
    return count_deliveries(session, notice_ids)


def summary(counts: dict) -> str:
    """Counts for the change log (numbers only, no one's name)."""
    return " ".join(f"{k}={v}" for k, v in counts.items())


def code_of(municipality: str) -> str:
    """The municipality's code, for URLs."""
    from watch.core.municipalities import code_of as lookup

    return lookup(municipality) or municipality
