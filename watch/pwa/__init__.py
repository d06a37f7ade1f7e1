"""The installable web app: manifest, service worker, offline shell, notifications UX,
versioned and compressed static files."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the PWA routes and the static-file versioning and compression."""
    from watch.pwa import assets, views

    assets.init_app(app)
    app.register_blueprint(views.bp)
    app.context_processor(views.template_globals)
