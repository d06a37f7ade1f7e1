"""Home page, language switch, health check, template helpers."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the main blueprint and template globals."""
    from watch.main import formats, vendor, views

    app.register_blueprint(views.bp)
    app.register_blueprint(vendor.bp)
    app.context_processor(views.template_globals)
    formats.init_app(app)
