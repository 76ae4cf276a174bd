"""Migrations create exactly the models' schema (slack_sdk's tables included); records dedupe by constraint.

Every test here runs twice: on SQLite and on PostgreSQL (``database_url`` in tests/services.py).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from mixlingo.bot.storage import Repository, open_database
from mixlingo.bot.storage.db import async_url
from mixlingo.bot.storage.models import all_metadata
from mixlingo.core.errors import ConfigError


async def test_migrations_match_the_models_and_are_idempotent(database_url: str) -> None:
    database = await open_database(database_url)
    await database.migrate()  # a second run is a no-op
    try:
        async with database.engine.connect() as connection:
            def diff(sync_connection):
                context = MigrationContext.configure(sync_connection)
                return compare_metadata(context, all_metadata()), inspect(sync_connection).get_table_names()

            differences, tables = await connection.run_sync(diff)
        assert differences == []
        assert {"slack_installations", "slack_bots", "slack_oauth_states", "mixlingo_translations",
                "mixlingo_channel_settings", "mixlingo_user_settings", "mixlingo_failed_jobs",
                "alembic_version"} <= set(tables)
    finally:
        await database.close()


async def test_sqlite_folder_is_created(tmp_path: Path) -> None:
    database = await open_database(f"sqlite:///{tmp_path / 'deep' / 'folder' / 'm.db'}")
    await database.close()
    assert (tmp_path / "deep" / "folder" / "m.db").is_file()


async def test_only_one_of_many_concurrent_claims_wins(database_url: str) -> None:
    database = await open_database(database_url)
    repo = Repository(database.engine)
    try:
        claims = await asyncio.gather(*[repo.claim("T", "C", "1.1", "en", origin="reaction", requested_by=f"U{i}")
                                        for i in range(8)])
        winners = [c for c in claims if c is not None]
        assert len(winners) == 1
        other = await repo.claim("T", "C", "1.1", "es", origin="reaction")  # another target is another record
        assert other is not None
        await repo.release(winners[0].id)  # a failed post frees the slot
        assert await repo.claim("T", "C", "1.1", "en", origin="auto") is not None
    finally:
        await database.close()


async def test_settings_upsert(database_url: str) -> None:
    database = await open_database(database_url)
    repo = Repository(database.engine)
    try:
        assert (await repo.channel("T", "C")).auto_translate is False
        await asyncio.gather(*[repo.set_channel("T", "C", auto_translate=True, languages=("es", "en"), by="U1") for _ in range(4)])
        await repo.set_channel("T", "C", auto_translate=False, languages=None, by="U2")
        config = await repo.channel("T", "C")
        assert config.auto_translate is False and config.languages == ("es", "en")
    finally:
        await database.close()


def test_database_urls() -> None:
    assert async_url("sqlite:///x.db") == "sqlite+aiosqlite:///x.db"
    assert async_url("postgresql://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert async_url("postgres://u@h:5432/db") == "postgresql+psycopg://u@h:5432/db"
    with pytest.raises(ConfigError, match="MIXLINGO_DATABASE_URL"):
        async_url("not a url")
