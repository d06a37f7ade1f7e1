"""The alerts domain's cast (areas with a member, contact, police contact; an admin)."""
from tests.alerts.conftest import join, post, world  # noqa: F401  (fixtures, re-exported)
