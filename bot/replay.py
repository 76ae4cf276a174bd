"""Replay protection in front of bolt: a signed request is accepted once.

Slack's signature covers a timestamp, and bolt refuses anything older than five
minutes; within those five minutes a captured request could be sent again. This
middleware remembers every accepted signature for the window (in Redis when
several front ends share the work, else in memory) and refuses a second use.
Slack's own retries carry ``X-Slack-Retry-Num`` and go through: the job's
idempotence key makes them post nothing twice.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from aiohttp import web
from slack_sdk.signature import SignatureVerifier

from mixlingo.bot import metrics

WINDOW = 60 * 5
SIGNED_PATHS = ("/slack/events",)


class MemorySeen:
    """Signatures seen in this process (one front end)."""

    def __init__(self, limit: int = 200_000):
        self.seen: dict[str, float] = {}
        self.limit = limit

    async def first_use(self, key: str, ttl: int) -> bool:
        now = time.monotonic()
        if len(self.seen) >= self.limit:
            self.seen = {k: t for k, t in self.seen.items() if t > now}
        expires = self.seen.get(key)
        if expires is not None and expires > now:
            return False
        self.seen[key] = now + ttl
        return True


class RedisSeen:
    """Signatures seen by any front end sharing this Redis (SET NX with expiry: atomic)."""

    def __init__(self, url: str, prefix: str = "mixlingo:seen:"):
        import redis.asyncio

        self.client = redis.asyncio.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        self.prefix = prefix

    async def first_use(self, key: str, ttl: int) -> bool:
        return bool(await self.client.set(self.prefix + key, b"1", nx=True, ex=ttl))


def replay_guard(signing_secret: str, seen: MemorySeen | RedisSeen) -> Callable:
    verifier = SignatureVerifier(signing_secret)

    @web.middleware
    async def guard(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
        if request.method != "POST" or request.path not in SIGNED_PATHS:
            return await handler(request)
        body = await request.read()  # aiohttp keeps it: bolt's handler reads it again
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        if not timestamp.isdigit() or not signature or not verifier.is_valid(body, timestamp, signature):
            stale = timestamp.isdigit() and abs(time.time() - int(timestamp)) > WINDOW
            metrics.REJECTED.labels("stale" if stale else "signature").inc()
            return web.json_response({"error": "invalid request"}, status=401)
        if not request.headers.get("X-Slack-Retry-Num") and not await seen.first_use(signature, WINDOW + 60):
            metrics.REJECTED.labels("replayed").inc()
            return web.json_response({"error": "replayed request"}, status=401)
        return await handler(request)

    return guard
