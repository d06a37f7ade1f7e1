"""Alerts: reports of suspicious activity in watch areas, their lifecycle, map and API."""
from flask import Flask

from watch.core import events, tasks


def init_app(app: Flask) -> None:
    """Register the pages, the API, the CLI and the signal receivers."""
    # Here, not at the top: importing one module of the package (its models) must not load its pages and API.
    from watch.alerts import api, digest, hooks, lifecycle, mail_notices, models, views  # noqa: F401  (models: tables for the metadata)
    from watch.alerts.cli import alerts_cli

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.cli.add_command(alerts_cli)
    hooks.connect()
    tasks.register(app, "alerts.expire", app.config["ALERTS_EXPIRE_CHECK_SECONDS"], lifecycle.expire_task)
    tasks.register(app, "alerts.purge", app.config["ALERTS_RETENTION_CHECK_SECONDS"], lifecycle.purge_task)
    tasks.register(app, "mail.digest", app.config["MAIL_DIGEST_CHECK_SECONDS"], digest.send_digests)
    events.alert_closed.connect(mail_notices.on_alert_closed)
