"""Accounts: registration, login, profile, roles, API tokens."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register auth, the blueprints and the CLI."""
    from watch.accounts import admin, api, auth, cli, views

    auth.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(api.bp)
    app.cli.add_command(cli.users_cli)
