"""Operators' metrics at /metrics (Prometheus text format), reachable only from PUSH_METRICS_ALLOWED.

Deliveries by outcome, the queue's depth and the age of its oldest due delivery, and
the open fan-out jobs and the age of the oldest, are read from the database when
scraped, so any web process reports the whole fleet.
Send latency per push service is measured where the sending happens: in this
process (the in-process worker) and in each `python -m watch.push` worker, which
serves the same page on PUSH_METRICS_PORT when that is set. Alert POST latency is
measured in the web processes.
"""
from __future__ import annotations

import ipaddress
import time
from datetime import UTC, datetime

from flask import Blueprint, Flask, Response, abort, current_app, g, request
from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy import func, select

from watch.core.db import session_scope
from watch.core.time import utcnow
from watch.push.models import JOB_OPEN, OPEN_STATUSES, STATUSES, Delivery, FanoutJob

bp = Blueprint("push_metrics", __name__)
EXT = "watch.push.metrics"
POST_ENDPOINTS = {"alerts_api.create", "alerts.new"}


def _age(now: datetime, since: datetime | None) -> float:
    """Seconds from `since` (naive: UTC, as SQLite returns it) to now; 0 for none."""
    if since is None:
        return 0.0
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return max((now - since).total_seconds(), 0.0)


class _QueueCollector:
    """Deliveries by status, open deliveries due now, age of the oldest due one, open fan-out jobs (from the database)."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self):
        now = utcnow()
        with session_scope(self.app) as session:
            counts = dict(session.execute(select(Delivery.status, func.count()).group_by(Delivery.status)).all())
            due = (Delivery.status.in_(OPEN_STATUSES), Delivery.next_attempt_at <= now)
            depth, oldest = session.execute(select(func.count(), func.min(Delivery.next_attempt_at)).where(*due)).one()
            jobs, oldest_job = session.execute(select(func.count(), func.min(FanoutJob.created_at))
                                               .where(FanoutJob.status == JOB_OPEN)).one()
        by_status = GaugeMetricFamily("watch_push_deliveries", "Delivery records by outcome (status).", labels=["status"])
        for status in STATUSES:
            by_status.add_metric([status], counts.get(status, 0))
        yield by_status
        yield GaugeMetricFamily("watch_push_queue_depth", "Open deliveries due now.", value=depth)
        yield GaugeMetricFamily("watch_push_queue_oldest_age_seconds", "How long the oldest due delivery has waited.",
                                value=_age(now, oldest))
        # A big alert's audience is written by the workers: a job that stays open means members wait.
        yield GaugeMetricFamily("watch_push_fanout_jobs_open", "Fan-out jobs not yet fully expanded.", value=jobs)
        yield GaugeMetricFamily("watch_push_fanout_oldest_job_age_seconds",
                                "How long the oldest open fan-out job has been open (since its alert was posted).",
                                value=_age(now, oldest_job))


class Metrics:
    """One app's registry and instruments."""

    def __init__(self, app: Flask) -> None:
        self.registry = CollectorRegistry()
        self.registry.register(_QueueCollector(app))
        self.send_seconds = Histogram("watch_push_send_seconds", "Push request latency per push service.", ["service"],
                                      buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10), registry=self.registry)
        self.post_seconds = Histogram("watch_alert_post_seconds", "Alert POST latency (API and form).",
                                      buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5), registry=self.registry)


def metrics(app: Flask) -> Metrics:
    """The app's metrics."""
    return app.extensions[EXT]


def allowed(app: Flask, address: str | None) -> bool:
    """Whether a client address may read the metrics (PUSH_METRICS_ALLOWED: addresses or networks)."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(n, strict=False) for n in app.config.get("PUSH_METRICS_ALLOWED") or ())


@bp.get("/metrics")
def page():
    """Prometheus text format, for allowed addresses only (others get 404, as if it did not exist)."""
    app = current_app._get_current_object()
    if not allowed(app, request.remote_addr):
        abort(404)
    return Response(generate_latest(metrics(app).registry), mimetype=CONTENT_TYPE_LATEST)


def init_app(app: Flask) -> None:
    """Create the registry, time alert POSTs, serve /metrics."""
    app.extensions[EXT] = Metrics(app)
    app.register_blueprint(bp)

    @app.before_request
    def _start_clock():
        if request.method == "POST" and request.endpoint in POST_ENDPOINTS:
            g.watch_post_started = time.perf_counter()

    @app.after_request
    def _stop_clock(response):
        started = g.pop("watch_post_started", None)
        if started is not None:
            metrics(app).post_seconds.observe(time.perf_counter() - started)
        return response
