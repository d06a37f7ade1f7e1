"""What every domain's HTML views do when a service refuses a form."""
from __future__ import annotations

from flask import flash

from watch.db import get_session
from watch.errors import ServiceError


def show_refusal(form, exc: ServiceError, *, raise_not_found: bool = False) -> None:
    """Undo what the refused call left in the session; show why next to its field, else as a flash.

    With raise_not_found a 404 goes on to the error page instead: the user may
    not even know that the thing exists.
    """
    get_session().rollback()
    if raise_not_found and exc.status == 404:
        raise exc
    field = getattr(form, exc.details.get("field") or "", None) if form is not None else None
    if field is not None:
        field.errors = list(field.errors) + [str(exc.message)]
    else:
        flash(str(exc.message), "error")
