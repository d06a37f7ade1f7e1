"""Alerts: reports of suspicious activity in watch areas, their lifecycle, map and API."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the pages, the API, the CLI and the signal receivers."""
    from watch.alerts import api, hooks, models, views  # noqa: F401  (models: tables for the metadata)
    from watch.alerts.cli import alerts_cli

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.cli.add_command(alerts_cli)
    hooks.connect()
