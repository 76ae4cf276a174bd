"""The PostgreSQL and Redis servers the machine runs, for the storage and queue tests.

Absent servers skip those tests with the reason locally, and fail them in CI
(``CI=true``), so a CI run can never pass by silently skipping them.
Each test gets its own PostgreSQL database and its own Redis queue name.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
HOW = "start PostgreSQL (trust auth, database `test`) and Redis on 127.0.0.1, or set TEST_POSTGRES_URL / TEST_REDIS_URL"


def unavailable(service: str, why: str) -> None:
    message = f"{service} is not reachable ({why}); {HOW}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true requires {message}", pytrace=False)
    pytest.skip(message)


def _connect_pg(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True, connect_timeout=3)


@contextmanager
def fresh_postgres() -> Iterator[str]:
    """A new, empty database on the test server (dropped afterwards); yields its SQLAlchemy URL."""
    try:
        admin = _connect_pg(POSTGRES_URL)
    except Exception as error:
        unavailable(f"PostgreSQL at {POSTGRES_URL}", str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__)
    name = f"mixlingo_t_{secrets.token_hex(5)}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        base = POSTGRES_URL.rsplit("/", 1)[0]
        try:
            yield f"{base}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def redis_or_skip() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
    except Exception as error:
        unavailable(f"Redis at {REDIS_URL}", str(error))
    return REDIS_URL


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each storage test runs on both: a SQLite file and a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'mixlingo.db'}"
        return
    with fresh_postgres() as url:
        yield url


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with fresh_postgres() as url:
        yield url


@pytest.fixture
def redis_url() -> str:
    return redis_or_skip()


@pytest.fixture
def queue_name() -> Iterator[str]:
    """A private queue, deleted afterwards, so runs on one Redis never see each other's jobs."""
    name = f"mixlingo-test-{secrets.token_hex(4)}"
    yield name
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        client.delete(name)
    except Exception:
        pass
