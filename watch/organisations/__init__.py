"""Organisations: a municipality's partners (its units, housing companies, rescue service,
security companies, police, associations) and the people who work for them, with their
EST role (rapportör, samordnare, läsare). Other domains ask `watch.organisations.access`."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the admin pages, the API and the GDPR receivers."""
    from watch.organisations import api, hooks, models, views  # noqa: F401  (models: tables for the metadata)

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    hooks.connect()
