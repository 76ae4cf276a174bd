"""Two front ends and two workers against Redis and PostgreSQL, as separate processes on this machine.

The proofs of the scale-out issue, at a size that fits every CI run (``make
proofs`` runs them full size, PROOFS=full): a worker killed in the middle of a
burst loses nothing and posts nothing twice; Slack answering 429/500 for a
while delays posts but every one lands once; the database going away makes jobs
wait and retry, then everything is posted; a load of signed events is acked in
full and every job runs. Figures are printed (and saved for the proofs table).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from cluster import Cluster, message, slot
from mixlingo.bot.storage import Repository, open_database
from proofs import record, size
from services import fresh_postgres, redis_or_skip
from slack_harness import TEAM, FakeSlack

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def cluster() -> AsyncIterator[Cluster]:
    redis_url = redis_or_skip()
    with fresh_postgres() as database_url:
        fake = FakeSlack()
        await fake.start()
        database = await open_database(database_url)  # migrate once, before four processes start
        repo = Repository(database.engine)
        for channel in ("C1", "C2", "C3"):
            await repo.set_channel(TEAM, channel, auto_translate=True, languages=("en",), by="U1")
        import secrets

        queue = f"mixlingo-test-{secrets.token_hex(4)}"
        c = Cluster(fake, database_url, redis_url, queue)
        c.repo = repo  # type: ignore[attr-defined]
        try:
            await c.start(frontends=2, workers=2)
            yield c
        finally:
            await c.close()
            await database.close()
            await fake.close()
            import redis

            redis.Redis.from_url(redis_url).delete(queue)


def duplicates(fake: FakeSlack, slots: set[str]) -> int:
    return sum(len(posts) - 1 for s, posts in fake.posts_by_slot().items() if s in slots)


async def test_worker_killed_mid_burst_loses_nothing_and_posts_nothing_twice(cluster: Cluster) -> None:
    n = size(50, 500)
    events = [message(i, "C1") for i in range(n)]
    slots = {slot(i, "C1") for i in range(n)}
    cluster.fake.latency = 0.05  # posts take a while: the kill lands between claims and posts
    sending = asyncio.create_task(cluster.burst(events))
    victim = cluster.workers[0][0]
    deadline = time.monotonic() + 60
    while len(set(cluster.fake.posts_by_slot()) & slots) < n // 5 and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    posted_at_kill = len(set(cluster.fake.posts_by_slot()) & slots)
    victim.kill()
    killed_at = time.monotonic()
    try:
        statuses = await sending
        assert statuses.count(200) == n, statuses
        await cluster.wait_for_slots(slots, timeout=120)
        cluster.fake.latency = 0.0
        # A job the victim had posted but not yet recorded is redone after its lease and
        # redelivery run out; the redo finds the post in Slack and records it (no second post).
        records = await _records_once_posted(cluster, n, timeout=120)
        recovered_in = time.monotonic() - killed_at
        survivor = cluster.workers[1][0].output()
        dupes = duplicates(cluster.fake, slots)
        record("kill_worker", jobs=n, acked=statuses.count(200), posted_before_kill=posted_at_kill,
               posted=len(set(cluster.fake.posts_by_slot()) & slots), lost=n - len(set(cluster.fake.posts_by_slot()) & slots),
               posted_twice=dupes, taken_over=survivor.count("taking over") + survivor.count("already posted as"),
               all_done_s=round(recovered_in, 1))
        assert dupes == 0
        assert all(r is not None and r.posted_ts is not None for r in records)
        assert posted_at_kill < n, "the kill came after the burst was done: not a mid-burst kill"
    finally:
        cluster.fake.latency = 0.0
        cluster.workers.pop(0)
        await cluster.add_worker()  # back to two workers for the next tests


async def test_a_job_the_broker_lost_is_sent_again_and_posted_once(cluster: Cluster) -> None:
    """A worker killed between kombu's pop and its filing of the message loses it from Redis (celery/kombu#305):
    the journal entry the front end wrote is all that is left, and the workers' sweeper sends the job again."""
    import redis

    from mixlingo.bot.jobs.envelope import Envelope
    from mixlingo.bot.jobs.journal import Journal

    n = size(3, 20)
    lost = [message(2_000 + i, "C1") for i in range(n)]
    journal = Journal(redis.Redis.from_url(cluster.redis_url), cluster.queue)
    jobs = [Envelope(function="run_message", body=cluster.event_body(event), headers={"content-type": "application/json"},
                     journaled=True) for event in lost]
    for job in jobs:  # journaled by a front end, then taken off the queue by a worker that died at once
        journal.open(job)
    slots = {slot(2_000 + i, "C1") for i in range(n)}
    took = await cluster.wait_for_slots(slots, timeout=90)
    logs = "".join(p.output() for p, _ in cluster.workers)
    record("lost_by_broker", jobs=len(lost), posted=len(set(cluster.fake.posts_by_slot()) & slots),
           posted_twice=duplicates(cluster.fake, slots), all_posted_s=round(took, 1))
    assert duplicates(cluster.fake, slots) == 0
    assert logs.count("sending it again") >= len(lost)
    deadline = time.monotonic() + 10
    while any(journal.envelope(job.id) for job in jobs) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert not any(journal.envelope(job.id) for job in jobs)  # every job ended


async def _records_once_posted(cluster: Cluster, n: int, timeout: float) -> list:
    deadline = time.monotonic() + timeout
    while True:
        records = [await cluster.repo.record(TEAM, "C1", f"{1_000_000 + i}.000100", "en") for i in range(n)]  # type: ignore[attr-defined]
        if all(r is not None and r.posted_ts is not None for r in records) or time.monotonic() > deadline:
            return records
        await asyncio.sleep(0.5)


async def test_slack_429_and_500_for_a_while_then_every_translation_posted_once(cluster: Cluster) -> None:
    n = size(30, 200)
    window = size(4.0, 10.0)
    slots = {slot(i, "C2") for i in range(n)}
    cluster.fake.fault_modes = ("429", "500", "posted-500", "ok")
    cluster.fake.fault_until = time.time() + window
    served_before = cluster.fake.faults_served
    statuses = await cluster.burst([message(i, "C2") for i in range(n)])
    assert statuses.count(200) == n
    took = await cluster.wait_for_slots(slots, timeout=150)
    failed = await cluster.repo.failed_jobs()  # type: ignore[attr-defined]
    dupes = duplicates(cluster.fake, slots)
    record("slack_faults", jobs=n, fault_window_s=window, faults_served=cluster.fake.faults_served - served_before,
           posted=len(set(cluster.fake.posts_by_slot()) & slots), posted_twice=dupes, failed_jobs=len(failed),
           all_posted_s=round(took, 1))
    assert cluster.fake.faults_served > served_before
    assert dupes == 0 and failed == []


async def test_database_unavailable_for_a_while_then_recovery(cluster: Cluster) -> None:
    n = size(20, 100)
    outage = size(4.0, 8.0)
    slots = {slot(i, "C3") for i in range(n)}
    assert cluster.proxy is not None
    cluster.proxy.down()
    started = time.monotonic()
    statuses = await cluster.burst([message(i, "C3") for i in range(n)])
    await asyncio.sleep(max(0.0, outage - (time.monotonic() - started)))
    posted_during = len(set(cluster.fake.posts_by_slot()) & slots)
    cluster.proxy.restore()
    took = await cluster.wait_for_slots(slots, timeout=150)
    logs = "".join(p.output() for p, _ in cluster.workers)
    retried = logs.count("will be retried")
    dupes = duplicates(cluster.fake, slots)
    failed = await cluster.repo.failed_jobs()  # type: ignore[attr-defined]
    record("database_outage", jobs=n, outage_s=outage, acked=statuses.count(200), posted_during_outage=posted_during,
           retries_logged=retried, posted=len(set(cluster.fake.posts_by_slot()) & slots), posted_twice=dupes,
           failed_jobs=len(failed), all_posted_after_s=round(took, 1))
    assert statuses.count(200) == n  # front ends keep acking: they do not need the database
    assert posted_during == 0
    assert retried > 0 and "OperationalError" in logs  # a clear reason, with the retry, in the worker log
    assert dupes == 0 and failed == []


async def test_load_every_request_acked_and_every_job_run(cluster: Cluster) -> None:
    rate, seconds = size(40, 200), size(3, 30)
    total = rate * seconds
    done_before = sum([await cluster.metric(url, 'mixlingo_jobs_total{job="run_message",outcome="done"}')
                       for _, url in cluster.workers if url])
    latencies: list[float] = []
    statuses: list[int] = []

    async def one(i: int) -> None:
        event = {"type": "message", "channel": "CLOAD", "user": "U2", "text": f"hola {i}", "ts": f"{5_000_000 + i}.000100"}
        try:
            status, took = await cluster.post_event(event, frontend=i)
        except Exception:
            status, took = 599, 0.0
        statuses.append(status)
        latencies.append(took)

    started = time.perf_counter()
    tasks = []
    for i in range(total):  # open loop: request i leaves at i/rate, whatever the answers do
        delay = started + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    deadline = time.monotonic() + 120
    done = 0.0
    while time.monotonic() < deadline:
        done = sum([await cluster.metric(url, 'mixlingo_jobs_total{job="run_message",outcome="done"}')
                    for _, url in cluster.workers if url]) - done_before
        if done >= total:
            break
        await asyncio.sleep(0.2)
    ordered = sorted(latencies)
    p = lambda q: round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)  # noqa: E731
    record("load", requests=total, rate_per_s=rate, seconds=round(elapsed, 1), acked=statuses.count(200),
           errors=total - statuses.count(200), ack_p50_ms=p(0.50), ack_p99_ms=p(0.99), ack_max_ms=round(ordered[-1] * 1000, 1),
           ack_mean_ms=round(statistics.mean(latencies) * 1000, 1), jobs_run=int(done))
    assert statuses.count(200) == total, {s: statuses.count(s) for s in set(statuses)}
    assert done >= total  # every acked request became a job that ran


async def test_front_end_metrics_and_health(cluster: Cluster) -> None:
    url = cluster.frontends[0][1]
    assert cluster.session is not None
    async with cluster.session.get(url + "/healthz") as response:
        assert response.status == 200
    assert await cluster.metric(url, "mixlingo_acks_total") > 0
    assert await cluster.metric(url, "mixlingo_jobs_enqueued_total") > 0
    depth = await cluster.metric(url, "mixlingo_queue_depth")
    assert depth >= 0
    worker_url = cluster.workers[0][1]
    assert worker_url and await cluster.metric(worker_url, 'mixlingo_job_seconds_count{stage="queued"}') > 0
