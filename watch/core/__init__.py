"""The kernel: infrastructure (settings, db, errors, events, tasks, security, i18n, forms, the API's
blueprint) and what the domains share (time, geometry, photos, the outbound-address guard).

It imports no domain: every domain imports it, never the other way round.
"""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the project: static/, templates/, config/
