"""Idempotence and recovery of translation jobs, in one process (SQLite and PostgreSQL).

Each translation has a claim leased to the job making it; a job that dies
leaves the claim to its redelivery or, after the lease, to anyone; the taker
first looks in Slack for the post by its metadata key. Slack errors are retried
(429 honouring Retry-After); what fails for good is recorded.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import update

from mixlingo.bot.jobs.current import current_job
from mixlingo.bot.jobs.keys import JobKey, is_newer
from mixlingo.bot.publish import Source, publish
from mixlingo.bot.storage import Repository, open_database
from mixlingo.bot.storage.models import TranslationRecord, utcnow
from slack_harness import BOT_TOKEN, TEAM, Slack

SPANISH = {"type": "message", "channel": "C1", "user": "U2", "text": "hola amigo, la casa es muy bonita", "ts": "500.000001"}


def web(slack: Slack) -> AsyncWebClient:
    return AsyncWebClient(token=BOT_TOKEN, base_url=slack.fake.api_url)


async def auto_on(slack: Slack, languages: tuple[str, ...] = ("en",)) -> None:
    await slack.bot.repo.set_channel(TEAM, "C1", auto_translate=True, languages=languages, by="U1")


async def test_claims_are_leased_and_taken_over_only_when_their_holder_is_gone(database_url: str) -> None:
    database = await open_database(database_url)
    repo = Repository(database.engine)
    try:
        mine = await repo.claim("T", "C", "1.1", "en", origin="auto", holder="job-a", lease_seconds=60)
        assert mine is not None and mine.lease_live()
        assert await repo.claim("T", "C", "1.1", "en", origin="auto", holder="job-b") is None
        record = await repo.record("T", "C", "1.1", "en")
        assert await repo.take_over(record, holder="job-b") is None  # live lease, someone else's
        again = await repo.take_over(record, holder="job-a")  # the same job redelivered: its earlier try is over
        assert again is not None and again.holder == "job-a"
        async with repo.sessions.begin() as session:  # the lease runs out
            await session.execute(update(TranslationRecord).values(lease_until=utcnow() - timedelta(seconds=1)))
        taken = await repo.take_over(record, holder="job-b")
        assert taken is not None and taken.holder == "job-b"
        assert not await repo.renew(again)  # job-a lost it: it must not post
        assert await repo.renew(taken)
        await repo.complete(taken.id, "99.1", None, "0")
        done = await repo.record("T", "C", "1.1", "en")
        assert done.posted_ts == "99.1" and not done.lease_live() and done.holder is None
        assert await repo.take_over(done, holder="job-c") is None  # posted: nobody takes it again
        failed_id = await repo.add_failed_job(job="run_message", team_id="T", summary="message in C at 1.1",
                                              error="SlackApiError: channel_not_found", attempts=3, payload="{}")
        [row] = await repo.failed_jobs()
        assert (row.id, row.attempts, row.error) == (failed_id, 3, "SlackApiError: channel_not_found")
        await repo.mark_retried(failed_id)
        assert await repo.failed_jobs() == [] and len(await repo.failed_jobs(include_retried=True)) == 1
    finally:
        await database.close()


async def test_a_job_that_died_after_posting_is_recorded_not_posted_again(slack: Slack) -> None:
    source = Source(TEAM, "C1", "600.1", "hola amigo", thread_ts="600.1")
    token = current_job.set("job-1")
    try:
        # job-1 claims, posts… and "dies" before recording the post
        claim = await slack.bot.repo.claim(TEAM, "C1", "600.1", "en", origin="auto", holder="job-1", thread_ts="600.1")
        key = JobKey(TEAM, "C1", "600.1", "en")
        await web(slack).chat_postMessage(channel="C1", thread_ts="600.1", text="hello friend",
                                                    metadata=key.metadata())
        assert claim is not None and len(slack.fake.posted) == 1
        # its redelivery (same job id) takes over, finds the post by its key, and records it
        result, _ = await publish(slack.bot, web(slack), source, "en", origin="auto", requested_by=None)
    finally:
        current_job.reset(token)
    assert result == "duplicate" and len(slack.fake.posted) == 1
    record = await slack.bot.repo.record(TEAM, "C1", "600.1", "en")
    assert record.posted_ts == slack.fake.posted[0]["ts"]
    # a duplicate job with another id, while a live job holds a claim, posts nothing either
    await slack.bot.repo.claim(TEAM, "C1", "601.1", "en", origin="auto", holder="job-2")
    result, _ = await publish(slack.bot, web(slack), Source(TEAM, "C1", "601.1", "hola", "601.1"), "en",
                              origin="auto", requested_by=None)
    assert result == "duplicate" and len(slack.fake.posted) == 1


async def test_slack_429_and_500_are_retried_and_each_translation_posts_once(slack: Slack) -> None:
    await auto_on(slack)
    slack.fake.fault_modes, slack.fake.fault_budget = ("429", "posted-500", "500"), 5
    for i in range(4):
        await slack.driver.event({**SPANISH, "ts": f"700.{i}"})
    await slack.driver.settle()
    by_slot = slack.fake.posts_by_slot()
    assert slack.fake.faults_served == 5
    assert sorted(by_slot) == [f"{TEAM}/C1/700.{i}/en" for i in range(4)]
    assert all(len(posts) == 1 for posts in by_slot.values()), "posted twice"
    assert await slack.bot.repo.failed_jobs() == []
    for i in range(4):
        assert (await slack.bot.repo.record(TEAM, "C1", f"700.{i}", "en")).posted_ts is not None


async def test_a_job_that_fails_for_good_is_recorded_and_listed(slack: Slack, capsys) -> None:
    await auto_on(slack)
    slack.fake.fault_modes, slack.fake.fault_budget = ("channel_not_found",), 1
    await slack.driver.event({**SPANISH, "ts": "800.1"})
    await slack.driver.settle()
    [row] = await slack.bot.repo.failed_jobs()
    assert row.job == "run_message" and row.team_id == TEAM and "channel_not_found" in row.error
    assert row.attempts == 1 and "message in C1 at 800.1" == row.summary  # not retried: a retry cannot fix it
    assert "hola amigo" not in row.summary  # no message text in the list
    # the claim was given up, so a later try is possible
    assert (await slack.bot.repo.record(TEAM, "C1", "800.1", "en")).lease_live() is False
    from typer.testing import CliRunner

    from mixlingo.cli import app

    result = await asyncio.to_thread(CliRunner().invoke, app, ["jobs", "failed", "--json"],
                                     env={"MIXLINGO_DATABASE_URL": slack.bot.settings.scale_out.database_url})
    assert result.exit_code == 0 and '"job": "run_message"' in result.output and "channel_not_found" in result.output


async def test_edits_apply_once_and_in_order(slack: Slack) -> None:
    await auto_on(slack)
    await slack.driver.event(SPANISH)
    await slack.driver.settle()
    edited = {**SPANISH, "text": "hola amigo, gracias por todo", "edited": {"user": "U2", "ts": "510.0"}}
    change = {"type": "message", "subtype": "message_changed", "channel": "C1", "message": edited,
              "previous_message": SPANISH, "ts": "510.0"}
    await slack.driver.event(change)
    await slack.driver.event(change)  # redelivered: already applied
    older = {**change, "message": {**SPANISH, "text": "la casa es grande", "edited": {"user": "U2", "ts": "505.0"}}}
    await slack.driver.event(older)  # arrives late: older than what is shown
    await slack.driver.settle()
    [update_call] = slack.fake.of("chat.update")
    assert update_call.args["text"] == "hello friend, thanks for everything"
    assert len(slack.fake.posted) == 1
    assert is_newer("510.0", "505.0") and not is_newer("0", "505.0")


async def test_job_queue_and_pipeline_metrics(slack: Slack) -> None:
    await auto_on(slack)
    await slack.driver.event(SPANISH)
    await slack.driver.settle()
    async with slack.driver.session.get(slack.driver.url("/metrics")) as response:
        text = await response.text()
    assert response.status == 200
    for name in ("mixlingo_acks_total", "mixlingo_ack_seconds_bucket", "mixlingo_queue_depth",
                 'mixlingo_job_seconds_count{stage="run"}', 'mixlingo_job_seconds_count{stage="TagLanguages"}',
                 'mixlingo_translations_posted_total{origin="auto"}', 'mixlingo_jobs_total{job="run_message",outcome="done"}'):
        assert name in text, name


async def test_concurrent_duplicate_deliveries_post_once(slack: Slack) -> None:
    await auto_on(slack)
    await asyncio.gather(*[slack.driver.event({**SPANISH, "ts": "900.1"}) for _ in range(6)])
    await slack.driver.settle()
    assert [len(p) for p in slack.fake.posts_by_slot().values()] == [1]
