"""Behind a load balancer (WATCH_PROXY_HOPS) rate limits count per client, not per proxy (issue 9.6)."""
from __future__ import annotations

import pytest


@pytest.fixture
def config(config):
    config.update(PROXY_HOPS=1, RATELIMIT_LOGIN="2 per minute")
    return config


def _login(client, n, client_ip):
    return client.post("/account/login", data={"email": f"nobody{n}@example.se", "password": "wrong password here"},
                       headers={"X-Forwarded-For": client_ip}, environ_base={"REMOTE_ADDR": "10.0.0.2"})


def test_limits_count_per_client_behind_the_proxy(client):
    assert [_login(client, n, "203.0.113.7").status_code != 429 for n in range(2)] == [True, True]
    assert _login(client, 3, "203.0.113.7").status_code == 429
    assert _login(client, 4, "198.51.100.9").status_code != 429  # another client, same proxy


def test_default_trusts_no_proxy(tmp_path, database_url):
    from tests.conftest import make_test_config
    from watch import create_app

    app = create_app({**make_test_config(tmp_path, database_url), "RATELIMIT_LOGIN": "2 per minute"})
    from sqlmodel import SQLModel

    from watch.core import db

    SQLModel.metadata.create_all(db.engine(app))
    client = app.test_client()
    for n in range(2):
        _login(client, n, "203.0.113.7")
    assert _login(client, 3, "198.51.100.9").status_code == 429  # a forged header does not dodge the limit
