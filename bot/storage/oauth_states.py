"""OAuth ``state`` values that go away: each expires after 10 minutes, and expired ones are deleted.

slack_sdk's store refuses an expired state but never deletes it, so every
unauthenticated visit to ``/slack/install`` left a row behind for good. Here
each new state first deletes the expired ones: the table holds at most the
last ten minutes of visits.
"""

from __future__ import annotations

from datetime import datetime, UTC

from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.oauth.sqlalchemy_utils import normalize_datetime_for_db

STATE_SECONDS = 600


class ExpiringOAuthStateStore(AsyncSQLAlchemyOAuthStateStore):
    def __init__(self, engine, expiration_seconds: int = STATE_SECONDS):
        super().__init__(expiration_seconds=expiration_seconds, engine=engine)

    async def async_issue(self, *args, **kwargs) -> str:
        await self.prune()
        return await super().async_issue(*args, **kwargs)

    async def prune(self) -> int:
        """Delete expired states; returns how many."""
        now = normalize_datetime_for_db(datetime.now(tz=UTC))
        async with self.engine.begin() as conn:
            result = await conn.execute(self.oauth_states.delete().where(self.oauth_states.c.expire_at <= now))
        return result.rowcount or 0
