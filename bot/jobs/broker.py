"""The broker's Redis client, shared by the queue (its depth) and the journal (its records).

A leaf of ``bot/jobs``: the queue imports the journal, so what both need of Redis lives here.
"""

from __future__ import annotations

from functools import lru_cache

from mixlingo.config import ScaleOutSettings


@lru_cache(maxsize=8)
def redis_client(url: str):
    """One client (connection pool) per broker URL and process, with short timeouts: callers answer fast or fail."""
    import redis

    return redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)


def redis_broker(scale_out: ScaleOutSettings):
    """The broker's Redis client, or None when the broker is not Redis."""
    url = scale_out.broker_url or ""
    return redis_client(url) if url.startswith(("redis://", "rediss://")) else None
