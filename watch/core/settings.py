"""Settings: config/default.py, then WATCH_* variables, then the caller's dict."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

from watch.core import ROOT

DEV_ENVS = {"development", "testing"}
PLACEHOLDER_SECRETS = {"", "dev", "changeme", "change-me", "secret", "development"}


class ConfigError(RuntimeError):
    """Raised when the app must not start with the settings it was given."""


def load(app: Flask, overrides: dict | None) -> None:
    """Fill app.config and check it is safe for the environment it names."""

    app.config.from_pyfile(str(ROOT / "config" / "default.py"))
    from_environment(app.config, os.environ)
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
    if env == "production" and "PUSH_WORKER_INPROCESS" not in (overrides or {}) \
            and "WATCH_PUSH_WORKER_INPROCESS" not in os.environ:
        app.config["PUSH_WORKER_INPROCESS"] = False  # production runs workers of its own (python -m watch.push)
    _database_url(app, env)
    _secret_key(app, env)


#: Settings whose default (None) does not tell their type; every other setting has its default's type.
TYPES: dict[str, type] = {}


def setting_type(key: str, default) -> type:
    """The type of a setting: declared in TYPES, else its default's type; None defaults are strings."""
    return TYPES.get(key) or (str if default is None else type(default))


def parse(key: str, raw: str, kind: type):
    """A WATCH_* value as the setting's type; ConfigError (one line) when it is not one."""
    import json

    def bad(what: str):
        return ConfigError(f"WATCH_{key} must be {what}, not {raw!r}")

    if kind is str:
        return raw
    if kind is bool:
        value = raw.strip().lower()
        if value in ("1", "true", "yes", "on"):
            return True
        if value in ("0", "false", "no", "off"):
            return False
        raise bad("true or false")
    if kind in (int, float):
        try:
            return kind(raw.strip())
        except ValueError:
            raise bad("an integer" if kind is int else "a number") from None
    try:
        value = json.loads(raw)
    except ValueError:
        raise bad(f"a JSON {kind.__name__}") from None
    if kind in (list, tuple) and isinstance(value, list):
        return kind(value)
    if not isinstance(value, kind):
        raise bad(f"a JSON {kind.__name__}")
    return value


def from_environment(config, environ) -> None:
    """Apply WATCH_<KEY> variables, each parsed as its setting's type (strings stay strings)."""
    for name, raw in sorted(environ.items()):
        if not name.startswith("WATCH_") or "__" in name:
            continue
        key = name.removeprefix("WATCH_")
        config[key] = parse(key, raw, setting_type(key, config.get(key)))


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
