"""Watch areas: neighbourhood (grannsamverkan) and boat (båtsamverkan) watch."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the areas domain."""
    from watch.areas import models  # noqa: F401  (tables for the metadata)
