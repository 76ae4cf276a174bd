"""Posting, updating and deleting translations in channels, with a record per (source, target).

The record is claimed *before* translating: the unique constraint makes a second
reaction, a Slack retry or two people racing lose the insert, so exactly one of
them posts. A failed post releases the claim so that a later try can succeed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from mixlingo.bot.blocks import fallback_text, source_ref, translation_blocks
from mixlingo.bot.context import Bot
from mixlingo.bot.service import Outcome

log = logging.getLogger(__name__)

Result = Literal["posted", "duplicate", "nothing", "error"]


@dataclass(frozen=True)
class Source:
    """A Slack message to translate, and where its translations go."""

    team: str
    channel: str
    ts: str
    text: str
    thread_ts: str | None
    """Where translations are posted: the message's thread, or None for inline in the channel."""


async def publish(
    bot: Bot, client: AsyncWebClient, source: Source, target: str, *, origin: str, requested_by: str | None
) -> tuple[Result, Outcome | None]:
    claim = await bot.repo.claim(
        source.team, source.channel, source.ts, target, origin=origin, requested_by=requested_by, thread_ts=source.thread_ts
    )
    if claim is None:
        return "duplicate", None
    try:
        outcome = await bot.service.translate(source.text, target)
        if not outcome.has_translation:
            await bot.repo.release(claim.id)
            return ("error" if outcome.error else "nothing"), outcome
        response = await client.chat_postMessage(
            channel=source.channel,
            thread_ts=source.thread_ts,
            text=fallback_text(outcome),
            blocks=translation_blocks(outcome, requested_by=requested_by, ref=source_ref(channel=source.channel, ts=source.ts)),
            unfurl_links=False,
            unfurl_media=False,
        )
    except BaseException:
        await bot.repo.release(claim.id)
        raise
    await bot.repo.complete(claim.id, response["ts"], source.thread_ts)
    return "posted", outcome


async def resync(bot: Bot, client: AsyncWebClient, source: Source, *, also: tuple[str, ...] = (), origin: str = "auto",
                 requested_by: str | None = None) -> None:
    """After an edit: update each posted translation, delete the ones no longer needed, add ``also``."""
    records = await bot.repo.records(source.team, source.channel, source.ts)
    for record in records:
        if record.posted_ts is None:  # still being made by another task, which will post the old text
            continue
        outcome = await bot.service.translate(source.text, record.target)
        if outcome.error:
            log.warning("edit of %s not reflected in its %s translation: %s", source.ts, record.target, outcome.error)
            continue
        if not outcome.has_translation:
            await _delete(client, source.channel, record.posted_ts)
            await bot.repo.release(record.id)
            continue
        await client.chat_update(
            channel=source.channel,
            ts=record.posted_ts,
            text=fallback_text(outcome),
            blocks=translation_blocks(outcome, requested_by=record.requested_by, ref=source_ref(channel=source.channel, ts=source.ts)),
        )
        await bot.repo.touch(record.id)
    have = {r.target for r in records}
    for target in also:
        if target not in have:
            await publish(bot, client, source, target, origin=origin, requested_by=requested_by)


async def remove_all(bot: Bot, client: AsyncWebClient, team: str, channel: str, source_ts: str) -> int:
    """The source is gone: delete every translation of it. Returns how many were deleted."""
    removed = 0
    for record in await bot.repo.records(team, channel, source_ts):
        if record.posted_ts is not None:
            await _delete(client, channel, record.posted_ts)
            removed += 1
        await bot.repo.release(record.id)
    return removed


async def _delete(client: AsyncWebClient, channel: str, ts: str) -> None:
    try:
        await client.chat_delete(channel=channel, ts=ts)
    except SlackApiError as error:
        if error.response.get("error") != "message_not_found":  # already gone is fine
            raise
