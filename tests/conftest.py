"""Fixtures: an app with its own database per test, on SQLite or PostgreSQL.

SQLite (default): a fresh database file per test. PostgreSQL (when
WATCH_TEST_DATABASE_URL is set): one schema per test run, so two runs never
collide, with every table emptied after each test.
"""
from __future__ import annotations

import contextvars
import itertools
import os
import re
import uuid
from urllib.parse import quote

import pytest
from flask import g
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlmodel import SQLModel

from watch import create_app
from watch.core import db as wdb
from watch.core.time import utcnow

PG_URL = os.environ.get("WATCH_TEST_DATABASE_URL")
PASSWORD = "korv med bröd och senap"
_counter = itertools.count(1)


def _with_search_path(url: str, schema: str) -> str:
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture(scope="session")
def pg_schema_url():
    """On PostgreSQL: a schema of our own for the whole run, dropped at the end."""
    if not PG_URL:
        yield None
        return
    schema = f"t_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = _with_search_path(PG_URL, schema)
    engine = create_engine(url)
    _import_all_models()
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _import_all_models() -> None:
    # Building one app imports every domain's models into the metadata.
    create_app({"ENV": "testing", "DATABASE_URL": "sqlite://", "SECRET_KEY": "x" * 40})


def make_test_config(tmp_path, database_url: str) -> dict:
    """Settings for a test app; tests may update the dict before create_app."""
    return {
        "ENV": "testing",
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-123",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "WTF_CSRF_ENABLED": False,
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        "ARGON2_PARALLELISM": 1,
        "PUSH_WORKER_INPROCESS": False,
        "RATELIMIT_STORAGE_URI": "memory://",
    }


@pytest.fixture
def database_url(tmp_path, pg_schema_url):
    """A database of this test's own."""
    if pg_schema_url:
        yield pg_schema_url
        engine = create_engine(pg_schema_url)
        tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
    else:
        yield f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def config(tmp_path, database_url) -> dict:
    """The test app's settings; override keys in a test before using `app`."""
    return make_test_config(tmp_path, database_url)


class IsolatedClient(FlaskClient):
    """Runs each request in a fresh context, as production does.

    Flask would otherwise reuse the test's app context, sharing `g` (the
    logged-in user, the database session) between the test and every request.
    """

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        test_session = g.get("db_session") if g else None
        if test_session is not None and not (test_session.new or test_session.dirty or test_session.deleted):
            test_session.rollback()  # end the test's read snapshot: see what the request wrote
        return response


@pytest.fixture
def app(config):
    """A fresh app on a fresh database."""
    application = create_app(config)
    application.test_client_class = IsolatedClient
    if not PG_URL:
        SQLModel.metadata.create_all(wdb.engine(application))
    with application.app_context():
        yield application
    wdb.engine(application).dispose()


@pytest.fixture
def client(app):
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner."""
    return app.test_cli_runner()


@pytest.fixture
def session(app):
    """The app context's database session."""
    return wdb.get_session()


@pytest.fixture
def make_user(app, session):
    """Factory: make_user(police=True, admin=True, municipality=..., email=..., name=...).

    Users have a confirmed e-mail address unless made with email_verified_at=None.
    """
    from watch.accounts import service

    def make(email=None, name=None, password=PASSWORD, police=False, admin=False, municipality=None, **extra):
        n = next(_counter)
        user = service.register(session, email=email or f"user{n}@example.se", display_name=name or f"Person {n}", password=password)
        user.is_police, user.is_admin = police, admin
        user.municipality = municipality
        user.email_verified_at = utcnow()
        for key, value in extra.items():
            setattr(user, key, value)
        session.add(user)
        session.commit()
        return user

    return make


@pytest.fixture
def make_area(session, make_user):
    """Factory: make_area(name=..., status="active", kind=..., at=(lon, lat), size=..., box=..., contact=user,
    municipality=...) -> Area, through the areas service (tests/factories.py)."""
    from tests.factories import create_area

    def make(name="Östra Bergen", **kw):
        if kw.get("contact") is None:
            kw["contact"] = make_user()
        return create_area(session, name=name, **kw)

    return make


class Auth:
    """Log a test client in and out."""

    def __init__(self, client):
        self.client = client

    def login(self, user, password=PASSWORD, remember=False):
        """Through the real login form."""
        return self.client.post("/account/login", data={"email": user.email, "password": password, "remember": "y" if remember else ""})

    def as_user(self, user):
        """Fast path: start a server-side session and put it in the cookie directly."""
        from watch.accounts import sessions

        identity = sessions.start(wdb.get_session(), user)
        with self.client.session_transaction() as sess:
            sess["_user_id"] = identity
            sess["_fresh"] = True
        return user

    def logout(self):
        """Through the real logout."""
        return self.client.post("/account/logout")


@pytest.fixture
def auth(client):
    """Auth helper for the `client` fixture."""
    return Auth(client)


def slug(value: str) -> str:
    """A test-id friendly form of a string."""
    return re.sub(r"\W+", "-", value).strip("-")[:40]
