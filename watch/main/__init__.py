"""Home page, language switch, health check, template globals."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the main blueprint and template globals."""
    from watch.main import vendor, views

    app.register_blueprint(views.bp)
    app.register_blueprint(vendor.bp)
    app.context_processor(views.template_globals)
