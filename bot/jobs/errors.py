"""Which failures a later try can fix, and how long to wait before it.

Slack's 429/5xx and connection errors are first retried inside slack_sdk
(see ``bot/slack_retry.py``); what still fails comes here, and the job is tried
again with exponential backoff. Everything else (a bug, ``channel_not_found``)
fails at once and is recorded, never retried forever nor dropped.
"""

from __future__ import annotations

import asyncio
import random

from aiohttp import ClientError
from slack_sdk.errors import SlackApiError

from mixlingo.bot.storage.db import is_database_down, is_unavailable


class RetryableError(Exception):
    """A condition that goes away by itself (someone else's translation is still being made…)."""


class TranslationPending(RetryableError):
    """An edit arrived while the translation it updates is still being posted: try again shortly."""


class JobNotRun(RetryableError):
    """bolt did not reach the listener (authorization failed, the database was down…)."""


_RETRYABLE_SLACK = {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}


def is_retryable(error: BaseException) -> bool:
    if isinstance(error, (RetryableError, ClientError, asyncio.TimeoutError, TimeoutError, ConnectionError)):
        return True
    if isinstance(error, SlackApiError):
        status = getattr(error.response, "status_code", 200)
        return status == 429 or status >= 500 or error.response.get("error") in _RETRYABLE_SLACK
    return is_unavailable(error)


def error_kind(error: BaseException) -> str:
    """The ``kind`` label of ``mixlingo_errors_total`` for a failed job, from the error's type."""
    if is_database_down(error):
        return "database_unavailable"
    kinds: list[tuple[type[BaseException] | tuple[type[BaseException], ...], str]] = [
        (SlackApiError, "slack_api"),
        (TranslationPending, "pending"),
        (JobNotRun, "not_run"),
        (TimeoutError, "timeout"),  # before ClientError: aiohttp's timeouts are both
        ((ClientError, ConnectionError), "network"),
    ]
    return next((kind for types, kind in kinds if isinstance(error, types)), "job")


def backoff(attempt: int, *, base: float = 1.0, cap: float = 60.0) -> float:
    """Seconds before try ``attempt + 1``: 1, 2, 4… up to ``cap``, with jitter so retries do not stampede."""
    return min(cap, base * 2**attempt) * (0.75 + random.random() / 2)


def describe(error: BaseException) -> str:
    if isinstance(error, SlackApiError):
        url = str(getattr(error.response, "api_url", "")).rsplit("/", 1)[-1]
        return f"SlackApiError: {error.response.get('error')} ({url}, HTTP {error.response.status_code})"
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text}"[:500] if text else type(error).__name__
