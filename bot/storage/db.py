"""The database: an async engine from ``database_url`` and migrations to head on open."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from mixlingo.errors import ConfigError

MIGRATIONS = Path(__file__).parent / "migrations"

# Sync URLs people write → the async driver the bot uses. PostgreSQL lands in a later issue.
_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}


def async_url(url: str) -> str:
    try:
        parsed = make_url(url)
    except Exception:
        raise ConfigError(f"MIXLINGO_DATABASE_URL={url!r} is not a database URL; write e.g. sqlite:///path/to/mixlingo.db") from None
    driver = _ASYNC_DRIVERS.get(parsed.drivername, parsed.drivername)
    return parsed.set(drivername=driver).render_as_string(hide_password=False)


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic configured in code, so no alembic.ini is needed at run time."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection) -> None:
    command.upgrade(alembic_config(connection), "head")


@dataclass
class Database:
    engine: AsyncEngine

    async def migrate(self) -> None:
        async with self.engine.begin() as connection:
            await connection.run_sync(_upgrade)

    async def close(self) -> None:
        await self.engine.dispose()


async def open_database(url: str) -> Database:
    """Connect and bring the schema to the latest migration (creating a SQLite file's folder)."""
    full = async_url(url)
    parsed = make_url(full)
    if parsed.drivername.startswith("sqlite") and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    connect_args = {"timeout": 30} if parsed.drivername.startswith("sqlite") else {}
    try:
        engine = create_async_engine(full, connect_args=connect_args)
    except Exception as error:  # unknown driver, missing DB-API package
        raise ConfigError(f"MIXLINGO_DATABASE_URL: cannot use {url!r}: {error}") from None
    database = Database(engine)
    await database.migrate()
    return database
