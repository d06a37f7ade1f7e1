"""Watch areas: neighbourhood (grannsamverkan) and boat (båtsamverkan) watch."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the areas domain: index listeners, data hooks, pages, API, CLI."""
    from watch.areas import models  # noqa: F401  (tables for the metadata)
    from watch.areas import api, api_boats, api_members, cli, hooks, spatial, views, views_boats, views_members  # noqa: F401

    spatial.init_app(app)
    hooks.connect()
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.cli.add_command(cli.areas_cli)
