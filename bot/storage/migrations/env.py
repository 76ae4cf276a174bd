"""Alembic environment. Run by the app on a live connection, or by the ``alembic`` CLI."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.ext.asyncio import create_async_engine

from mixlingo.bot.storage.models import all_metadata

target_metadata = all_metadata()


def run_on(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


async def run_from_settings() -> None:
    from mixlingo.bot.storage.db import async_url
    from mixlingo.config import load_settings

    engine = create_async_engine(async_url(load_settings().scale_out.database_url))
    async with engine.begin() as connection:
        await connection.run_sync(run_on)
    await engine.dispose()


connection = context.config.attributes.get("connection")
if connection is not None:
    run_on(connection)
else:
    asyncio.run(run_from_settings())
