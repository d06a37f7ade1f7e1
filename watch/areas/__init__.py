"""Watch areas: neighbourhood (grannsamverkan) and boat (båtsamverkan) watch.

The area itself sits here (models, the access service, schemas, forms, CLI,
data hooks, the two blueprints); each sub-domain is a subpackage with its own
service, pages and API: registration, members, invites, households, police,
geometry (outlines, the spatial index, proposed outlines).
"""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the areas domain: index listeners, data hooks, pages, API, CLI."""
    # Imported here, not at module level: every `import watch.areas.models` from another domain runs this
    # file first, and must not load every page and route of areas (nor, through them, mail and accounts).
    # The order of the route modules is the order of the API's tags in the OpenAPI document.
    from watch.areas import api, cli, hooks, models, views  # noqa: F401  (models: tables for the metadata)
    from watch.areas.geometry import spatial
    from watch.areas.registration import api as registration_api, views as registration_views  # noqa: F401
    from watch.areas.households import api as households_api, views as households_views  # noqa: F401
    from watch.areas.members import api as members_api, views as members_views  # noqa: F401
    from watch.areas.invites import api as invites_api, views as invites_views  # noqa: F401
    from watch.areas.police import api as police_api, views as police_views  # noqa: F401

    spatial.init_app(app)
    hooks.connect()
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.cli.add_command(cli.areas_cli)
