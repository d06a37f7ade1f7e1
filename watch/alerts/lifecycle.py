"""What happens to an alert after it is posted: thread, acknowledge, close, hide, expire, purge."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, update
from sqlmodel import Session, select

from watch.core import events
from watch.alerts import photos as photo_store
from watch.core.photos import prepare
from watch.alerts import validate
from watch.alerts.access import AlertAccess
from watch.alerts.models import Alert, AlertArea, AlertPhoto, AlertUpdate, IdempotencyKey, Outcome, Status
from watch.core.db import session_scope
from watch.core.time import utcnow
from watch.core.errors import ServiceError

CHOOSABLE_OUTCOMES = (Outcome.handled, Outcome.false_alarm, Outcome.no_action)


def _closed() -> ServiceError:
    return ServiceError("alert_closed", _l("The alert is closed."), 409)


def add_update(session: Session, access: AlertAccess, user, *, text: str, photo: bytes | None = None) -> AlertUpdate:
    """Add a message (and optionally a photo) to the alert's thread. Commits."""
    text = validate.text(text)
    if access.alert.status == Status.closed:
        raise _closed()
    prepared = prepare(photo) if photo else None
    item = AlertUpdate(alert_id=access.alert.id, author_id=user.id, text=text)
    try:
        session.add(item)
        session.flush()
        if prepared:
            photo_store.write(prepared)
            session.add(AlertPhoto(alert_id=access.alert.id, update_id=item.id, author_id=user.id, filename=prepared.filename,
                                   width=prepared.width, height=prepared.height, size=len(prepared.data)))
        session.commit()
    except BaseException:
        session.rollback()
        if prepared:
            photo_store.remove([prepared.filename])
        raise
    return item


def acknowledge(session: Session, access: AlertAccess, user) -> Alert:
    """Police (or an admin) have seen it and act on it. Commits."""
    alert = access.alert
    if alert.status == Status.closed:
        raise _closed()
    if alert.status == Status.acknowledged:
        raise ServiceError("alert_acknowledged", _l("The alert is already acknowledged."), 409)
    alert.status, alert.acknowledged_by_id, alert.acknowledged_at = Status.acknowledged, user.id, utcnow()
    session.add(alert)
    session.commit()
    return alert


def close(session: Session, access: AlertAccess, user, *, outcome, note: str | None = None) -> Alert:
    """Close with an outcome, and an optional note in the thread. Commits."""
    alert = access.alert
    if alert.status == Status.closed:
        raise _closed()
    try:
        outcome = Outcome(outcome)
    except ValueError:
        outcome = None
    if outcome not in CHOOSABLE_OUTCOMES:
        raise validate.invalid("outcome_unknown", _l("Choose how the alert ended."), "outcome")
    note = (note or "").strip()
    if note:
        note = validate.text(note, field="note")
        session.add(AlertUpdate(alert_id=alert.id, author_id=user.id, text=note))
    now = utcnow()
    if alert.acknowledged_at is None:
        alert.acknowledged_by_id, alert.acknowledged_at = user.id, now
    alert.status, alert.outcome, alert.closed_by_id, alert.closed_at = Status.closed, outcome, user.id, now
    session.add(alert)
    events.alert_closed.send(alert, session=session, closed_by=user)  # e.g. the poster's e-mail, same transaction
    session.commit()
    return alert


def hide(session: Session, access: AlertAccess, user, *, reason: str) -> Alert:
    """Hide from members, with a reason the author sees. Commits."""
    reason = (reason or "").strip()
    if not reason:
        raise validate.invalid("reason_missing", _l("Say why the alert is hidden; the person who posted it sees the reason."), "reason")
    if len(reason) > 500:
        raise validate.invalid("reason_too_long", _l("The reason can be at most %(n)s characters.", n=500), "reason")
    alert = access.alert
    if alert.hidden_at is not None:
        raise ServiceError("alert_hidden", _l("The alert is already hidden."), 409)
    alert.hidden_at, alert.hidden_by_id, alert.hidden_reason = utcnow(), user.id, reason
    session.add(alert)
    session.commit()
    return alert


def expire(session: Session) -> int:
    """Close open alerts older than ALERTS_EXPIRE_HOURS (outcome expired); returns how many. Commits."""
    now = utcnow()
    cutoff = now - timedelta(hours=current_app.config["ALERTS_EXPIRE_HOURS"])
    result = session.execute(
        update(Alert).where(Alert.status == Status.open, Alert.created_at < cutoff)
        .values(status=Status.closed, outcome=Outcome.expired, closed_at=now)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return result.rowcount or 0


def expire_task(app) -> None:
    """Expiry as a registered periodic task (the worker loop or `flask --app watch tick`)."""
    with session_scope(app) as session:
        expire(session)


def purge_task(app) -> None:
    """Retention (ALERTS_RETENTION_DAYS) as a registered periodic task."""
    with session_scope(app) as session:
        purge(session)


def purge(session: Session, *, days: int | None = None, batch: int = 500) -> tuple[int, int]:
    """Delete alerts created more than `days` (ALERTS_RETENTION_DAYS) ago, with their photos; (alerts, photos)."""
    days = current_app.config["ALERTS_RETENTION_DAYS"] if days is None else days
    cutoff = utcnow() - timedelta(days=days)
    alerts = photos = 0
    while True:
        ids = list(session.exec(select(Alert.id).where(Alert.created_at < cutoff).order_by(Alert.id).limit(batch)))
        if not ids:
            break
        names = list(session.exec(select(AlertPhoto.filename).where(AlertPhoto.alert_id.in_(ids))))
        # Children first: SQLite enforces cascades only with the pragma, so do not rely on it.
        for model in (AlertPhoto, AlertUpdate, IdempotencyKey):
            session.execute(delete(model).where(model.alert_id.in_(ids)))
        session.execute(delete(AlertArea).where(AlertArea.alert_id.in_(ids)))
        session.execute(delete(Alert).where(Alert.id.in_(ids)))
        session.commit()
        photo_store.remove(names)  # after the commit: a rollback must not lose files still referenced
        alerts, photos = alerts + len(ids), photos + len(names)
    keep = utcnow() - timedelta(hours=current_app.config["ALERTS_IDEMPOTENCY_HOURS"])
    session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < keep))
    session.commit()
    return alerts, photos
