"""Escalation: an alert no police contact acknowledged in time goes to backup police and admins.

Idempotent: one PushEscalation row per alert and area (unique), written in the
same transaction as the deliveries, so concurrent workers escalate once.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import Flask
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from watch.accounts.models import User
from watch.alerts.models import Alert, AlertArea, Category, Status
from watch.areas.models import Area, AreaStatus
from watch.areas.service import same_municipality
from watch.core.db import session_scope
from watch.core.time import utcnow
from watch.push.delivery.fanout import fan_out_escalation
from watch.push.delivery.wake import announce
from watch.push.models import PushEscalation

log = logging.getLogger(__name__)


def due_escalations(session: Session, *, after_minutes: float, window_hours: float, now=None) -> list[tuple[int, int]]:
    """(alert_id, area_id) pairs past the acknowledgement deadline and not yet escalated."""
    now = now or utcnow()
    done = exists().where(PushEscalation.alert_id == Alert.id, PushEscalation.area_id == AlertArea.area_id)
    rows = session.execute(
        select(Alert.id, AlertArea.area_id)
        .join(AlertArea, AlertArea.alert_id == Alert.id)
        .join(Area, Area.id == AlertArea.area_id)
        .where(
            Alert.status == Status.open, Alert.acknowledged_at.is_(None), Alert.hidden_at.is_(None),
            Alert.category != Category.information, Area.status == AreaStatus.active,
            Alert.created_at <= now - timedelta(minutes=after_minutes),
            Alert.created_at >= now - timedelta(hours=window_hours),
            ~done,
        )
        .order_by(Alert.id, AlertArea.area_id)
    ).all()
    return [(a, b) for a, b in rows]


def backup_police_ids(session: Session, municipality: str) -> list[int]:
    """Police users serving this municipality (compared as the areas domain does)."""
    rows = session.execute(select(User.id, User.municipality).where(User.is_police.is_(True), User.municipality.is_not(None)))
    return [uid for uid, m in rows if same_municipality(m, municipality)]


def escalate(session: Session, alert_id: int, area_id: int, *, now=None) -> int | None:
    """Escalate one alert in one area; returns the devices targeted, or None if already done. Commits."""
    alert, area = session.get(Alert, alert_id), session.get(Area, area_id)
    if alert is None or area is None:
        return None
    now = now or utcnow()
    try:
        with session.begin_nested():
            row = PushEscalation(alert_id=alert_id, area_id=area_id, escalated_at=now)
            session.add(row)
            session.flush()
    except IntegrityError:
        return None  # another worker got there first
    row.devices = fan_out_escalation(session, alert, area, backup_police_ids(session, area.municipality), now=now)
    if row.devices:
        announce(session)
    session.commit()
    log.info("alert %s in area %s escalated to %s devices", alert_id, area_id, row.devices)
    return row.devices


def escalate_due(app: Flask, *, now=None) -> int:
    """Escalate every due alert and area; returns how many pairs were escalated."""
    cfg = app.config
    count = 0
    with session_scope(app) as session:
        pairs = due_escalations(session, after_minutes=float(cfg["PUSH_ESCALATE_AFTER_MINUTES"]),
                                window_hours=float(cfg["PUSH_ESCALATION_WINDOW_HOURS"]), now=now)
        for alert_id, area_id in pairs:
            if escalate(session, alert_id, area_id, now=now) is not None:
                count += 1
    return count
