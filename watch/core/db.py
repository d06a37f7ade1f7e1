"""Database engine, the per-request session, and helpers shared by every domain.

Times are timezone-aware UTC (`watch.core.time.utcnow()`); SQLModel stores them as UTC and
returns them aware on SQLite and PostgreSQL alike.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Annotated, Iterator

from werkzeug.routing import IntegerConverter
from flask import Flask, current_app, g
from pydantic import Field as PydanticField
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

EXT = "watch.core.db"


def make_engine(url: str, echo: bool = False) -> Engine:
    """An engine with the settings this project relies on for each backend."""
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=20)


def init_app(app: Flask) -> None:
    """Attach the engine and close the request session on teardown."""
    app.extensions[EXT] = make_engine(app.config["DATABASE_URL"], app.config.get("DATABASE_ECHO", False))
    app.teardown_appcontext(_close_session)


def engine(app: Flask | None = None) -> Engine:
    """The app's engine."""
    return (app or current_app).extensions[EXT]


def get_session() -> Session:
    """The session of the current app context (one per request or CLI call)."""
    if "db_session" not in g:
        g.db_session = Session(engine(), expire_on_commit=False)
    return g.db_session


def _close_session(_exc=None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


@contextmanager
def session_scope(app: Flask | None = None) -> Iterator[Session]:
    """A session outside requests (worker, CLI): commit on success, roll back on error."""
    session = Session(engine(app), expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


#: The largest id every supported database stores (PostgreSQL's integer).
MAX_ID = 2**31 - 1

#: An id in a JSON body or query string: beyond the database's range it is a 422, never a 500.
DbId = Annotated[int, PydanticField(ge=-MAX_ID - 1, le=MAX_ID)]


class DatabaseIntConverter(IntegerConverter):
    """`<int:...>` in every route: ids beyond the database's integer range do not match (404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002 (werkzeug's names)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
