"""slack_sdk's own retry handlers on every Web API client: 429 (honouring Retry-After), 5xx, connection errors.

Except where a repeat could post twice (below). What is still failing after these is the job's business (``bot/jobs/errors.py``):
it is retried with backoff, then recorded as failed.
"""

from __future__ import annotations

from aiohttp import ClientConnectorError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.http_retry.jitter import RandomJitter


# A 5xx or a dropped connection may come *after* Slack posted the message: blindly sending chat.postMessage
# again could post twice. Those go back to the job instead, which looks the post up by its metadata key
# before trying again (bot/publish.py). A 429, or a connection that was never made, is safe to repeat.
NOT_IDEMPOTENT = ("chat.postMessage",)


def _idempotent(request) -> bool:
    return not str(getattr(request, "url", "")).endswith(NOT_IDEMPOTENT)


class _ServerErrors(AsyncServerErrorRetryHandler):
    """slack_sdk retries 500 and 503; a proxy in front of Slack can answer 502 and 504 too."""

    async def _can_retry_async(self, *, state, request, response=None, error=None) -> bool:
        return response is not None and response.status_code in (500, 502, 503, 504) and _idempotent(request)


class _ConnectionErrors(AsyncConnectionErrorRetryHandler):
    async def _can_retry_async(self, *, state, request, response=None, error=None) -> bool:
        if error is None or not any(isinstance(error, t) for t in self.error_types_to_do_retries):
            return False
        return _idempotent(request) or isinstance(error, ClientConnectorError)  # never connected: never posted


def retry_handlers(*, attempts: int = 4, backoff: float = 0.5) -> list[AsyncRetryHandler]:
    interval = BackoffRetryIntervalCalculator(backoff_factor=backoff, jitter=RandomJitter())
    return [
        _ConnectionErrors(max_retry_count=attempts, interval_calculator=interval),
        AsyncRateLimitErrorRetryHandler(max_retry_count=attempts),
        _ServerErrors(max_retry_count=attempts, interval_calculator=interval),
    ]
