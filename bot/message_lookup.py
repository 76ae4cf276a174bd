"""Reading one Slack message back by channel and ts: a reaction's target, a button's original."""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient


async def fetch_message(client: AsyncWebClient, channel: str, ts: str) -> dict[str, Any] | None:
    """One message by channel and ts; thread replies are not in the history, so ask replies too."""
    history = await client.conversations_history(channel=channel, latest=ts, oldest=ts, inclusive=True, limit=1)
    for message in history.get("messages") or []:
        if message.get("ts") == ts:
            return message
    replies = await client.conversations_replies(channel=channel, ts=ts, latest=ts, oldest=ts, inclusive=True, limit=1)
    for message in replies.get("messages") or []:
        if message.get("ts") == ts:
            return message
    return None
