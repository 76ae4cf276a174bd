"""Flag reactions: 🇪🇸 on a message posts its Spanish translation in the thread, exactly once."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from mixlingo.bot.blocks import nothing_to_do, problem
from mixlingo.bot.context import Bot, ack_now, team_of
from mixlingo.bot.jobs.keys import edit_version
from mixlingo.bot.languages import label, listing
from mixlingo.bot.message_lookup import fetch_message
from mixlingo.bot.publish import Source, publish
from mixlingo.bot.slack_text import message_text

log = logging.getLogger(__name__)


def register(app: AsyncApp, bot: Bot) -> None:
    async def run_reaction(event: dict[str, Any], client: AsyncWebClient, context: Any) -> None:
        target = bot.flags.language(event.get("reaction", ""))
        item = event.get("item") or {}
        if target is None or item.get("type") != "message":
            return  # an ordinary reaction, not a request
        channel, ts, user = item["channel"], item["ts"], event["user"]  # checked at ack (mixlingo.bot.payloads)
        if target not in bot.service.languages():
            await _tell(client, channel, user, f"mixlingo cannot translate into {label(target)} here. Supported: "
                        f"{listing(bot.service.languages())}.")
            return
        message = await fetch_message(client, channel, ts)
        if message is None or (message.get("bot_id") and message.get("bot_id") == context.bot_id):
            return  # gone, or one of mixlingo's own translations
        text = message_text(message)
        if not text:
            await _tell(client, channel, user, "That message has no text to translate.")
            return
        team = team_of(context, event)
        prefs = await bot.repo.user(team, user)
        source = Source(team, channel, ts, text, thread_ts=message.get("thread_ts") or ts)
        result, outcome = await publish(bot, client, source, target, origin="reaction",
                                        requested_by=user if prefs.show_requester else None,
                                        version=edit_version(message))
        if result == "error" and outcome is not None:
            await _tell(client, channel, user, problem(outcome))
        elif result == "nothing" and outcome is not None:
            await _tell(client, channel, user, nothing_to_do(outcome))

    app.event("reaction_added")(ack=ack_now, lazy=[bot.lazy(run_reaction)])


async def _tell(client: AsyncWebClient, channel: str, user: str | None, text: str) -> None:
    """A private note to the person who reacted, so a request is never silently dropped."""
    if user:
        await client.chat_postEphemeral(channel=channel, user=user, text=text)
