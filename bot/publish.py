"""Posting, updating and deleting translations in channels, with a record per (source, target).

The record is claimed *before* translating: the unique constraint makes a second
reaction, a Slack retry or two people racing lose the insert, so exactly one of
them posts. The claim is a lease held by the job (``bot/jobs/current.py``): if
that job dies mid-way, its redelivery (same job id) or anyone after the lease
takes it over — first looking in Slack for the post by its metadata key, so a
post that happened just before the crash is recorded, not repeated. Translations
that come out empty release the claim, so a later try can succeed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from mixlingo.bot import metrics
from mixlingo.bot.blocks import fallback_text, source_ref, translation_blocks
from mixlingo.bot.context import Bot
from mixlingo.bot.jobs.current import job_id
from mixlingo.bot.jobs.errors import TranslationPending
from mixlingo.bot.jobs.keys import JobKey, is_newer, matches
from mixlingo.bot.service import Outcome
from mixlingo.bot.storage import Claim

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
    bot: Bot, client: AsyncWebClient, source: Source, target: str, *, origin: str, requested_by: str | None,
    version: str = "0",
) -> tuple[Result, Outcome | None]:
    key = JobKey(source.team, source.channel, source.ts, target, version)
    lease, me = bot.settings.scale_out.job_lease_seconds, job_id()
    claim = await bot.repo.claim(source.team, source.channel, source.ts, target, origin=origin,
                                 requested_by=requested_by, thread_ts=source.thread_ts, lease_seconds=lease,
                                 version=version, holder=me)
    if claim is None:
        claim = await _take_over(bot, client, source, key, me)
        if claim is None:
            return "duplicate", None
    try:
        outcome = await bot.service.translate(source.text, target)
        if not outcome.has_translation:
            await bot.repo.release(claim.id)
            return ("error" if outcome.error else "nothing"), outcome
        if not await bot.repo.renew(claim, lease_seconds=lease):
            log.warning("%s: lost the claim to another job before posting; it posts instead", key)
            return "duplicate", None
        response = await client.chat_postMessage(
            channel=source.channel,
            thread_ts=source.thread_ts,
            text=fallback_text(outcome),
            blocks=translation_blocks(outcome, requested_by=requested_by, ref=source_ref(channel=source.channel, ts=source.ts)),
            metadata=key.metadata(),
            unfurl_links=False,
            unfurl_media=False,
        )
    except BaseException:
        await _abandon(bot, claim)
        raise
    await bot.repo.complete(claim.id, response["ts"], source.thread_ts, version)
    metrics.POSTED.labels(origin).inc()
    return "posted", outcome


async def _take_over(bot: Bot, client: AsyncWebClient, source: Source, key: JobKey, me: str) -> Claim | None:
    """The record exists. Posted, or another live job on it: None (a duplicate). Else take it over and check Slack."""
    existing = await bot.repo.record(key.team, key.channel, key.ts, key.target)
    if existing is None or existing.posted_ts is not None:
        return None  # released as "nothing to translate" meanwhile, or done
    if existing.holder != me and existing.lease_live():
        return None  # someone else is making it; if they die, their redelivery finishes it
    claim = await bot.repo.take_over(existing, holder=me, lease_seconds=bot.settings.scale_out.job_lease_seconds)
    if claim is None:
        return None
    posted = await find_posted(client, source, key)
    if posted is not None:
        log.warning("%s: already posted as %s before a crash; recorded, not posted again", key, posted)
        await bot.repo.complete(claim.id, posted, source.thread_ts, existing.source_version or key.version)
        return None
    log.warning("%s: taking over an unfinished translation", key)
    return claim


async def find_posted(client: AsyncWebClient, source: Source, key: JobKey, *, pages: int = 10) -> str | None:
    """The ts of mixlingo's post for ``key`` if Slack has it (thread replies, or the channel after the source)."""
    cursor = None
    for _ in range(pages):
        if source.thread_ts:
            page = await client.conversations_replies(channel=source.channel, ts=source.thread_ts, cursor=cursor,
                                                      limit=200, include_all_metadata=True)
        else:
            page = await client.conversations_history(channel=source.channel, oldest=source.ts, cursor=cursor,
                                                      limit=200, include_all_metadata=True)
        for message in page.get("messages") or []:
            if matches(message, key):
                return message.get("ts")
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return None
    return None


async def _abandon(bot: Bot, claim: Claim) -> None:
    try:
        await bot.repo.abandon(claim)
    except Exception as error:  # the database is down too: the lease runs out by itself
        log.warning("could not release claim %s (%s); it expires in %s s", claim.id, error, bot.settings.scale_out.job_lease_seconds)


async def resync(bot: Bot, client: AsyncWebClient, source: Source, *, also: tuple[str, ...] = (), origin: str = "auto",
                 requested_by: str | None = None, version: str | None = None) -> None:
    """After an edit: update each posted translation, delete the ones no longer needed, add ``also``.

    ``version`` (the edit's ts) makes it idempotent: an edit already applied, or
    older than the one applied, changes nothing. None (unknown) always applies.
    """
    records = await bot.repo.records(source.team, source.channel, source.ts)
    pending, me = False, job_id()
    for record in records:
        if record.posted_ts is None:  # still being made: this edit is applied once it is posted (retry)
            pending = pending or record.lease_live()
            continue
        if version is not None and record.source_version is not None and not is_newer(version, record.source_version):
            continue  # this edit (or a later one) is already reflected
        leased = await bot.repo.lease_posted(record, holder=me, lease_seconds=bot.settings.scale_out.job_lease_seconds)
        if leased is None:  # another edit is being applied: apply this one after it
            pending = True
            continue
        try:
            if version is not None and leased.source_version is not None and not is_newer(version, leased.source_version):
                await bot.repo.unlease(leased.id, me)
                continue
            await _apply_edit(bot, client, source, leased, version)
        except BaseException:
            try:
                await bot.repo.unlease(leased.id, me)
            except Exception as error:
                log.warning("could not release edit lease on %s (%s)", leased.id, error)
            raise
    have = {r.target for r in records}
    for target in also:
        if target not in have:
            await publish(bot, client, source, target, origin=origin, requested_by=requested_by, version=version or "0")
    if pending:
        raise TranslationPending(f"a translation of {source.ts} is still being posted; the edit is applied after it")


async def _apply_edit(bot: Bot, client: AsyncWebClient, source: Source, record: Claim, version: str | None) -> None:
    assert record.posted_ts is not None, "lease_posted leases posted records only"
    outcome = await bot.service.translate(source.text, record.target)
    if outcome.error:
        log.warning("edit of %s not reflected in its %s translation: %s", source.ts, record.target, outcome.error)
        await bot.repo.unlease(record.id, record.holder or "")
        return
    if not outcome.has_translation:
        await _delete(client, source.channel, record.posted_ts)
        await bot.repo.release(record.id)
        return
    await client.chat_update(
        channel=source.channel,
        ts=record.posted_ts,
        text=fallback_text(outcome),
        blocks=translation_blocks(outcome, requested_by=record.requested_by, ref=source_ref(channel=source.channel, ts=source.ts)),
    )
    await bot.repo.set_version(record.id, version)


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
