"""E-mail: a durable outbox that other domains queue into, and the task that sends it.

Public API (see watch.mail.service for the full contract):
`queue`, `compose`, `recipient_locale`, `public_url`, `check_address`.
The outbox knows messages, recipients and delivery only: what a message is about
(alerts, pushes, accounts) stays with the domain that queues it. A member's
e-mail choices are in watch.mail.preferences, failures for admins in watch.mail.failures.
"""
from __future__ import annotations

import flask_mail
from flask import Flask

from watch.core import events, tasks
from watch.core.settings import DEV_ENVS, ConfigError
from watch.mail import privacy, sender
from watch.mail.service import (
    check_address,
    compose,
    public_url,
    queue,
    recipient_locale,
)

__all__ = ["check_address", "compose", "init_app", "public_url", "queue", "recipient_locale"]


def init_app(app: Flask) -> None:
    """Check the mail settings, attach Flask-Mail, register the send and purge tasks."""
    _check_settings(app)
    flask_mail.Mail(app)
    tasks.register(app, "mail.send", app.config["MAIL_SEND_EVERY_SECONDS"], lambda a: sender.send_due(a))
    tasks.register(app, "mail.purge", 3600, lambda a: sender.purge(a))
    events.user_deleting.connect(privacy.on_user_deleting)
    events.user_export.connect(privacy.on_user_export)


def _check_settings(app: Flask) -> None:
    config = app.config
    if config["ENV"] in DEV_ENVS:
        config["PUBLIC_URL"] = config.get("PUBLIC_URL") or "http://127.0.0.1:5000"
        config["MAIL_DEFAULT_SENDER"] = config.get("MAIL_DEFAULT_SENDER") or "Trygg Granne <noreply@localhost>"
        return
    if config["MAIL_DISABLED"]:
        config["PUBLIC_URL"] = config.get("PUBLIC_URL") or "https://watch.invalid"
        return
    if not config.get("MAIL_SERVER"):
        raise ConfigError("WATCH_MAIL_SERVER must be set in production (or WATCH_MAIL_DISABLED=true to run without e-mail).")
    if not config.get("MAIL_DEFAULT_SENDER"):
        raise ConfigError("WATCH_MAIL_DEFAULT_SENDER must be set in production, e.g. 'Trygg Granne <noreply@kommun.se>'.")
    if not str(config.get("PUBLIC_URL") or "").startswith("https://"):
        raise ConfigError("WATCH_PUBLIC_URL must be the https:// address users reach the app at (links in e-mail).")
