"""Rounds: QR checkpoints, check-ins during the watch's hours, missed checkpoints with reasons, the watch log."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import segno
from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlmodel import Session, select

from watch.boats.rota import service
from watch.boats.rota.models import Checkpoint, CheckIn, LogKind, WatchAssignment, WatchLogEntry, WatchSeason, WatchShift
from watch.core.errors import NotFound, ServiceError


def _refuse(code, message, field=None, status=422):
    return ServiceError(code, message, status, field=field) if field else ServiceError(code, message, status)


def add_checkpoint(session: Session, user, season_id: int, name: str) -> Checkpoint:
    """A contact representative places a checkpoint. Commits."""
    season, _area = service.get_season_for(session, user, season_id, manage=True)
    name = " ".join(str(name or "").split())
    if not name or len(name) > 80:
        raise _refuse("name_invalid", _l("Name the checkpoint (at most 80 characters), e.g. Brygga C."), "name")
    cp = Checkpoint(season_id=season.id, name=name, token=secrets.token_urlsafe(18))
    session.add(cp)
    session.commit()
    return cp


def checkpoints_of(session: Session, season_id: int) -> list[Checkpoint]:
    """A season's checkpoints."""
    return list(session.exec(select(Checkpoint).where(Checkpoint.season_id == season_id).order_by(Checkpoint.id)))


def qr_svg(url: str) -> str:
    """An inline SVG QR code for the URL (segno)."""
    return segno.make(url, error="m").svg_inline(scale=5, border=2, dark="#000", light="#fff")


def current_shift(session: Session, user, *, now: datetime | None = None) -> tuple[WatchShift, WatchSeason] | None:
    """The shift the user stands now (their own, or as its named substitute's member), if any."""
    now = now or service.local_now()
    nights = (now.date() - timedelta(days=1), now.date())  # a night that began yesterday evening runs until morning
    rows = session.exec(select(WatchShift, WatchSeason).join(WatchAssignment, WatchAssignment.shift_id == WatchShift.id)
                        .join(WatchSeason, WatchSeason.id == WatchShift.season_id)
                        .where(WatchAssignment.user_id == user.id, WatchShift.night.in_(nights))).all()
    for shift, season in rows:
        begin, end = service.window(season, shift)
        if begin <= now < end:
            return shift, season
    return None


def checkpoint_by_token(session: Session, token: str) -> Checkpoint:
    """The checkpoint a QR code names."""
    cp = session.exec(select(Checkpoint).where(Checkpoint.token == str(token)[:40])).first()
    if cp is None:
        raise NotFound("checkpoint_not_found", _l("This QR code is not a checkpoint of any night watch."))
    return cp


def check_in(session: Session, user, token: str, *, now: datetime | None = None) -> CheckIn:
    """Scan a checkpoint: the next round at it, on the shift the user stands now. Commits."""
    cp = checkpoint_by_token(session, token)
    season = session.get(WatchSeason, cp.season_id)
    service.boat_area(session, user, season.area_id)
    now = now or service.local_now()
    found = current_shift(session, user, now=now)
    if found is None:
        begin, end = season.start_time.strftime("%H:%M"), season.end_time.strftime("%H:%M")
        raise _refuse("outside_hours", _l("You have no watch right now: check-ins count only during your watch (%(begin)s–%(end)s).", begin=begin, end=end), status=409)
    shift, shift_season = found
    if shift_season.id != season.id:
        raise _refuse("checkpoint_other_watch", _l("This QR code belongs to another harbour's or another season's watch."), status=409)
    done = session.exec(select(func.count()).select_from(CheckIn).where(CheckIn.shift_id == shift.id, CheckIn.checkpoint_id == cp.id)).one()
    if done >= season.rounds_per_night:
        raise _refuse("rounds_done", _l("All %(n)d rounds at this checkpoint are done tonight.", n=season.rounds_per_night), status=409)
    row = CheckIn(shift_id=shift.id, checkpoint_id=cp.id, user_id=user.id, round_no=done + 1)
    session.add(row)
    session.commit()
    return row


def _on_team(session: Session, user, shift: WatchShift) -> bool:
    return session.exec(select(WatchAssignment.id).where(WatchAssignment.shift_id == shift.id, WatchAssignment.user_id == user.id)).first() is not None


def get_night_for(session: Session, user, shift_id: int) -> tuple[WatchShift, WatchSeason, bool]:
    """A shift for its team (who may write) and the area's members and contacts (who may read)."""
    shift = session.get(WatchShift, shift_id) if isinstance(shift_id, int) else None
    if shift is None:
        raise NotFound("shift_not_found", _l("That watch does not exist."))
    season, area = service.get_season_for(session, user, shift.season_id)
    return shift, season, _on_team(session, user, shift) or service.may_manage(session, user, area)


def mark_missed(session: Session, user, shift_id: int, checkpoint_id: int, reason: str) -> CheckIn:
    """The team notes a checkpoint it could not reach in a round, and why. Commits."""
    shift, season, writer = get_night_for(session, user, shift_id)
    if not writer:
        raise _refuse("not_on_team", _l("Only the team on this watch can note a missed checkpoint."), status=403)
    cp = session.get(Checkpoint, checkpoint_id) if isinstance(checkpoint_id, int) else None
    if cp is None or cp.season_id != season.id:
        raise _refuse("checkpoint_unknown", _l("Choose one of this watch's checkpoints."), "checkpoint_id")
    reason = " ".join(str(reason or "").split())
    if len(reason) < 3:
        raise _refuse("reason_missing", _l("A missed checkpoint needs a reason, e.g. the gate was locked."), "reason")
    if len(reason) > 300:
        raise _refuse("reason_too_long", _l("The reason can be at most 300 characters."), "reason")
    done = session.exec(select(func.count()).select_from(CheckIn).where(CheckIn.shift_id == shift.id, CheckIn.checkpoint_id == cp.id)).one()
    if done >= season.rounds_per_night:
        raise _refuse("rounds_done", _l("All %(n)d rounds at this checkpoint are done tonight.", n=season.rounds_per_night), status=409)
    row = CheckIn(shift_id=shift.id, checkpoint_id=cp.id, user_id=user.id, round_no=done + 1, missed_reason=reason)
    session.add(row)
    session.commit()
    return row


def rounds_of(session: Session, shift_id: int) -> list[CheckIn]:
    """The night's check-ins and missed checkpoints, in order."""
    return list(session.exec(select(CheckIn).where(CheckIn.shift_id == shift_id).order_by(CheckIn.at, CheckIn.id)))


def add_log(session: Session, user, shift_id: int, *, kind: str, text: str, registration: str = "") -> WatchLogEntry:
    """A line in the watch log: vehicles and registration numbers, boats from the water, moorings, fire risk. Commits."""
    shift, _season, writer = get_night_for(session, user, shift_id)
    if not writer:
        raise _refuse("not_on_team", _l("Only the team on this watch can write in its log."), status=403)
    try:
        kind = LogKind(kind)
    except ValueError:
        raise _refuse("kind_invalid", _l("Choose what you noted."), "kind")
    text = " ".join(str(text or "").split())
    if not text or len(text) > 500:
        raise _refuse("text_invalid", _l("Write what you saw (at most 500 characters)."), "text")
    registration = " ".join(str(registration or "").upper().split())
    if len(registration) > 20:
        raise _refuse("registration_invalid", _l("A registration number has at most 20 characters."), "registration")
    entry = WatchLogEntry(shift_id=shift.id, author_id=user.id, kind=kind, text=text, registration=registration)
    session.add(entry)
    session.commit()
    return entry


def log_of(session: Session, shift_id: int) -> list[WatchLogEntry]:
    """The night's log."""
    return list(session.exec(select(WatchLogEntry).where(WatchLogEntry.shift_id == shift_id).order_by(WatchLogEntry.at, WatchLogEntry.id)))
