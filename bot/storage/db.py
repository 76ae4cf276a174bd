"""The database: an async engine from ``database_url`` and migrations to head on open.

SQLite (aiosqlite) for the one-process default, PostgreSQL (psycopg 3) when
several front ends and workers share one database. Migrations take a
PostgreSQL advisory lock, so processes starting together do not race.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from mixlingo.config.secrets import mask_url
from mixlingo.core.errors import ConfigError

MIGRATIONS = Path(__file__).parent / "migrations"
_MIGRATION_LOCK = 0x6D69786C  # "mixl": one advisory lock id for every mixlingo process

# Sync URLs people write → the async driver the bot uses.
_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
    "postgresql+psycopg2": "postgresql+psycopg",
}


class DatabaseUnavailable(ConfigError):
    """The database server cannot be reached (down, restarting, wrong host or port)."""


def async_url(url: str) -> str:
    try:
        parsed = make_url(url)
    except Exception as error:
        raise ConfigError(f"MIXLINGO_DATABASE_URL={mask_url(repr(url))} is not a database URL; write e.g. sqlite:///path/to/mixlingo.db "
                          "or postgresql://user@127.0.0.1:5432/mixlingo") from error
    driver = _ASYNC_DRIVERS.get(parsed.drivername, parsed.drivername)
    return parsed.set(drivername=driver).render_as_string(hide_password=False)


def shown(url: str | URL) -> str:
    """The URL without its password, for messages and logs."""
    try:
        return make_url(str(url) if isinstance(url, URL) else url).render_as_string(hide_password=True)
    except Exception:
        return "(unparsable URL)"


def is_database_down(error: BaseException) -> bool:
    """True for the database's own "the server is not there right now" errors (SQLAlchemy's, or the
    async driver's ``OperationalError``/``InterfaceError`` when it escapes unwrapped)."""
    if isinstance(error, (OperationalError, InterfaceError)):
        return True
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return type(error).__name__ in ("OperationalError", "InterfaceError")


def is_unavailable(error: BaseException) -> bool:
    """True for errors a retry may fix: the database down, or a connection that failed or timed out."""
    return is_database_down(error) or isinstance(error, (ConnectionError, TimeoutError))


def unavailable(url: str, error: BaseException) -> DatabaseUnavailable:
    detail = str(getattr(error, "orig", None) or error).strip().splitlines()[0][:300]
    return DatabaseUnavailable(f"cannot reach the database at {shown(url)} ({detail}); is the server running, and is "
                               "MIXLINGO_DATABASE_URL right?")


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic configured in code, so no alembic.ini is needed at run time."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":  # held until this transaction commits
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
    command.upgrade(alembic_config(connection), "head")


@dataclass
class Database:
    engine: AsyncEngine

    async def migrate(self) -> None:
        try:
            async with self.engine.begin() as connection:
                await connection.run_sync(_upgrade)
        except Exception as error:
            if is_unavailable(error):
                raise unavailable(str(self.engine.url), error) from error
            raise

    async def close(self) -> None:
        await self.engine.dispose()


def create_engine(url: str) -> AsyncEngine:
    full = async_url(url)
    parsed = make_url(full)
    sqlite = parsed.drivername.startswith("sqlite")
    if sqlite and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    options: dict = {"connect_args": {"timeout": 30}} if sqlite else {
        "pool_pre_ping": True,  # a server restart leaves dead pooled connections: test each before use
        "pool_size": 5,
        "max_overflow": 10,
        "pool_timeout": 10,
        "connect_args": {"connect_timeout": 5},
    }
    try:
        return create_async_engine(full, **options)
    except Exception as error:  # unknown driver, missing DB-API package
        raise ConfigError(f"MIXLINGO_DATABASE_URL: cannot use {shown(url)!r}: {error}") from error


async def open_database(url: str, *, migrate: bool = True) -> Database:
    """Connect and bring the schema to the latest migration (creating a SQLite file's folder)."""
    database = Database(create_engine(url))
    if migrate:
        try:
            await database.migrate()
        except BaseException:
            await database.close()
            raise
    return database
