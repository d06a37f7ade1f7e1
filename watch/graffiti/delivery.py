"""Work orders by webhook (signed JSON) or to another Open311 server: queued with the report, sent by the worker
(never inside a request), retried with backoff; a refused URL or a 4xx answer fails for good."""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from datetime import datetime, timedelta
from urllib.parse import urlencode

from flask import Flask, current_app
from sqlalchemy import update
from sqlmodel import Session, select

from watch import mail
from watch.core.db import session_scope
from watch.core.time import TZ, utcnow
from watch.graffiti import outbound
from watch.graffiti.models import OBJECT_TYPES, OWNER_TYPES, GraffitiDelivery, GraffitiReport, RoutingRule

log = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-Watch-Signature"
TIMESTAMP_HEADER = "X-Watch-Timestamp"


def queue(session: Session, report: GraffitiReport, rule: RoutingRule) -> GraffitiDelivery | None:
    """Add the delivery row for a webhook or Open311 rule (committed with the report)."""
    if rule.channel not in ("webhook", "open311") or not rule.endpoint:
        return None
    delivery = GraffitiDelivery(report_id=report.id, rule_id=rule.id, channel=rule.channel, endpoint=rule.endpoint,
                                next_attempt_at=report.created_at)
    session.add(delivery)
    return delivery


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """'sha256=' + HMAC-SHA256 of '<timestamp>.<body>' (the receiver recomputes it and checks the timestamp is fresh)."""
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(TZ).isoformat(timespec="seconds") if value else None


def payload(report: GraffitiReport) -> dict:
    """The work order as data: place, object, size, target; never who reported it."""
    return {"event": "graffiti.work_order", "service_request_id": f"g{report.id}", "object_type": report.object_type,
            "owner_type": report.owner_type, "offensive": report.offensive, "area_m2": report.area_m2,
            "lat": report.lat, "long": report.lon, "address": report.address, "description": report.description,
            "observed_datetime": _iso(report.observed_at), "requested_datetime": _iso(report.created_at),
            "expected_datetime": _iso(report.due_at),
            "url": mail.public_url("graffiti.detail", report_id=report.id)}


def _webhook(delivery: GraffitiDelivery, rule: RoutingRule, report: GraffitiReport, **kw) -> outbound.Answer:
    body = json.dumps(payload(report), separators=(",", ":")).encode()
    stamp = str(int(time.time()))
    return outbound.post(delivery.endpoint, body, {"Content-Type": "application/json", TIMESTAMP_HEADER: stamp,
                                                   SIGNATURE_HEADER: sign(rule.secret or "", stamp, body)}, **kw)


def _open311(delivery: GraffitiDelivery, rule: RoutingRule, report: GraffitiReport, **kw) -> outbound.Answer:
    facts = f"Klotter på {OBJECT_TYPES[report.object_type]} ({OWNER_TYPES[report.owner_type]}), cirka {report.area_m2} m²."
    if report.offensive:
        facts += " Kränkande eller rasistiskt: ta bort inom 24 timmar."
    form = {"api_key": rule.secret or "", "service_code": rule.service_code or "", "lat": f"{report.lat:.6f}",
            "long": f"{report.lon:.6f}", "address_string": report.address,
            "description": " ".join(filter(None, [facts, report.description])),
            "attribute[external_id]": f"g{report.id}"}
    url = delivery.endpoint.rstrip("/") + "/requests.json"
    return outbound.post(url, urlencode(form).encode(), {"Content-Type": "application/x-www-form-urlencoded"}, **kw)


def _remote_ids(answer: outbound.Answer) -> tuple[str | None, str | None]:
    """(service_request_id, token) from a GeoReport v2 POST answer (a list of one object)."""
    try:
        data = json.loads(answer.body)
        item = data[0] if isinstance(data, list) else data
        rid, token = item.get("service_request_id"), item.get("token")
    except Exception:
        return None, None
    return (str(rid)[:80] if rid else None), (str(token)[:80] if token else None)


def _claim(session: Session, delivery: GraffitiDelivery, now: datetime) -> bool:
    """Lease the row so a second worker leaves it alone (the one whose update matched wins)."""
    lease = now + timedelta(seconds=float(current_app.config["GRAFFITI_DELIVERY_LEASE_SECONDS"]))
    done = session.execute(update(GraffitiDelivery).where(
        GraffitiDelivery.id == delivery.id, GraffitiDelivery.status == "pending",
        GraffitiDelivery.next_attempt_at == delivery.next_attempt_at).values(next_attempt_at=lease))
    session.commit()
    return done.rowcount == 1


def attempt(session: Session, delivery: GraffitiDelivery, now: datetime | None = None) -> GraffitiDelivery:
    """Send one delivery once and record what happened."""
    now = now or utcnow()
    cfg = current_app.config
    rule = session.get(RoutingRule, delivery.rule_id) if delivery.rule_id else None
    report = session.get(GraffitiReport, delivery.report_id)
    delivery.attempts += 1
    error, permanent = "", False
    if rule is None or report is None:
        error, permanent = "the routing rule was removed", True
    else:
        send = _webhook if delivery.channel == "webhook" else _open311
        try:
            answer = send(delivery, rule, report, allow_loopback=bool(cfg["GRAFFITI_OUTBOUND_ALLOW_LOOPBACK"]),
                          timeout=float(cfg["GRAFFITI_DELIVERY_TIMEOUT_SECONDS"]))
        except outbound.Refused as exc:
            error, permanent = str(exc), True
        except (OSError, ConnectionError) as exc:
            error = f"network: {exc}"
        else:
            if 200 <= answer.status < 300:
                delivery.status, delivery.sent_at, delivery.last_error = "sent", now, ""
                if delivery.channel == "open311":
                    delivery.remote_id, delivery.remote_token = _remote_ids(answer)
            else:
                error = f"HTTP {answer.status}: {answer.body[:200].decode('utf-8', 'replace')}"
                permanent = 400 <= answer.status < 500 and answer.status not in (408, 425, 429)
    if delivery.status != "sent":
        delivery.last_error = error[:300]
        if permanent or delivery.attempts >= int(cfg["GRAFFITI_DELIVERY_MAX_ATTEMPTS"]):
            delivery.status = "failed"
            log.warning("graffiti delivery %s failed for good: %s", delivery.id, error)
        else:
            backoff = min(float(cfg["GRAFFITI_DELIVERY_BACKOFF_SECONDS"]) * 2 ** (delivery.attempts - 1), 6 * 3600)
            delivery.next_attempt_at = now + timedelta(seconds=backoff)
    session.add(delivery)
    session.commit()
    return delivery


def deliver_due(session: Session, now: datetime | None = None, limit: int = 50) -> int:
    """Send every pending delivery whose time has come; returns how many were tried."""
    now = now or utcnow()
    due = session.exec(select(GraffitiDelivery).where(GraffitiDelivery.status == "pending", GraffitiDelivery.next_attempt_at <= now)
                       .order_by(GraffitiDelivery.next_attempt_at).limit(limit)).all()
    tried = 0
    for delivery in due:
        if _claim(session, delivery, now):
            attempt(session, delivery, now)
            tried += 1
    return tried


def deliveries_of(session: Session, report_id: int) -> list[GraffitiDelivery]:
    """A report's deliveries, oldest first."""
    return list(session.exec(select(GraffitiDelivery).where(GraffitiDelivery.report_id == report_id).order_by(GraffitiDelivery.id)))


def delivery_task(app: Flask) -> None:
    """The registered delivery task."""
    with session_scope(app) as session:
        deliver_due(session)
