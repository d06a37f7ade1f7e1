"""Watch areas: neighbourhood (grannsamverkan) and boat (båtsamverkan) watch."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the areas domain: index listeners, data hooks, pages, API, CLI."""
    from watch.areas import models  # noqa: F401  (tables for the metadata)
    from watch.areas import (api, api_households, api_members, api_police, cli, hooks, spatial,  # noqa: F401
                             views, views_invites, views_members, views_police)

    spatial.init_app(app)
    hooks.connect()
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.cli.add_command(cli.areas_cli)
