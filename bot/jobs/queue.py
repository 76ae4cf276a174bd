"""The distributed queue: Celery with Redis as the broker, configured for at-least-once delivery.

* late ack (``task_acks_late``): a message leaves the broker only after its job
  finished, so a worker killed mid-job leaves it to be redelivered;
* ``task_reject_on_worker_lost`` and prefetch 1: a lost job goes back at once
  where the pool can tell, and a worker holds no more than it runs;
* Redis redelivers unacked messages after ``visibility_timeout``; it is set
  above a job's time limit plus its claim lease, so a redelivered job never
  runs beside a live one of itself (see ``bot/publish.py`` for the claims);
* every job sent to a Redis broker is journaled first (``journal.py``), so a
  message a dying worker took but never filed as unacked is sent again
  (``sweeper.py``).

The front end only publishes (``send_task`` by name): it never imports the
worker code nor loads a model.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from celery import Celery
from slack_bolt.lazy_listener.async_runner import AsyncLazyListenerRunner
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.util.utils import get_name_for_callable

from mixlingo.bot import metrics
from mixlingo.bot.jobs.broker import redis_broker
from mixlingo.bot.jobs.envelope import Envelope
from mixlingo.bot.jobs.journal import Journal, journal_for
from mixlingo.config import ScaleOutSettings
from mixlingo.core.errors import MixlingoError

log = logging.getLogger("mixlingo.jobs")

TASK = "mixlingo.run_job"


class QueueUnavailable(MixlingoError):
    """The broker refused or timed out: the front end answers 503 so Slack retries the request later."""


def timings(scale_out: ScaleOutSettings) -> dict[str, float]:
    """Time limit < lease < redelivery: an attempt is over before anyone may take its work over."""
    lease = float(scale_out.job_lease_seconds)
    return {"time_limit": lease * 0.8, "lease": lease, "visibility_timeout": lease * 2 + 10}


def make_celery(scale_out: ScaleOutSettings) -> Celery:
    if not scale_out.broker_url:
        raise MixlingoError("MIXLINGO_BROKER_URL is not set: queue mode needs a broker, e.g. redis://127.0.0.1:6379/0")
    t = timings(scale_out)
    app = Celery("mixlingo", broker=scale_out.broker_url, set_as_current=False)
    app.conf.update(
        task_default_queue=scale_out.queue_name,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,  # a job that ended (even failed) is recorded by us, not redelivered
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        worker_hijack_root_logger=False,
        worker_cancel_long_running_tasks_on_connection_loss=True,
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=3,
        broker_transport_options={
            "visibility_timeout": t["visibility_timeout"],
            "unacked_restore_interval": 1,  # look for abandoned messages every second…
            "unacked_restore_throttle": 1,  # …really (default: every 100 s)
            "socket_timeout": 5,
            "socket_connect_timeout": 3,
        },
    )
    return app


def send(celery: Celery, queue: str, envelope: Envelope, journal: Journal | None, **options: Any) -> None:
    """Journal the job (Redis brokers), then publish it; a publish that fails takes the journal entry back."""
    if journal is not None:
        envelope = replace(envelope, journaled=True)
        journal.open(envelope)
    try:
        celery.send_task(TASK, args=[envelope.to_dict()], queue=queue, task_id=envelope.id, **options)
    except Exception:
        if journal is not None:
            try:
                journal.close(envelope.id)
            except Exception as error:  # the broker is down: the sweeper sends it once Redis is back
                log.warning("job %s: could not take back its journal entry (%s)", envelope.id, error)
        raise


class QueueRunner(AsyncLazyListenerRunner):
    """Runs bolt's lazy listeners elsewhere: publishes them to the broker before the ack is sent.

    ``start`` runs inside bolt's dispatch, before the response: a broker that is
    down makes the request fail (HTTP 500), so Slack retries it — the request
    is never acked and then dropped.
    """

    def __init__(self, scale_out: ScaleOutSettings):
        self.logger = log
        self.celery = make_celery(scale_out)
        self.queue = scale_out.queue_name
        self.journal = journal_for(scale_out)
        self.retry_policy = {"max_retries": 2, "interval_start": 0.05, "interval_step": 0.2, "interval_max": 0.5}

    def start(self, function, request: AsyncBoltRequest) -> None:
        name = get_name_for_callable(function)
        envelope = Envelope.of(name, request)
        try:
            send(self.celery, self.queue, envelope, self.journal, retry=True, retry_policy=self.retry_policy)
        except Exception as error:
            metrics.ERRORS.labels("enqueue").inc()
            log.error("cannot enqueue %s: the broker is unavailable (%s); Slack will retry the request", name, error)
            raise QueueUnavailable(f"cannot reach the job queue: {error}") from error
        metrics.ENQUEUED.labels(name).inc()

    async def run(self, function, request: AsyncBoltRequest) -> None:
        raise RuntimeError("a front end never runs jobs itself in queue mode")


def queue_depth(scale_out: ScaleOutSettings) -> int:
    """Messages waiting in the broker queue (Redis: the list's length; 0 for other brokers)."""
    client = redis_broker(scale_out)
    return 0 if client is None else int(client.llen(scale_out.queue_name))
