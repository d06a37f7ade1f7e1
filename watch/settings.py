"""Settings: config/default.py, then WATCH_* variables, then the caller's dict."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

DEV_ENVS = {"development", "testing"}
PLACEHOLDER_SECRETS = {"", "dev", "changeme", "change-me", "secret", "development"}


class ConfigError(RuntimeError):
    """Raised when the app must not start with the settings it was given."""


def load(app: Flask, overrides: dict | None) -> None:
    """Fill app.config and check it is safe for the environment it names."""
    from watch import ROOT

    app.config.from_pyfile(str(ROOT / "config" / "default.py"))
    app.config.from_prefixed_env(prefix="WATCH")
    if overrides:
        app.config.update(overrides)
    env = app.config["ENV"]
    if env not in DEV_ENVS | {"production"}:
        raise ConfigError(f"WATCH_ENV must be development, testing or production, not {env!r}")
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    explicit = "SESSION_COOKIE_SECURE" in (overrides or {}) or "WATCH_SESSION_COOKIE_SECURE" in os.environ
    if env in DEV_ENVS and not explicit:
        # Plain http on localhost: a Secure cookie would never come back.
        app.config["SESSION_COOKIE_SECURE"] = app.config["REMEMBER_COOKIE_SECURE"] = False
    _database_url(app, env)
    _secret_key(app, env)


def _database_url(app: Flask, env: str) -> None:
    if app.config.get("DATABASE_URL"):
        return
    if env == "production":
        raise ConfigError("WATCH_DATABASE_URL must be set in production (PostgreSQL).")
    app.config["DATABASE_URL"] = "sqlite:///" + str(Path(app.instance_path) / "watch.db")


def _secret_key(app: Flask, env: str) -> None:
    key = app.config.get("SECRET_KEY")
    if env == "production":
        if not key or key in PLACEHOLDER_SECRETS or len(str(key)) < 32:
            raise ConfigError("WATCH_SECRET_KEY must be set to a random value of 32+ characters in production.")
        return
    if not key:
        app.config["SECRET_KEY"] = instance_secret(app, "secret_key", lambda: secrets.token_urlsafe(48))


def instance_secret(app: Flask, name: str, make) -> str:
    """Read a generated secret from the instance folder, creating it on first use."""
    path = Path(app.instance_path) / name
    if not path.exists():
        value = make()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(value)
        return value
    return path.read_text().strip()
