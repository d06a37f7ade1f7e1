"""watch: neighbourhood and boat watch for residents, municipalities and police."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # `import watch` stays light: a worker process installs its signal handling first
    from flask import Flask

ROOT = Path(__file__).resolve().parent.parent

# Domain packages, in the order their init_app runs. Each has init_app(app).
DOMAINS = (
    "watch.accounts",
    "watch.api",
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

    from flask import Flask

    from watch import db, errors, i18n, security, settings, tasks

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
    i18n.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    tasks.init_app(app)
    for name in DOMAINS:
        importlib.import_module(name).init_app(app)
    return app
