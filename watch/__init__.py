"""watch: neighbourhood and boat watch for residents, municipalities and police."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # `import watch` stays light: a worker process installs its signal handling first
    from flask import Flask

# The packages whose init_app(app) runs after the kernel's, in this order.
DOMAINS = (
    "watch.accounts",
    "watch.core.api",
    "watch.main",
    "watch.areas",
    "watch.alerts",
    "watch.boats",
    "watch.push",
    "watch.pwa",
    "watch.organisations",
    "watch.mail",
    "watch.est",
    "watch.walks",
    "watch.graffiti",
    "watch.open311",
    "watch.training",
    "watch.nightwalks",
    "watch.audit",
    "watch.promises",
    "watch.crisis",
)


def create_app(config: dict | None = None) -> Flask:
    """Build the application; `config` overrides defaults and WATCH_* variables."""
    import importlib

    import os
    from pathlib import Path

    from flask import Flask

    from watch.core import ROOT, db, errors, formats, i18n, security, settings, tasks
    from watch.migrations.cli import db_cli

    instance = (config or {}).get("INSTANCE_PATH") or os.environ.get("WATCH_INSTANCE_PATH") or ROOT / "instance"
    app = Flask(
        __name__,
        static_folder=str(ROOT / "static"),
        template_folder=str(ROOT / "templates"),
        instance_path=str(Path(instance).resolve()),
    )
    settings.load(app, config)
    app.url_map.converters["int"] = db.DatabaseIntConverter  # before any route is added
    hops = int(app.config["PROXY_HOPS"])
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops)
    db.init_app(app)
    app.cli.add_command(db_cli)
    i18n.init_app(app)
    formats.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    tasks.init_app(app)
    for name in DOMAINS:
        importlib.import_module(name).init_app(app)
    return app
