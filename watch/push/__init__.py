"""Web Push: devices, durable fan-out of alerts, delivery workers, receipts and escalation.

Sub-domains: devices/ (subscriptions, preferences, the notifications page and API),
delivery/ (fan-out, batches, workers, wake-ups, escalation), notices/ (non-alert pushes,
the admins' failure notice); webpush/ is the protocol library (subscription validation,
RFC 8291 encryption, RFC 8292 VAPID, pooled delivery), free of Flask and the app.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # light to import: `python -m watch.push` blocks SIGTERM before anything else
    from flask import Flask


def init_app(app: Flask) -> None:
    """Load the VAPID key (refusing to start without one in production), register routes, hooks, CLI."""
    from watch.core import events, tasks
    from watch.push import keys, metrics, models  # noqa: F401  (models: tables)
    from watch.push.cli import push_cli, push_worker
    from watch.push.delivery import escalation, fanout
    from watch.push.delivery.worker import EXT, PushState, ensure_inprocess_worker
    from watch.push.devices import api, service, views
    from watch.push.notices import admin as admin_notices

    app.extensions[EXT] = PushState(vapid=keys.load(app))
    app.register_blueprint(api.bp)
    app.register_blueprint(api.rotate_bp)
    metrics.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(views.mail_bp)
    app.cli.add_command(push_worker)
    app.cli.add_command(push_cli)
    # Receivers are held weakly: module-level functions stay alive.
    events.alert_posted.connect(fanout.on_alert_posted)
    events.user_deleting.connect(service.on_user_deleting)
    events.user_export.connect(service.on_user_export)
    app.jinja_env.globals["push_receipt_for"] = views.receipt_for
    tasks.register(app, "push.escalate", float(app.config["PUSH_ESCALATION_CHECK_SECONDS"]), escalation.escalate_due)
    tasks.register(app, "push.purge_deliveries", float(app.config["PUSH_DELIVERY_PURGE_SECONDS"]), service.purge_deliveries)
    # Named "mail." as before: the notice covers the outbox's failures too.
    tasks.register(app, "mail.admin_notices", 300, admin_notices.send_admin_notices)

    @app.before_request
    def _start_worker():
        # Lazily, in the serving process (after any fork), never at import.
        if app.config.get("PUSH_WORKER_INPROCESS"):
            ensure_inprocess_worker(app)
