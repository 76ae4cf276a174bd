"""The one-process default: jobs run as asyncio tasks beside the web server (model work in its thread).

Same guarantees as the queue where one process can give them: retries with
backoff for what a retry can fix, and a failed job is recorded
(``mixlingo jobs failed``), never dropped silently. What it cannot give is
surviving the process: use the queue for that (docs/deployment.md).
"""

from __future__ import annotations

import asyncio
import logging

from slack_bolt.lazy_listener.async_runner import AsyncLazyListenerRunner
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.util.utils import get_name_for_callable

from mixlingo.bot import metrics
from mixlingo.bot.jobs.envelope import Envelope
from mixlingo.bot.jobs.errors import backoff, describe, is_retryable
from mixlingo.bot.jobs.failures import record_failure
from mixlingo.bot.jobs.run import call_listener

log = logging.getLogger("mixlingo.jobs")


class InProcessRunner(AsyncLazyListenerRunner):
    """Runs each lazy listener as an asyncio task in this process, with retries; the runner when no broker is set."""

    def __init__(self, bot, *, max_retries: int | None = None, backoff_base: float = 1.0):
        self.logger = log
        self.bot = bot
        self.max_retries = bot.settings.scale_out.job_max_retries if max_retries is None else max_retries
        self.backoff_base = backoff_base
        self.tasks: set[asyncio.Task] = set()
        metrics.set_queue_depth(lambda: len(self.tasks))

    def start(self, function, request: AsyncBoltRequest) -> None:
        name = get_name_for_callable(function)
        envelope = Envelope.of(name, request)
        metrics.ENQUEUED.labels(name).inc()
        task = asyncio.ensure_future(self._run(function, request, envelope))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _run(self, function, request: AsyncBoltRequest, envelope: Envelope) -> None:
        inflight = self.bot.inflight
        inflight.count += 1  # across retries, so shutdown and tests wait for the last try
        try:
            for attempt in range(self.max_retries + 1):
                try:
                    await call_listener(function, request, envelope.id, log)
                    metrics.JOBS.labels(envelope.function, "done").inc()
                    return
                except Exception as error:
                    if is_retryable(error) and attempt < self.max_retries:
                        delay = backoff(attempt, base=self.backoff_base)
                        metrics.JOBS.labels(envelope.function, "retry").inc()
                        log.warning("job %s (%s) will be retried in %.1f s: %s", envelope.id, envelope.function, delay,
                                    describe(error))
                        await asyncio.sleep(delay)
                        continue
                    await record_failure(self.bot.repo, envelope, error, attempt + 1)
                    return
        finally:
            inflight.count -= 1

    async def run(self, function, request: AsyncBoltRequest) -> None:
        await call_listener(function, request, Envelope.of(get_name_for_callable(function), request).id, log)
