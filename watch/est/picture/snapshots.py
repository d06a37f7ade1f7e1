"""Freezing "Lägesbild v.NN": an immutable, numbered snapshot of a week's aggregates."""
from __future__ import annotations

import json
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from watch.core.time import utcnow
from watch.core.errors import NotFound, ServiceError
from watch.est import access
from watch.est.models import EstSnapshot
from watch.est.picture.compute import picture
from watch.est.rules import weeks


def check_week(year: int, week: int) -> None:
    """Refuse a week that does not exist."""
    if not (2000 <= year <= 2100) or not weeks.valid(year, week):
        raise NotFound("week_unknown", _l("There is no such week."))


def snapshot_of(session: Session, municipality: str, week_key: int) -> EstSnapshot | None:
    """The frozen picture of the week, if any."""
    return session.exec(select(EstSnapshot).where(EstSnapshot.municipality == municipality,
                                                  EstSnapshot.week_key == week_key)).first()


def view(session: Session, user, municipality: str, year: int, week: int) -> tuple[dict, EstSnapshot | None]:
    """The picture to show: the frozen one, else the live aggregates (EST group only)."""
    access.require(session, user, municipality, access.READER)
    check_week(year, week)
    snap = snapshot_of(session, municipality, weeks.key(year, week))
    if snap is not None:
        return json.loads(snap.data), snap
    return picture(session, municipality, year, week), None


def freeze(session: Session, *, user, municipality: str, year: int, week: int, now: datetime | None = None) -> EstSnapshot:
    """Freeze a finished week (coordinator). A week is frozen once: a second freeze is refused."""
    access.require(session, user, municipality, access.COORDINATOR)
    check_week(year, week)
    now = now or utcnow()
    key = weeks.key(year, week)
    if snapshot_of(session, municipality, key) is not None:
        raise ServiceError("already_frozen", _l("Lägesbild v.%(w)s is already frozen and cannot be changed.", w=week), 409)
    if weeks.bounds(year, week)[1] > now:
        raise ServiceError("week_not_over", _l("Week %(w)s is not over yet.", w=week), 409)
    data = picture(session, municipality, year, week)
    data["frozen_at"] = now.isoformat()
    snap = EstSnapshot(municipality=municipality, week_key=key, frozen_at=now, frozen_by_id=user.id,
                       data=json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    session.add(snap)
    try:
        session.commit()
    except IntegrityError:  # frozen by someone else a moment ago
        session.rollback()
        raise ServiceError("already_frozen", _l("Lägesbild v.%(w)s is already frozen and cannot be changed.", w=week), 409)
    return snap


def list_snapshots(session: Session, user, municipality: str, limit: int = 60) -> list:
    """The municipality's frozen pictures (week_key, frozen_at; not their data), newest first."""
    access.require(session, user, municipality, access.READER)
    return list(session.exec(select(EstSnapshot.week_key, EstSnapshot.frozen_at).where(EstSnapshot.municipality == municipality)
                             .order_by(EstSnapshot.week_key.desc()).limit(limit)))


def is_published(session: Session, municipality: str, week_key: int) -> bool:
    """True if the week's picture is frozen and the municipality publishes it: its public page exists."""
    frozen = session.exec(select(EstSnapshot.id).where(EstSnapshot.municipality == municipality,
                                                       EstSnapshot.week_key == week_key)).first()  # not the data
    return frozen is not None and access.config_of(session, municipality).publish_public


def public_view(session: Session, municipality: str, year: int, week: int) -> dict:
    """The aggregated public page: counts by district and category of a frozen week, if the municipality publishes."""
    cfg = access.config_of(session, municipality)
    check_week(year, week)
    snap = snapshot_of(session, municipality, weeks.key(year, week))
    if not cfg.publish_public or snap is None:
        raise NotFound("not_published", _l("That page does not exist, or you cannot see it."))
    data = json.loads(snap.data)
    rows = [[c, z, n] for c, z, n in data["counts"] if z.startswith("d")]
    return {"municipality": municipality, "year": year, "week": week, "counts": rows, "totals": data["totals"],
            "total": data["total"], "zones": {z: data["zones"].get(z, z) for _c, z, _n in rows}}
