"""Open311 GeoReport v2 at /open311/v2/: discovery, services, requests (POST with an API key, GET list and one),
servicerequestupdates (GET); JSON and XML. Graffiti and the walk observation categories are the services."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the GeoReport v2 endpoints."""
    from watch.open311 import views

    app.register_blueprint(views.bp)
