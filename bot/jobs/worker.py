"""``mixlingo worker``: a Celery worker process that loads the models once and runs jobs from the queue.

One process holds one event loop (in a thread), one database pool, one bolt app
and one translation service; Celery's thread pool runs ``worker_concurrency``
jobs at once on them (model inference still goes through the service's single
model thread). Scale by running more processes, on as many machines as needed.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from celery import Celery
from slack_bolt.lazy_listener.async_runner import AsyncLazyListenerRunner
from slack_bolt.request.async_request import AsyncBoltRequest

from mixlingo.bot import metrics
from mixlingo.bot.jobs.envelope import Envelope
from mixlingo.bot.jobs.errors import JobNotRun, backoff, describe, error_kind, is_retryable
from mixlingo.bot.jobs.failures import record_failure
from mixlingo.bot.jobs.journal import Journal, journal_for
from mixlingo.bot.jobs.queue import TASK, make_celery, queue_depth, send, timings
from mixlingo.bot.jobs.run import call_listener
from mixlingo.bot.service import TranslationService
from mixlingo.config import Settings

log = logging.getLogger("mixlingo.jobs")

_STATE = "mixlingo_job_state"


@dataclass
class _JobState:
    job_id: str
    ran: bool = False
    error: BaseException | None = None


class CallerRunner(AsyncLazyListenerRunner):
    """On a worker, bolt hands the listener back to us: run it now and keep its exception for the task."""

    logger = log

    def start(self, function, request: AsyncBoltRequest) -> None:
        raise RuntimeError("a worker never starts new jobs of its own")

    async def run(self, function, request: AsyncBoltRequest) -> None:
        state: _JobState = request.context[_STATE]
        state.ran = True
        try:
            await call_listener(function, request, state.job_id, log)
        except Exception as error:
            state.error = error


@dataclass
class WorkerRuntime:
    """Everything a worker process builds once: loop thread, database, bolt app, models."""

    settings: Settings
    service: TranslationService
    journal: Journal | None = None
    loop: asyncio.AbstractEventLoop = field(default_factory=asyncio.new_event_loop)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.thread = threading.Thread(target=self.loop.run_forever, name="mixlingo-loop", daemon=True)
        self.thread.start()
        self.call(self._open())

    def call(self, coroutine: Coroutine[Any, Any, Any], timeout: float | None = None) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    async def _open(self) -> None:
        from mixlingo.bot.app import build_app
        from mixlingo.bot.context import Bot
        from mixlingo.bot.storage import Repository, open_database

        self.database = await open_database(self.settings.scale_out.database_url)
        self.bot = Bot(self.settings, self.service, Repository(self.database.engine))
        self.app = build_app(self.bot, self.database, runner=CallerRunner())
        self.notes = list(await self.service.start())  # the models, once per process
        problem = await self.service.check_models()
        if problem:
            self.notes.append(f"translations will not work until the models are available: {problem}")
        self.metrics_url = None
        if self.settings.worker_metrics_port is not None:
            from aiohttp import web

            from mixlingo.bot.server import start_site

            site = web.Application()
            site.router.add_get("/metrics", metrics.metrics_handler)
            self._site, self.metrics_url = await start_site(site, self.settings.metrics_host, self.settings.worker_metrics_port,
                                                            setting="MIXLINGO_WORKER_METRICS_PORT")

    async def execute(self, envelope: Envelope) -> None:
        """Dispatch the job's request through bolt (authorize, match) to its listener; raise what it raised."""
        request = envelope.request()
        state = _JobState(envelope.id)
        request.context[_STATE] = state
        response = await asyncio.wait_for(self.app.async_dispatch(request), timeout=timings(self.settings.scale_out)["time_limit"])
        if state.error is not None:
            raise state.error
        if not state.ran:
            raise JobNotRun(f"bolt answered {response.status} without running {envelope.function}: {response.body!r:.200}")

    def close(self) -> None:
        async def shut() -> None:
            if getattr(self, "_site", None):
                await self._site.cleanup()
            await self.database.close()

        try:
            self.call(shut(), timeout=10)
        finally:
            self.service.close()
            self.loop.call_soon_threadsafe(self.loop.stop)


def register_task(celery: Celery, runtime: Callable[[], WorkerRuntime]) -> Any:
    @celery.task(name=TASK, bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
    def run_job(task: Any, data: dict[str, Any]) -> None:
        envelope = Envelope.from_dict(data)
        rt = runtime()
        attempt = int(task.request.retries or 0)
        journal = rt.journal if envelope.journaled else None
        lease = timings(rt.settings.scale_out)["lease"]
        if journal is not None:
            start = _begin(journal, envelope, lease)
            if start == "ended":
                log.info("job %s (%s) has already run; this copy of it is skipped", envelope.id, envelope.function)
                metrics.JOBS.labels(envelope.function, "skipped").inc()
                return
            if start == "busy":
                log.warning("job %s (%s) is running elsewhere; this copy waits %.0f s", envelope.id, envelope.function, lease)
                raise task.retry(countdown=lease)
        if attempt == 0:
            metrics.observe_stage("queued", max(0.0, time.time() - envelope.enqueued_at))
        try:
            _run(task, rt, envelope, attempt)
            if journal is not None:  # not reached on a retry: the job goes on
                _quietly(journal.close, envelope.id)
        finally:
            if journal is not None:
                _quietly(journal.done_running, envelope.id)

    return run_job


def _run(task: Any, rt: WorkerRuntime, envelope: Envelope, attempt: int) -> None:
    """One attempt: done, retried later (raises celery's Retry), or recorded as failed."""
    limit = timings(rt.settings.scale_out)["time_limit"]
    try:
        rt.call(rt.execute(envelope), timeout=limit + 5)
    except Exception as error:
        metrics.ERRORS.labels(error_kind(error)).inc()
        if is_retryable(error) and attempt < rt.settings.scale_out.job_max_retries:
            delay = backoff(attempt)
            metrics.JOBS.labels(envelope.function, "retry").inc()
            log.warning("job %s (%s) will be retried in %.1f s (try %d of %d): %s", envelope.id, envelope.function,
                        delay, attempt + 2, rt.settings.scale_out.job_max_retries + 1, describe(error))
            raise task.retry(countdown=delay, exc=error) from error
        try:
            rt.call(record_failure(rt.bot.repo, envelope, error, attempt + 1), timeout=30)
        except Exception as store_error:
            log.error("job %s failed (%s) and could not be recorded: %s", envelope.id, describe(error), store_error)
        return
    metrics.JOBS.labels(envelope.function, "done").inc()


def _begin(journal: Journal, envelope: Envelope, lease: float) -> str:
    try:
        return journal.begin(envelope.id, lease_seconds=lease)
    except Exception as error:  # Redis hiccup after delivery: run it; the claims still keep posts single
        log.warning("job %s: journal unavailable (%s); running it anyway", envelope.id, error)
        return "run"


def _quietly(action: Callable[[str], None], job_id: str) -> None:
    try:
        action(job_id)
    except Exception as error:
        log.warning("job %s: could not update the journal (%s)", job_id, error)


def run_worker(settings: Settings, *, service: TranslationService, name: str | None = None,
               say: Callable[[str], None] = print) -> None:
    """Build the runtime (models, database) and consume the queue until stopped (Ctrl-C or SIGTERM)."""
    scale_out = settings.scale_out
    celery = make_celery(scale_out)
    journal = journal_for(scale_out)
    runtime = WorkerRuntime(settings, service, journal)
    metrics.set_queue_depth(lambda: queue_depth(scale_out))
    register_task(celery, lambda: runtime)
    sweeper = _start_sweeper(celery, scale_out.queue_name, journal)
    for note in runtime.notes:
        say(f"note: {note}")
    hostname = name or f"mixlingo-{os.getpid()}@{socket.gethostname()}"
    say(f"worker {hostname}: queue {scale_out.queue_name!r} on {_broker(scale_out.broker_url)}, {scale_out.worker_concurrency} at once"
        + (f", metrics at {runtime.metrics_url}/metrics" if runtime.metrics_url else ""))
    from celery.signals import worker_ready

    worker_ready.connect(lambda **_: say(f"worker {hostname} ready"), weak=False)
    try:
        celery.worker_main(["worker", "--pool=threads", f"--concurrency={scale_out.worker_concurrency}",
                            f"--queues={scale_out.queue_name}", f"--hostname={hostname}", "--loglevel=WARNING",
                            "--without-gossip", "--without-mingle", "--without-heartbeat"])
    finally:
        if sweeper is not None:
            sweeper.stop()
        runtime.close()


def _start_sweeper(celery: Celery, queue: str, journal: Journal | None):
    """The thread that sends again jobs a dying worker took off the Redis queue (none for other brokers)."""
    if journal is None:
        return None
    from mixlingo.bot.jobs.sweeper import Sweeper, SweeperThread

    thread = SweeperThread(Sweeper(journal, lambda envelope: send(celery, queue, envelope, journal)))
    thread.start()
    return thread


def _broker(url: str | None) -> str:
    from kombu.utils.url import maybe_sanitize_url

    return maybe_sanitize_url(url or "")
