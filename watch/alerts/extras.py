"""What other domains add to an alert: fields they check and store with it, parts of its pages.

Alerts import no municipal domain, in code or templates. A domain that adds to an
alert (boats: a theft alert names the stolen boat or engine) registers an
`AlertExtra` from its init_app; the alert's service calls every registered one, in
the order they were registered, and its pages include their templates
(`alert_form_parts`, `alert_detail_parts`) with the variables they add.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app
from sqlmodel import Session

_KEY = "alerts.extras"


@dataclass(frozen=True)
class AlertExtra:
    """One domain's additions to alerts; every hook is optional."""

    #: (session, user, category, fields) -> fields: the domain's fields of a new alert
    #: (e.g. boat_id, engine_id) checked and cleaned, or a ServiceError (nothing written yet).
    check: Callable[..., dict] | None = None
    #: (session, alert, fields): add the domain's rows for the alert (flushed, id set), no commit.
    record: Callable[..., None] | None = None
    #: (session, user) -> dict: variables for `form_template`, included in the alert form.
    form: Callable[..., dict] | None = None
    form_template: str | None = None
    #: (session, user, alert_id) -> dict: variables for `detail_template`, included in the alert's page.
    detail: Callable[..., dict] | None = None
    detail_template: str | None = None


def register(app: Flask, extra: AlertExtra) -> None:
    """Add a domain's extra to this app's alerts (from the domain's init_app)."""
    app.extensions.setdefault(_KEY, []).append(extra)


def _all(hook: str) -> list:
    return [getattr(e, hook) for e in current_app.extensions.get(_KEY, ()) if getattr(e, hook) is not None]


def check(session: Session, user, category, fields: dict) -> dict:
    """The extra fields of a new alert as the registered domains clean them (or their refusal)."""
    for hook in _all("check"):
        fields = hook(session, user, category, fields)
    return fields


def record(session: Session, alert, fields: dict) -> None:
    """Let the registered domains store their part of a new alert, in its transaction."""
    for hook in _all("record"):
        hook(session, alert, fields)


def form_context(session: Session, user) -> dict:
    """Template variables the registered domains add to the alert form, with their templates to include."""
    out: dict = {"alert_form_parts": _all("form_template")}
    for hook in _all("form"):
        out.update(hook(session, user))
    return out


def detail_context(session: Session, user, alert_id: int) -> dict:
    """Template variables the registered domains add to an alert's page, with their templates to include."""
    out: dict = {"alert_detail_parts": _all("detail_template")}
    for hook in _all("detail"):
        out.update(hook(session, user, alert_id))
    return out
