"""The home page tests use the alerts cast (areas with a member, contact, police; an admin)."""
from tests.alerts.conftest import join, post, world  # noqa: F401
