"""The published protocol: public, no login, no personal data (no names, no authors; photos only when approved)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from watch.core.errors import NotFound
from watch.core.time import TZ, aware
from watch.organisations.models import Organisation
from watch.walks.measures import done_within, measures_of, observation_ids
from watch.walks.models import PUBLISHED, Walk
from watch.walks.observations import observations_of


@dataclass
class Share:
    """Accepted measures done within the target time."""

    done: int
    accepted: int

    @property
    def percent(self) -> int | None:
        """Rounded share, or None without accepted measures."""
        return round(100 * self.done / self.accepted) if self.accepted else None


def published_walk(session: Session, walk_id: int) -> Walk:
    """The walk if its protocol is published; NotFound otherwise (a draft is never public)."""
    walk = session.get(Walk, walk_id)
    if walk is None or walk.status not in PUBLISHED:
        raise NotFound("protocol_not_found", _l("No such published protocol."))
    return walk


def walk_share(session: Session, walk: Walk) -> Share:
    """'Done within six months' for one walk."""
    return Share(*done_within(measures_of(session, walk.id), walk, int(current_app.config["WALKS_MEASURE_DUE_DAYS"])))


def year_share(session: Session, municipality: str, year: int) -> tuple[Share, list[Walk]]:
    """'Done within six months' over the municipality's published walks of the year, and those walks."""
    start, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    walks = list(session.exec(select(Walk).where(Walk.municipality == municipality, Walk.status.in_(PUBLISHED),
                                                 Walk.starts_at >= start, Walk.starts_at < end).order_by(Walk.starts_at)))
    done = accepted = 0
    for walk in walks:
        share = walk_share(session, walk)
        done, accepted = done + share.done, accepted + share.accepted
    return Share(done, accepted), walks


def protocol(session: Session, walk: Walk) -> dict:
    """Everything the public page shows, and nothing more."""
    observations = observations_of(session, walk.id)
    measures = measures_of(session, walk.id)
    links = observation_ids(session, [m.id for m in measures])
    numbers = {o.id: i for i, o in enumerate(observations, 1)}
    orgs = {o.id: o.name for o in session.exec(select(Organisation).where(Organisation.municipality == walk.municipality))}
    year = aware(walk.starts_at).astimezone(TZ).year
    year_total, _walks = year_share(session, walk.municipality, year)
    return {
        "walk": walk, "organiser": orgs.get(walk.organiser_id), "observations": observations, "numbers": numbers,
        "measures": [(m, [numbers[i] for i in sorted(links.get(m.id, [])) if i in numbers], orgs.get(m.responsible_org_id))
                     for m in measures],
        "share": walk_share(session, walk), "year": year, "year_share": year_total,
    }
