"""What a push says: title, short text, link, in the recipient's language (under force_locale)."""
from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from watch.alerts.models import CATEGORY_LABELS, Category
from watch.push.devices.preferences import category_value
from watch.push.models import KIND_ESCALATION
from watch.push.webpush.message import alert_topic

BODY_CHARS = 240


def alert_path(alert_id: int) -> str:
    """The alert's page (relative: the service worker resolves it against its own origin)."""
    # Built from the URL map, not url_for: the worker sends outside any request.
    return current_app.url_map.bind("localhost").build("alerts.detail", {"alert_id": alert_id})


def shorten(value: str, limit: int = BODY_CHARS) -> str:
    """The first `limit` characters on one line, cut at a word with an ellipsis."""
    value = " ".join((value or "").split())
    if len(value) <= limit:
        return value
    cut = value[: limit - 1].rsplit(" ", 1)[0]
    return (cut or value[: limit - 1]) + "…"


def locale_for(user_locale: str | None) -> str:
    """The user's language if we have it, else the default (Swedish)."""
    cfg = current_app.config
    return user_locale if user_locale in cfg["LANGUAGES"] else cfg["BABEL_DEFAULT_LOCALE"]


def payload(alert, *, area_name: str | None, kind: str, locale: str) -> dict:
    """The JSON the service worker shows: {title, body, url, alert_id, category, tag}."""
    category = category_value(alert)
    with force_locale(locale):
        label = str(CATEGORY_LABELS.get(Category(category), category))
        if category == "information":
            title = _("Information for %(area)s", area=area_name) if area_name else label
        else:
            title = _("%(category)s in %(area)s", category=label, area=area_name) if area_name else label
        if kind == KIND_ESCALATION:
            title = _("Not yet acknowledged by the police: %(title)s", title=title)
        body = shorten(alert.text)
    topic = alert_topic(alert.id)
    return {"title": title, "body": body, "url": alert_path(alert.id), "alert_id": alert.id,
            "category": category, "tag": topic}
