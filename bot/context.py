"""What every listener needs, in one object: settings, the translation service, storage."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from mixlingo.bot.flags import FlagTable
from mixlingo.bot.service import TranslationService
from mixlingo.bot.storage import Repository
from mixlingo.config import Settings

log = logging.getLogger("mixlingo.bot")


class Inflight:
    """Counts lazy-listener work in progress, so shutdown and tests can wait for it to finish."""

    def __init__(self) -> None:
        self.count = 0

    def track(self, function: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        @functools.wraps(function)  # bolt injects arguments by the wrapped function's names
        async def tracked(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            try:  # failures are the job runner's business: it retries or records them (bot/jobs)
                return await function(*args, **kwargs)
            finally:
                self.count -= 1

        return tracked

    async def idle(self) -> None:
        while self.count:
            await asyncio.sleep(0.01)


@dataclass
class Bot:
    settings: Settings
    service: TranslationService
    repo: Repository
    flags: FlagTable = field(init=False)
    inflight: Inflight = field(default_factory=Inflight)

    def __post_init__(self) -> None:
        self.flags = FlagTable(self.settings.flag_languages)

    def lazy(self, function: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        return self.inflight.track(function)


def team_of(context: Any, body: dict[str, Any] | None = None) -> str:
    """The workspace a request belongs to (enterprise installs fall back to the enterprise id)."""
    team = getattr(context, "team_id", None) or (context.get("team_id") if hasattr(context, "get") else None)
    if not team and body:
        team = body.get("team_id") or (body.get("team") or {}).get("id")
    return team or getattr(context, "enterprise_id", None) or "-"


async def ack_now(ack: Callable[..., Awaitable[Any]]) -> None:
    """Acknowledge at once; the work happens in a lazy listener, off Slack's 3-second clock."""
    await ack()
