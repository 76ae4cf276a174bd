"""The job journal and the sweeper, against the real Redis with kombu's own consumer calls.

kombu's Redis transport pops a message and only then files it as unacked; a
worker killed in between loses it. ``basic_get(no_ack=True)`` leaves Redis in
exactly that state (popped, filed nowhere), ``no_ack=False`` in the state of a
worker that took a job and is running it.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest
from celery.exceptions import Retry

from mixlingo.bot.jobs.envelope import Envelope
from mixlingo.bot.jobs.journal import Journal, journal_for
from mixlingo.bot.jobs.queue import make_celery, send
from mixlingo.bot.jobs.sweeper import Sweeper
from mixlingo.bot.jobs.worker import register_task
from mixlingo.config import load_settings


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def setup(redis_url: str, queue_name: str) -> Iterator[tuple]:
    settings = load_settings(broker_url=redis_url, queue_name=queue_name)
    celery = make_celery(settings.scale_out)
    clock = Clock()
    journal = Journal(journal_for(settings.scale_out).client, queue_name, clock=clock)
    yield settings, celery, journal, clock
    client = journal.client
    client.delete(*[k for k in client.scan_iter(f"{journal.prefix}:*")] or [journal.envelopes])


def envelope(text: str = "hola") -> Envelope:
    return Envelope(function="run_message", body=json.dumps({"event": {"text": text}}), headers={})


def take(celery, queue: str, *, file_it: bool):
    """Take one message off the queue as a worker does; ``file_it=False``: the worker died before filing it.

    Returns the open connection too: closing it gives its unacked messages back, like a worker's warm shutdown.
    """
    connection = celery.connection_for_read()
    message = connection.default_channel.basic_get(queue, no_ack=not file_it)
    assert message is not None
    return connection, message


def waiting_ids(journal: Journal) -> list[str]:
    return [json.loads(raw)["headers"]["id"] for raw in journal.client.lrange(journal.queue, 0, -1)]


def test_a_job_a_dying_worker_took_off_the_queue_is_sent_again(setup) -> None:
    settings, celery, journal, clock = setup
    job = envelope()
    send(celery, settings.scale_out.queue_name, job, journal)
    sweeper = Sweeper(journal, lambda e: send(celery, settings.scale_out.queue_name, e, journal), grace=5)
    clock.now += 10
    assert sweeper.sweep() == [] and waiting_ids(journal) == [job.id]  # waiting in the queue: fine

    take(celery, settings.scale_out.queue_name, file_it=False)[0].close()  # popped, then the worker died
    assert waiting_ids(journal) == []
    assert sweeper.sweep() == []  # missing once: it may be between the pop and the filing
    clock.now += 4
    assert sweeper.sweep() == []
    clock.now += 2
    assert sweeper.sweep() == [job.id]  # missing for longer than the grace: sent again
    [raw] = journal.client.lrange(settings.scale_out.queue_name, 0, -1)
    message = json.loads(raw)
    assert message["headers"]["id"] == job.id
    args, _, _ = json.loads(base64.b64decode(message["body"]))
    assert args[0]["id"] == job.id and args[0]["body"] == job.body and args[0]["journaled"] is True
    assert sweeper.sweep() == []  # sent once, not on every sweep
    assert journal.envelope(job.id).body == job.body


def test_a_job_a_live_worker_holds_or_that_ended_is_left_alone(setup) -> None:
    settings, celery, journal, clock = setup
    running, finished = envelope("a"), envelope("b")
    send(celery, settings.scale_out.queue_name, running, journal)
    send(celery, settings.scale_out.queue_name, finished, journal)
    resent: list[Envelope] = []
    sweeper = Sweeper(journal, resent.append, grace=5)
    worker, taken = take(celery, settings.scale_out.queue_name, file_it=True)  # taken and filed as unacked: running
    assert taken.headers["id"] == running.id
    dead, done = take(celery, settings.scale_out.queue_name, file_it=False)
    assert done.headers["id"] == finished.id
    journal.close(finished.id)  # the job ended before its message was acked
    for _ in range(4):
        clock.now += 5
        assert sweeper.sweep() == []
    assert resent == []
    journal.close(running.id)
    taken.ack()
    worker.close()
    dead.close()
    assert journal.waiting_since(clock.now + 1) == [] and journal.client.hlen(journal.missing) == 0


def test_a_publish_that_fails_takes_its_journal_entry_back(setup) -> None:
    settings, _, journal, _ = setup

    class Down:
        def send_task(self, *args, **kwargs) -> None:
            raise ConnectionRefusedError("broker down")

    with pytest.raises(ConnectionRefusedError):
        send(Down(), settings.scale_out.queue_name, envelope(), journal)  # type: ignore[arg-type]
    assert journal.waiting_since(float("inf")) == []  # the front end answers 500: Slack sends the request again


def test_begin_runs_a_job_once_at_a_time_and_never_after_it_ended(setup) -> None:
    settings, celery, journal, _ = setup
    job = replace(envelope(), journaled=True)
    assert journal.begin(job.id, lease_seconds=60) == "ended"  # never journaled (or already closed)
    journal.open(job)
    assert journal.begin(job.id, lease_seconds=60) == "run"
    assert journal.begin(job.id, lease_seconds=60) == "busy"  # a second copy while the first runs
    lock = f"{journal.prefix}:running:{job.id}"
    assert 55_000 < journal.client.pttl(lock) <= 60_000  # the run lock lasts one lease…
    journal.client.pexpire(lock, 1)  # …and runs out if the first copy dies
    time.sleep(0.05)
    assert journal.begin(job.id, lease_seconds=60) == "run"
    journal.done_running(job.id)
    journal.close(job.id)
    assert journal.begin(job.id, lease_seconds=60) == "ended"


class Runtime:
    """A worker runtime whose job just counts its runs."""

    def __init__(self, settings, journal: Journal):
        self.settings, self.journal, self.runs = settings, journal, 0

    async def execute(self, envelope: Envelope) -> None:
        self.runs += 1

    def call(self, coroutine, timeout=None):
        import asyncio

        return asyncio.run(coroutine)


def test_a_worker_runs_a_journaled_job_once_however_often_it_is_delivered(setup) -> None:
    settings, celery, journal, _ = setup
    runtime = Runtime(settings, journal)
    task = register_task(celery, lambda: runtime)
    job = replace(envelope(), journaled=True)
    journal.open(job)
    journal.begin(job.id, lease_seconds=60)  # another copy is running it
    with pytest.raises(Retry):
        task(job.to_dict())
    assert runtime.runs == 0
    journal.done_running(job.id)
    task(job.to_dict())
    assert runtime.runs == 1 and journal.envelope(job.id) is None  # done: the journal entry is closed
    task(job.to_dict())  # the same message again (its ack was lost, or it was sent again)
    assert runtime.runs == 1
    task(envelope().to_dict())  # from a front end without the journal (an upgrade in progress): runs
    assert runtime.runs == 2


def test_front_end_jobs_are_journaled_only_for_redis(redis_url: str, queue_name: str) -> None:
    assert journal_for(load_settings(broker_url="amqp://guest@127.0.0.1//").scale_out) is None
    assert journal_for(load_settings(broker_url=redis_url, queue_name=queue_name).scale_out) is not None
