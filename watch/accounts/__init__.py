"""Accounts: registration, login, profile, roles, API tokens."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register auth, the blueprints and the CLI."""
    from watch.accounts import admin, api, auth, cli, link_views, mail_admin, views  # noqa: F401 (link_views adds routes to views.bp)

    auth.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(mail_admin.bp)
    app.cli.add_command(cli.users_cli)
