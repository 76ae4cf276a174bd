"""Finds journaled jobs that the Redis broker no longer holds, and sends them again.

A job that has not ended is, at any moment, in the queue's list, in kombu's
``unacked`` hash (taken by a worker, running or due to run), or for a few
milliseconds between the two. A job in neither for ``grace`` seconds was taken
by a worker that died before filing it (see ``journal.py``): nobody else will
ever run it. Sending it again is safe even if that judgement were wrong: the
journal runs a job once.

Every worker runs a sweeper thread; a Redis lock lets one of them sweep at a
time, and the "missing since" times live in Redis, so they survive the
sweeper that noticed them.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from kombu.transport.redis import Channel as RedisChannel

from mixlingo.bot import metrics
from mixlingo.bot.jobs.journal import Journal

log = logging.getLogger("mixlingo.jobs")


class Sweeper:
    """One sweep: journal entries older than ``grace`` that the broker lacks twice, ``grace`` apart, are sent again."""

    def __init__(self, journal: Journal, resend: Callable[[Any], None], *, grace: float = 5.0):
        self.journal, self.resend, self.grace = journal, resend, grace
        self.client = journal.client

    def sweep(self) -> list[str]:
        """Returns the ids sent again."""
        now = self.journal.clock()
        candidates = self.journal.waiting_since(now - self.grace)
        if not candidates:
            self.client.delete(self.journal.missing)
            return []
        held = self.held_by_broker()
        missing = [job for job in candidates if job not in held]
        first_seen = self._remember(missing, now)
        resent = []
        for job in missing:
            if now - first_seen[job] < self.grace:
                continue
            envelope = self.journal.envelope(job)
            if envelope is None:  # it ended meanwhile
                continue
            log.warning("job %s (%s) was taken off the queue by a worker that died before running it; sending it again",
                        job, envelope.function)
            self.resend(envelope)
            self.client.hdel(self.journal.missing, job)
            metrics.JOBS.labels(envelope.function, "resent").inc()
            resent.append(job)
        return resent

    def held_by_broker(self) -> set[str]:
        """Task ids waiting in the queue (every priority list) or taken and not acknowledged (any queue)."""
        queue = self.journal.queue
        lists = [queue] + [f"{queue}{RedisChannel.sep}{p}" for p in RedisChannel.priority_steps if p]  # as kombu names them
        pipe = self.client.pipeline()
        for name in lists:
            pipe.lrange(name, 0, -1)
        pipe.hvals(RedisChannel.unacked_key)
        *waiting, unacked = pipe.execute()
        ids = {task for page in waiting for raw in page if (task := _task_id(raw)) is not None}
        ids.update(task for raw in unacked if (task := _task_id(raw, filed=True)) is not None)
        return ids

    def _remember(self, missing: list[str], now: float) -> dict[str, float]:
        """First time each job was seen missing (now, for new ones); jobs no longer missing are forgotten."""
        known = {k.decode(): float(v) for k, v in self.client.hgetall(self.journal.missing).items()}
        first = {job: known.get(job, now) for job in missing}
        pipe = self.client.pipeline()
        pipe.delete(self.journal.missing)
        if first:
            pipe.hset(self.journal.missing, mapping=first)
        pipe.execute()
        return first


def _task_id(raw: bytes, *, filed: bool = False) -> str | None:
    """The Celery task id of a kombu message as it waits in a list, or as filed in ``unacked`` ([message, exchange, key])."""
    try:
        data = json.loads(raw)
        return (data[0] if filed else data)["headers"]["id"]
    except (ValueError, KeyError, IndexError, TypeError):
        return None


class SweeperThread(threading.Thread):
    """Sweeps every ``every`` seconds while the worker runs; one sweeper at a time across workers (a Redis lock).

    A sweep reads the whole queue, so with a long backlog it waits longer
    between sweeps (20 times the last sweep's duration at least).
    """

    def __init__(self, sweeper: Sweeper, *, every: float = 2.0):
        super().__init__(name="mixlingo-sweeper", daemon=True)
        self.sweeper, self.every = sweeper, every
        self.stopped = threading.Event()
        self.lock = sweeper.client.lock(f"{sweeper.journal.prefix}:sweeping", timeout=max(10.0, every * 5), blocking=False)

    def run(self) -> None:
        pause = self.every
        while not self.stopped.wait(pause):
            started = time.monotonic()
            try:
                if self.lock.acquire():
                    try:
                        self.sweeper.sweep()
                    finally:
                        self.lock.release()
            except Exception as error:  # Redis away for a moment: the next sweep tries again
                metrics.ERRORS.labels("sweep").inc()
                log.warning("could not look for lost jobs (%s); trying again in %.0f s", error, self.every)
            pause = max(self.every, 20 * (time.monotonic() - started))

    def stop(self) -> None:
        self.stopped.set()
