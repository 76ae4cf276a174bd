"""Scale-out settings and commands: bad values and absent servers are one clear line, never a traceback;
a front end that cannot enqueue refuses the request (Slack retries it) instead of acking and dropping it."""

from __future__ import annotations

import json
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from typer.testing import CliRunner

from mixlingo.bot.jobs.journal import journal_for
from mixlingo.bot.jobs.queue import QueueRunner, timings
from mixlingo.cli import app
from mixlingo.config import load_settings
from mixlingo.core.errors import ConfigError
from slack_harness import FakeSlack, open_app

runner = CliRunner()


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("MIXLINGO_BROKER_URL", "http://127.0.0.1:6379", "MIXLINGO_BROKER_URL='http://127.0.0.1:6379' is not valid: must be a broker URL"),
    ("MIXLINGO_ENCRYPTION_KEY", "not-a-key", "MIXLINGO_ENCRYPTION_KEY=(hidden) is not valid: must be Fernet keys"),
    ("MIXLINGO_WORKER_CONCURRENCY", "0", "MIXLINGO_WORKER_CONCURRENCY='0' is not valid"),
    ("MIXLINGO_JOB_LEASE_SECONDS", "1", "MIXLINGO_JOB_LEASE_SECONDS='1' is not valid"),
])
def test_bad_scale_out_settings_are_one_line(monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as error:
        load_settings()
    assert str(error.value).startswith(expected) and "\n" not in str(error.value)
    assert "not-a-key" not in str(error.value)  # a secret is never echoed


def test_timings_keep_an_attempt_inside_its_lease_and_redelivery_after_both() -> None:
    t = timings(load_settings(job_lease_seconds=60).scale_out)
    assert t["time_limit"] < t["lease"] and t["visibility_timeout"] > t["time_limit"] + t["lease"]


def test_commands_explain_what_is_missing(tmp_path: Path) -> None:
    result = runner.invoke(app, ["worker"])
    assert result.exit_code == 2 and "MIXLINGO_BROKER_URL is not set" in result.output and "Traceback" not in result.output
    result = runner.invoke(app, ["db", "upgrade"], env={"MIXLINGO_DATABASE_URL": "postgresql://u:secret@127.0.0.1:1/x"})
    assert result.exit_code == 2 and "cannot reach the database at" in result.output and "secret" not in result.output
    result = runner.invoke(app, ["db", "upgrade"], env={"MIXLINGO_DATABASE_URL": f"sqlite:///{tmp_path / 'm.db'}"})
    assert result.exit_code == 0 and "latest schema" in result.output
    result = runner.invoke(app, ["jobs", "failed"], env={"MIXLINGO_DATABASE_URL": f"sqlite:///{tmp_path / 'm.db'}"})
    assert result.exit_code == 0 and "No failed jobs." in result.output
    result = runner.invoke(app, ["jobs", "retry", "1"], env={"MIXLINGO_DATABASE_URL": f"sqlite:///{tmp_path / 'm.db'}"})
    assert result.exit_code == 2 and "needs the queue" in result.output
    key = runner.invoke(app, ["db", "keygen"]).output.strip()
    Fernet(key.encode())  # a valid key


@asynccontextmanager
async def queue_front_end(tmp_path: Path, fake: FakeSlack, settings):
    """A front end whose listeners enqueue to ``settings.scale_out.broker_url`` instead of running."""
    from aiohttp.test_utils import TestServer

    from mixlingo.bot.app import build_app
    from mixlingo.bot.web import slack_web_app

    bot, database, driver = await open_app(tmp_path, fake)
    server = TestServer(slack_web_app(build_app(bot, database, runner=QueueRunner(settings.scale_out))), host="127.0.0.1")
    await server.start_server()
    try:
        driver.server = server
        yield bot, driver
    finally:
        await server.close()
        await driver.close()  # type: ignore[attr-defined]


async def test_front_end_that_cannot_enqueue_refuses_the_request(tmp_path: Path, fake: FakeSlack) -> None:
    settings = load_settings(broker_url="redis://127.0.0.1:1/0")  # nothing listens there
    async with queue_front_end(tmp_path, fake, settings) as (_, driver):
        status, _ = await driver.event({"type": "message", "channel": "C1", "user": "U2", "text": "hola", "ts": "1.1"})
        assert status == 500  # not acked: Slack will send it again


async def test_front_end_enqueues_without_running_anything(tmp_path: Path, fake: FakeSlack, redis_url: str,
                                                           queue_name: str) -> None:
    import redis

    settings = load_settings(broker_url=redis_url, queue_name=queue_name)
    async with queue_front_end(tmp_path, fake, settings) as (bot, driver):
        status, _ = await driver.event({"type": "message", "channel": "C1", "user": "U2", "text": "hola", "ts": "1.1"})
        assert status == 200
        [raw] = redis.Redis.from_url(redis_url).lrange(queue_name, 0, -1)
        message = json.loads(raw)
        assert message["headers"]["task"] == "mixlingo.run_job"
        journaled = journal_for(settings.scale_out).envelope(message["headers"]["id"])  # kept until a worker has run it
        assert journaled is not None and journaled.journaled and journaled.function == "run_message"
        assert "xoxb" not in raw.decode()  # no token in the broker
        assert fake.of("chat.postMessage") == [] and bot.inflight.count == 0  # nothing ran here
