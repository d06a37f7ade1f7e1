"""What every benchmark shares: sizes that argparse checks, the smoke size, a PostgreSQL schema of its own.

Not a benchmark itself: `make bench` runs bench/*.py, and this package sits below it.
"""
from __future__ import annotations

import argparse
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

from sqlalchemy import create_engine, text

#: The PostgreSQL the benchmarks use (as the tests and CI do); each run works in a schema of its own.
PG_URL = os.environ.get("WATCH_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def count(value: str) -> int:
    """argparse type: a whole number of at least 1 (a size, a number of repeats)."""
    return at_least(1)(value)


def at_least(low: int):
    """argparse type: a whole number of at least `low`."""
    def check(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
        if number < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}, not {number}")
        return number
    return check


def counts(low: int = 1):
    """argparse type: comma-separated whole numbers of at least `low` ("50,100,200")."""
    one = at_least(low)

    def check(value: str) -> tuple[int, ...]:
        numbers = tuple(one(part.strip()) for part in value.split(","))
        if len(set(numbers)) != len(numbers):
            raise argparse.ArgumentTypeError(f"a size twice: {value!r}")
        return numbers
    return check


def non_negative(value: str) -> float:
    """argparse type: a number of 0 or more (seconds, milliseconds)."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not number >= 0 or number == float("inf"):
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return number


def parse(parser: argparse.ArgumentParser, smoke: dict, argv: list[str] | None = None) -> argparse.Namespace:
    """Add --smoke (the `smoke` defaults instead of the full size; options given still win) and parse."""
    sizes = " ".join(f"--{k.replace('_', '-')} {','.join(map(str, v)) if isinstance(v, tuple) else v}" for k, v in smoke.items())
    parser.add_argument("--smoke", action="store_true",
                        help="a run of seconds that checks the benchmark still works; its figures mean little"
                             + (f" (as {sizes})" if sizes else ""))
    if parser.parse_known_args(argv)[0].smoke:
        parser.set_defaults(**smoke)
    return parser.parse_args(argv)


def postgres_reachable(url: str = PG_URL) -> bool:
    """Whether PostgreSQL answers at `url` (within a few seconds)."""
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 (any failure to connect means "not here")
        return False
    finally:
        engine.dispose()


def with_search_path(url: str, schema: str) -> str:
    """The URL with every connection's search_path set to `schema`."""
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options={quote(f'-csearch_path={schema}')}"


@contextmanager
def own_schema(url: str, prefix: str) -> Iterator[str]:
    """A new schema in the PostgreSQL database at `url`, dropped afterwards; yields a URL that works inside it."""
    schema = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield with_search_path(url, schema)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
