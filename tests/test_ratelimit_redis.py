"""Rate limits shared across app servers through Redis (WATCH_RATELIMIT_STORAGE_URI)."""
from __future__ import annotations

import uuid

import pytest
from sqlmodel import SQLModel

from watch import create_app
from watch.core import db as wdb

REDIS_URL = "redis://127.0.0.1:6379/0"


def _redis_up() -> bool:
    try:
        import redis

        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except Exception:
        return False


def _attempts(app, n: int) -> list[int]:
    client = app.test_client()
    return [client.post("/account/login", data={"email": "x@example.se", "password": "fel lösenord"}).status_code for _ in range(n)]


def _second_server_refuses(config, storage: str) -> list[int]:
    config.update(RATELIMIT_STORAGE_URI=storage, RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex}")
    first = create_app(dict(config))
    SQLModel.metadata.create_all(wdb.engine(first))
    before = _attempts(first, 10)
    # A second server starts with fresh process state: only shared storage remembers.
    second = create_app(dict(config))
    after = _attempts(second, 2)
    for app in (first, second):
        wdb.engine(app).dispose()
    assert before == [422] * 10
    return after


@pytest.mark.skipif(not _redis_up(), reason="no Redis at 127.0.0.1:6379 (redis-server --daemonize yes)")
def test_redis_shares_the_login_limit_between_servers(config):
    assert _second_server_refuses(config, REDIS_URL) == [429, 429]


def test_memory_storage_is_per_process(config):
    assert _second_server_refuses(config, "memory://") == [422, 422]
