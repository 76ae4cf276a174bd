"""A failed job's metrics kind comes from the error's type (subclasses included), never from its name."""

from __future__ import annotations


import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_slack_response import AsyncSlackResponse
from sqlalchemy.exc import OperationalError

from mixlingo.bot.jobs.errors import JobNotRun, TranslationPending, error_kind


def _slack_error() -> SlackApiError:
    response = AsyncSlackResponse(client=None, http_verb="POST", api_url="https://slack.com/api/chat.postMessage",
                                  req_args={}, data={"ok": False, "error": "channel_not_found"}, headers={}, status_code=200)
    return SlackApiError("channel_not_found", response)


class ClientLookalike(Exception):
    """Named like a network error, but is not one: the name alone must not decide."""


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (_slack_error(), "slack_api"),
        (TranslationPending("still posting"), "pending"),
        (JobNotRun("bolt answered 401"), "not_run"),
        (TimeoutError(), "timeout"),
        (aiohttp.ServerTimeoutError("read timed out"), "timeout"),
        (aiohttp.ClientConnectorError.__new__(aiohttp.ClientConnectorError), "network"),
        (ConnectionRefusedError(111, "refused"), "network"),
        (OperationalError("SELECT 1", {}, ConnectionRefusedError("could not connect to server")), "database_unavailable"),
        (ClientLookalike("boom"), "job"),
        (ValueError("a bug"), "job"),
    ],
)
def test_error_kind_follows_the_type(error: BaseException, kind: str) -> None:
    assert error_kind(error) == kind
