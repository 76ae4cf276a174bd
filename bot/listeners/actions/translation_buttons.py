"""The "Show tags" and "Show original" buttons under a translation: answered privately to the clicker."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from mixlingo.bot.blocks import SHOW_ORIGINAL, SHOW_TAGS, notice, original_blocks, tags_blocks
from mixlingo.bot.context import Bot, ack_now
from mixlingo.bot.message_lookup import fetch_message
from mixlingo.bot.slack_text import message_text


async def original_of(client: AsyncWebClient, value: str) -> tuple[str | None, bool]:
    """(the original text, whether it was shortened) from a button value; None when it is gone."""
    try:
        ref = json.loads(value or "{}")
    except json.JSONDecodeError:
        return None, False
    if "t" in ref:
        return ref["t"], bool(ref.get("cut"))
    message = await fetch_message(client, ref.get("ch", ""), ref.get("ts", ""))
    return (message_text(message) if message else None), False


def register(app: AsyncApp, bot: Bot) -> None:
    async def run_show(action: dict[str, Any], respond: Any, client: AsyncWebClient) -> None:
        text, cut = await original_of(client, action.get("value", ""))
        if not text:
            await respond(response_type="ephemeral", replace_original=False, text="The original message is no longer there.")
            return
        if action["action_id"] == SHOW_ORIGINAL:
            await respond(response_type="ephemeral", replace_original=False, text=text, blocks=original_blocks(text, cut=cut))
            return
        outcome = await bot.service.tag(text)
        blocks = tags_blocks(outcome) if outcome.message else notice(outcome.error or "Could not tag the message.")
        await respond(response_type="ephemeral", replace_original=False, text="Tags", blocks=blocks)

    for action_id in (SHOW_TAGS, SHOW_ORIGINAL):
        app.action(action_id)(ack=ack_now, lazy=[bot.lazy(run_show)])
