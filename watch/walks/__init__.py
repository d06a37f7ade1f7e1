"""Safety walks (trygghetsvandring): plan a walk along a route, invite partners (iCalendar), log observations
on the phone, decide measures with a responsible party and a due date, and publish the protocol."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the pages, the GDPR receivers and the retention task."""
    from watch.core import tasks
    from watch.walks import api, hooks, models, views  # noqa: F401  (models: tables for the metadata)

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    hooks.connect()
    tasks.register(app, "walks-retention", app.config["WALKS_RETENTION_CHECK_SECONDS"], hooks.retention_task)
