"""Boat watch (båtsamverkan): the boat register, theft alerts, away notices (for both kinds of area).

Boats belong to a boat-watch area; who may see them is the area's rule
("boats": its contact representatives and police, admins) plus the owner.
"""
from flask import Flask

from watch.alerts import extras
from watch.core import tasks


def init_app(app: Flask) -> None:
    """Register the boats domain: tables, data hooks, pages, API, periodic purge."""
    # Here, not at the top: importing one module of the package (its models) must not load its pages and API.
    from watch.boats import api, hooks, models, theft, views  # noqa: F401  (models: tables for the metadata)
    from watch.boats.away import hooks as away_hooks
    from watch.boats.away import models as away_models  # noqa: F401
    from watch.boats.away import service as away_service
    from watch.boats.away import views as away_views
    from watch.boats.rota import models as rota_models  # noqa: F401
    from watch.boats.rota import reminders
    from watch.boats.rota import views as rota_views

    hooks.connect()
    away_hooks.connect()
    extras.register(app, theft.ALERT_EXTRA)
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(away_views.bp)
    app.register_blueprint(rota_views.bp)
    tasks.register(app, "boats.away_purge", app.config["AWAY_PURGE_EVERY_SECONDS"], away_service.purge_task)
    tasks.register(app, "boats.watch_reminders", app.config["WATCH_REMINDER_CHECK_SECONDS"], reminders.reminder_task)

