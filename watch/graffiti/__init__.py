"""Graffiti (klotter): one submission, two routes: a work order to the owner and a police-report package;
the owner layer and routing rules; service targets with escalation; statistics. Feeds EST as 'klotter'."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the pages, the GDPR receivers and the periodic tasks."""
    from watch.core import tasks
    from watch.core.settings import DEV_ENVS, ConfigError

    if app.config["GRAFFITI_OUTBOUND_ALLOW_LOOPBACK"] and app.config["ENV"] not in DEV_ENVS:
        raise ConfigError("WATCH_GRAFFITI_OUTBOUND_ALLOW_LOOPBACK is for tests: work orders must not reach the server's own network.")
    from watch.graffiti import delivery, hooks, lifecycle, models, views  # noqa: F401  (models: tables for the metadata)

    app.register_blueprint(views.bp)
    hooks.connect()
    tasks.register(app, "graffiti-escalation", app.config["GRAFFITI_ESCALATION_CHECK_SECONDS"], lifecycle.escalation_task)
    tasks.register(app, "graffiti-delivery", app.config["GRAFFITI_DELIVERY_CHECK_SECONDS"], delivery.delivery_task)
    tasks.register(app, "graffiti-retention", app.config["GRAFFITI_RETENTION_CHECK_SECONDS"], hooks.retention_task)
