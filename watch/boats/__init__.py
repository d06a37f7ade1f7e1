"""Boat watch (båtsamverkan): the boat register with its engines and photos.

Boats belong to a boat-watch area; who may see them is the area's rule
("boats": its contact representatives and police, admins) plus the owner.
"""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the boats domain: tables, data hooks, pages, API."""
    from watch.boats import api, hooks, models, views  # noqa: F401  (models: tables for the metadata)

    hooks.connect()
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
