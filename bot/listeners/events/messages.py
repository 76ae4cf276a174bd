"""Message events: auto-translate new messages, and keep translations in step with edits and deletes.

Loops are impossible by construction: messages from any bot (mixlingo's own
translations included) are never auto-translated, and bolt drops mixlingo's own
events before they get here. Joins, topic changes and other channel events
(any subtype not listed below) and empty messages are skipped.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from mixlingo.bot import metrics
from mixlingo.bot.blocks import problem
from mixlingo.bot.context import Bot, ack_now, team_of
from mixlingo.bot.jobs.keys import edit_version
from mixlingo.bot.publish import Source, publish, remove_all, resync
from mixlingo.bot.slack_text import message_text

log = logging.getLogger(__name__)

HUMAN_SUBTYPES = {None, "thread_broadcast", "file_share", "me_message"}


def is_human(message: dict[str, Any]) -> bool:
    return (
        message.get("subtype") in HUMAN_SUBTYPES
        and not message.get("bot_id")
        and not message.get("bot_profile")
        and bool(message.get("user"))
    )


def register(app: AsyncApp, bot: Bot) -> None:
    async def run_message(event: dict[str, Any], client: AsyncWebClient, context: Any) -> None:
        team, channel = team_of(context, event), event["channel"]  # checked at ack (mixlingo.bot.payloads)
        subtype = event.get("subtype")
        if subtype == "message_deleted" or (subtype == "message_changed" and (event.get("message") or {}).get("subtype") == "tombstone"):
            ts = event.get("deleted_ts") or (event.get("previous_message") or {}).get("ts") or (event.get("message") or {}).get("ts")
            if ts:
                await remove_all(bot, client, team, channel, ts)
            return
        if subtype == "message_changed":
            await _edited(bot, client, team, channel, event)
            return
        if is_human(event):
            await _new(bot, client, team, channel, event)

    app.event("message")(ack=ack_now, lazy=[bot.lazy(run_message)])


async def _auto_targets(bot: Bot, team: str, channel: str, message: dict[str, Any]) -> tuple[tuple[str, ...], str]:
    """The languages this message should be auto-translated into ((), when none), and the output mode."""
    config = await bot.repo.channel(team, channel)
    mode = config.output_mode or bot.settings.autotranslate_output
    if not config.auto_translate or not is_human(message):
        return (), mode
    prefs = await bot.repo.user(team, message["user"])
    return (config.languages if prefs.auto_translate_mine else ()), mode


def _source(team: str, channel: str, message: dict[str, Any], text: str, mode: str) -> Source:
    ts = message["ts"]
    thread = message.get("thread_ts") or (ts if mode == "thread" else None)
    return Source(team, channel, ts, text, thread_ts=thread)


async def _new(bot: Bot, client: AsyncWebClient, team: str, channel: str, event: dict[str, Any]) -> None:
    targets, mode = await _auto_targets(bot, team, channel, event)
    if not targets:
        return
    text = message_text(event)
    where = f"{channel}/{event.get('ts')}"
    if not text:
        _skipped(where, "empty", "no text")
        return
    if len(text) > bot.settings.max_message_chars:  # one line for the message, not one per language
        _skipped(where, "too_long", f"{len(text):,} characters, over MIXLINGO_MAX_MESSAGE_CHARS "
                 f"({bot.settings.max_message_chars:,})")
        return
    source = _source(team, channel, event, text, mode)
    for target in targets:
        result, outcome = await publish(bot, client, source, target, origin="auto", requested_by=None,
                                        version=edit_version(event))
        if result == "error" and outcome is not None and outcome.models_missing:
            log.warning("auto-translate into %s failed: %s", target, outcome.error)
            await client.chat_postEphemeral(channel=channel, user=event["user"], text=problem(outcome))
            return  # one notice per message is enough
        if result == "nothing" and outcome is not None:
            _skipped(where, "nothing_to_translate", f"into {target}: {outcome.reason or 'no words'}")
        elif result == "error" and outcome is not None:
            _skipped(where, "error", f"into {target}: {outcome.error}")


def _skipped(where: str, reason: str, detail: str) -> None:
    """A message auto-translate leaves alone is said so (never its text), and counted by reason."""
    metrics.SKIPPED.labels(reason).inc()
    log.info("auto-translate skipped %s (%s): %s", where, reason, detail)


async def _edited(bot: Bot, client: AsyncWebClient, team: str, channel: str, event: dict[str, Any]) -> None:
    message = event.get("message") or {}
    previous = event.get("previous_message") or {}
    text = message_text(message)
    if not message.get("ts") or text == message_text(previous):
        return  # an unfurl or a reaction count changed, not the words
    targets, mode = await _auto_targets(bot, team, channel, message)
    source = _source(team, channel, message, text, mode)
    version = (message.get("edited") or {}).get("ts") or event.get("event_ts") or event.get("ts")
    await resync(bot, client, source, also=targets if text else (), version=version)
