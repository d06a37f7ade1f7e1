"""Trygghetspunkter (crisis meeting points): the municipality's places to go when power, heat, water or
telecoms fail; planned → activated → deactivated; a public list, map and GeoJSON feed that work offline."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the pages and the GDPR receivers."""
    from watch.crisis import hooks, models, views  # noqa: F401  (models: tables for the metadata)

    app.register_blueprint(views.bp)
    hooks.connect()
