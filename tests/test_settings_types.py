"""Typed settings (issue 9.7): strings stay strings, numbers and switches are checked at start-up."""
from __future__ import annotations

import pytest

from watch import create_app
from watch.core.settings import ConfigError


def _app(monkeypatch, config, **env):
    for key, value in env.items():
        monkeypatch.setenv(f"WATCH_{key}", value)
    return create_app(config)


def test_a_numeric_secret_key_stays_a_string(monkeypatch, config):
    config.pop("SECRET_KEY")
    app = _app(monkeypatch, config, SECRET_KEY="12345678901234567890123456789012345")
    assert app.config["SECRET_KEY"] == "12345678901234567890123456789012345"


def test_strings_with_none_defaults_stay_strings(monkeypatch, config):
    app = _app(monkeypatch, config, PUBLIC_URL="123", MAIL_PASSWORD="true")
    assert app.config["PUBLIC_URL"] == "123" and app.config["MAIL_PASSWORD"] == "true"


def test_numbers_and_switches_are_parsed(monkeypatch, config):
    app = _app(monkeypatch, config, ALERTS_EXPIRE_HOURS="48", RATELIMIT_ENABLED="false", PROXY_HOPS="2")
    assert app.config["ALERTS_EXPIRE_HOURS"] == 48 and app.config["RATELIMIT_ENABLED"] is False
    assert app.config["PROXY_HOPS"] == 2


@pytest.mark.parametrize("key,value,message", [
    ("ALERTS_EXPIRE_HOURS", "many", "WATCH_ALERTS_EXPIRE_HOURS must be an integer, not 'many'"),
    ("RATELIMIT_ENABLED", "perhaps", "WATCH_RATELIMIT_ENABLED must be true or false, not 'perhaps'"),
    ("PROXY_HOPS", "1.5", "WATCH_PROXY_HOPS must be an integer, not '1.5'"),
    ("LANGUAGES", "sv,en", "WATCH_LANGUAGES must be a JSON list, not 'sv,en'"),
])
def test_a_bad_value_stops_start_up_with_one_line(monkeypatch, config, key, value, message):
    with pytest.raises(ConfigError) as exc:
        _app(monkeypatch, config, **{key: value})
    assert str(exc.value) == message and "\n" not in str(exc.value)


def test_in_process_worker_is_off_in_production_on_in_development(monkeypatch, tmp_path):
    from watch.core import settings
    from flask import Flask

    for env, expected in (("production", False), ("development", True)):
        app = Flask(__name__, instance_path=str(tmp_path / env))
        settings.load(app, {"ENV": env, "DATABASE_URL": "sqlite://", "SECRET_KEY": "k" * 40})
        assert app.config["PUSH_WORKER_INPROCESS"] is expected, env
