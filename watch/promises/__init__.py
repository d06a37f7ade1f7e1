"""Medborgarlöften (citizens' promises): a municipality's and the police's promise for one or two
years, its activities and indicators (counted by the app where it can), a public page with an Atom
feed and a half-year report. Pages in `views`, rules in `service` (with `revisions` and `progress`),
counting in `indicators`."""
import json

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the pages and the signal receivers."""
    from watch.promises import hooks, models, publish, views  # noqa: F401  (models: tables for the metadata)

    app.register_blueprint(views.public_bp)
    app.register_blueprint(views.bp)
    hooks.connect()
    app.jinja_env.filters["promise_changes"] = lambda revision: json.loads(revision.changes)
    app.jinja_env.globals["promise_change_label"] = publish.change_label
